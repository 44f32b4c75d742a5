// The Ringside debug session (DESIGN.md §5, STYLE.md §2): translates DAP requests into calls on the
// runtime's GuestSession and its events into DAP events — in one place, onRuntimeEvent(). Handles,
// 1-based lines, address strings and base64 stay here; the runtime speaks plain records.

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Breakpoint, BreakpointEvent, DebugSession, ExitedEvent, InitializedEvent, OutputEvent, Source, StoppedEvent, TerminatedEvent, Thread,
  Event, InvalidatedEvent, Response,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GuestSession, TYPED_INPUT_LIMIT } from '../../core/src/runtime/session';
import type { FrameRegisters } from '../../core/src/runtime/frame-scope';
import { readSourceText } from '../../core/src/host-files';
import type { ExceptionEvent, RuntimeEvent, StoppedEvent as RuntimeStop } from '../../core/src/runtime/events';
import { readDescriptorTables } from '../../core/src/runtime/descriptor-tables';
import type { Diagnostic } from '../../core/src/asm/api';
import { describeShutdown, type ShutdownFault } from '../../core/src/machine/cpu/exceptions';
import {
  PAGE_TABLES_REQUEST, RINGS_REQUEST, SET_TRACE_REQUEST, TLB_REQUEST, TRACE_EVENT, TRANSLATE_REQUEST,
  type PageTablesArguments, type PageTablesResponse, type RingsResponse, type SetTraceArguments, type TlbResponse,
  type TraceEventBody, type TraceRecord, type TranslateArguments, type TranslateResponse,
} from '../../core/src/protocol';
import { beyondAddressSpace, formatAddress, parseAddress } from './addresses';
import { BreakpointTable, type ApplyResult, type PlannedBreakpoint, type SourceBreakpointRequest } from './breakpoint-table';
import { complete, isCommand, isSerialCommand, runCommand } from './console';
import { exceptionBreakpointFilters, filterById, filterForVector } from './exception-filters';
import { exceptionLines, exceptionTitle } from './exception-info';
import { planLaunch, type LaunchPlan } from './launch';
import { SerialTerminal } from './serial-terminal';
import { callerName, returnAddressOnTop, unwind, type GuestFrame } from './stack';
import { ARGUMENTS, argumentProblem } from './request-arguments';
import { RegisterVariables } from './variables';
import { wholeMessages } from './whole-messages';

const THREAD_ID = 1;
/** Registers an exception's delivery leaves as they were at the faulting instruction (SDM Vol. 3A §6.12.1). */
const FAULT_ROW_LIVE: ReadonlySet<string> = new Set(['eax', 'ecx', 'edx', 'ebx', 'ebp', 'esi', 'edi', 'ds', 'es', 'fs', 'gs', 'cr0', 'cr2', 'cr3', 'cr4']);
/** How far below a breakpoint's line to look for the next line that emits code. */
/**
 * `TARGET = VALUE` in the Debug Console: the first `=` neither part of `==` nor ending `<=`, `>=`
 * or `!=`, which are comparisons.
 */
const ASSIGNMENT = /^([^=]*[^=!<>])=(?!=)(.*)$/s;
/** What evaluate calls a value of 1, 2 or 4 bytes: nasm's operand size keywords (NASM manual §2.2.3). */
const OPERAND_TYPE = { 1: 'byte', 2: 'word', 4: 'dword' } as const;
const LINE_SEARCH = 200;
const TRACE_LIMIT = 2000;
/** WriteMemoryArguments.data: base64 (RFC 4648 §4), its padding optional. */
const BASE64 = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]={1,2})?$/;
/** Requests that take over from a start still waiting for the COM1 terminal (configurationDone's). */
const OVERTAKE_START = new Set(['continue', 'next', 'stepIn', 'stepOut', 'goto', 'restart', 'terminate', 'disconnect']);
/** How long a COM1 terminal the client has started may take to connect before COM1 goes back to the Debug Console. */
const TERMINAL_JOIN_MS = 10_000;

interface LaunchState {
  readonly program: string;
  readonly stopOnEntry: boolean;
  readonly noDebug: boolean;
  readonly options: Parameters<typeof GuestSession.load>[0];
  /** Source files read and their text at assembly time, to know whether restart must re-assemble. */
  readonly files: ReadonlyMap<string, string>;
  /** Typed into COM1 as the guest starts, and again on each restart. */
  readonly serialInput: Uint8Array | undefined;
  /** What the launch configuration asks for, to tell whether a restart's configuration asks for another guest. */
  readonly configuration: string;
}

type LastStop = {
  readonly reason: string; readonly description: string; readonly exceptionId?: string; readonly name?: string;
  /** The delivery the stop is about (faulting EIP, error code, CR2), for exception stops. */
  readonly exception?: ExceptionEvent;
};

/** A call-stack row: the faulting instruction of the exception stopped on, or a guest frame (depth 0 = innermost). */
type StackEntry = { readonly kind: 'fault'; readonly exception: ExceptionEvent } | { readonly kind: 'guest'; readonly frame: GuestFrame; readonly depth: number };

/**
 * The session on the library's DebugSession, not its LoggingDebugSession: that one writes every
 * message out as JSON once more for its logger, whose queue keeps them all until the logger is
 * set up, so a long session grew by ~47 KB a stop (a guest stepped and inspected 6,000 times:
 * 108 → 388 MB).
 */
export class RingsideDebugSession extends DebugSession {
  private guest: GuestSession | null = null;
  private launch: LaunchState | null = null;
  private unsubscribe: (() => void) | null = null;
  private unsubscribeTrace: (() => void) | null = null;
  /** While exception filters are armed: the last exception delivered (the observer runs anyway then). */
  private unsubscribeExceptions: (() => void) | null = null;
  private lastException: ExceptionEvent | null = null;
  private readonly breakpoints = new BreakpointTable();
  private dataBreakpointIds = new Map<number, number>();
  private dataSpecs: { id: number; spec: Parameters<GuestSession['setDataBreakpoints']>[0][number] }[] = [];
  private exceptionArgs: DebugProtocol.SetExceptionBreakpointsArguments = { filters: [] };
  private tripleFault: { armed: boolean; condition?: string } = { armed: false };
  /** The vector filters armed (with their conditions): a shutdown whose faults include one stops too. */
  private armedVectors: { vector: number; condition?: string }[] = [];
  /** The faults that shut the processor down (describeShutdown), once it has. */
  private shutdownFaults = '';
  /** A triple fault shown as a stop; the next run command ends the session. */
  private shutdownShown = false;
  private readonly variables = new RegisterVariables(() => this.requireGuest());
  private readonly gotoTargets = new Map<number, number>();
  /**
   * The frame ids stackTrace has given in this stop, by call-stack depth. Ids are never given out
   * twice: one kept from an earlier stop names no frame now (DAP: a frame id is valid only in the
   * suspended state it was obtained in) and is refused, not read as whichever frame is at its depth.
   */
  private frameIds: number[] = [];
  private nextFrameId = 1;
  /** The first id given in this stop: lower ones are from earlier stops. */
  private firstFrameIdOfStop = 1;
  private nextGotoTarget = 1;
  private lastStop: LastStop | null = null;
  private hexValues = true;
  private inRequest = false;
  private readonly deferred: DebugProtocol.Event[] = [];
  private suppressEntryStop = false;
  private trace: TraceRecord[] = [];
  private traceDropped = 0;
  private traceFlushScheduled = false;
  private serialText = '';
  private serialFlushScheduled = false;
  /** Whether configurationDone's start of the guest waits for its COM1 terminal to join. */
  private startPending = false;
  /** Whether the guest has exited (its terminal has said so). */
  private guestExited = false;
  /** Whether the client runs commands in its terminals (initialize's supportsRunInTerminalRequest). */
  private clientRunsTerminals = false;
  /** COM1's own terminal (launch `console: integratedTerminal`) while it is there; else COM1 is in the Debug Console. */
  private terminal: SerialTerminal | null = null;
  /** Guest output for the Debug Console, read as UTF-8 across flushes (a character's bytes may come in two). */
  private utf8 = new TextDecoder();
  /** Whether the Debug Console has said that typed keys were dropped (COM1 full). */
  private droppedSaid = false;
  /** Why the session ended (the guest exited, terminate, disconnect), or null while it goes on; nothing runs after. */
  private ended: string | null = null;

  constructor() {
    super();
    // The runtime's source locations are 0-based; the client's convention comes with initialize.
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
  }

  // ---- plumbing ------------------------------------------------------------------------------

  /** The library reads `input` a whole message at a time (whole-messages.ts: it reads large requests in linear time). */
  override start(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): void {
    super.start(wholeMessages(input), output);
  }

  /**
   * Arguments that do not fit the schema are refused first (the handlers read them as typed);
   * events raised while a request is being handled go out after its response (STYLE.md §6).
   */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const problem = argumentProblem(request.command, request.arguments) ?? this.threadProblem(request);
    if (problem !== undefined) {
      this.fail(new Response(request), problem);
      return;
    }
    // (A run or restart asked for meanwhile is what the guest does next: not the start it waited for.)
    if (this.startPending && OVERTAKE_START.has(request.command)) this.startPending = false;
    this.inRequest = true;
    try {
      super.dispatchRequest(request);
    } finally {
      this.inRequest = false;
      const events = this.deferred.splice(0);
      for (const e of events) this.sendEvent(e);
    }
  }

  /** A thread id other than the one thread (the guest's CPU) the threads request gives. */
  private threadProblem(request: DebugProtocol.Request): string | undefined {
    const id = (request.arguments as { threadId?: unknown } | undefined)?.threadId;
    if (id === undefined || id === THREAD_ID || !('threadId' in (ARGUMENTS[request.command] ?? {}))) return undefined;
    return `unknown thread ${String(id)}: the guest has one CPU, thread ${THREAD_ID}`;
  }

  private post(e: DebugProtocol.Event): void {
    if (this.inRequest) this.deferred.push(e);
    else this.sendEvent(e);
  }

  private requireGuest(): GuestSession {
    if (this.guest === null) throw new Error('no guest loaded');
    return this.guest;
  }

  private fail(response: DebugProtocol.Response, message: string): void {
    this.sendErrorResponse(response, { id: 1, format: message.replace(/[{}]/g, (c) => (c === '{' ? '(' : ')')), showUser: true });
  }

  /** The guest, or an error response when there is none (before launch / after a failed launch). */
  private loaded(response: DebugProtocol.Response): GuestSession | null {
    if (this.guest === null) this.fail(response, 'no guest is loaded (launch first)');
    return this.guest;
  }

  private stoppedGuest(response: DebugProtocol.Response): GuestSession | null {
    const g = this.loaded(response);
    if (g !== null && g.status === 'running') { this.fail(response, 'the guest is running; pause it first'); return null; }
    return g;
  }

  // ---- the one runtime-event → DAP-event mapping ---------------------------------------------

  private onRuntimeEvent(e: RuntimeEvent): void {
    switch (e.kind) {
      case 'output':
        if (e.category === 'serial') { this.queueSerial(e.text); return; }
        this.flushSerial();
        // (The runtime's note that the guest waits for COM1 input says where to type it.)
        this.post(new OutputEvent(e.category === 'note' ? `${e.text.trimEnd()} ${this.typingHint()}\n` : e.text, 'console'));
        return;
      case 'stopped':
        this.flushSerial();
        this.flushTrace();
        // The pause terminate asks for lands after `terminated`: the session is over, nothing stopped in it.
        if ((this.suppressEntryStop && e.reason === 'entry') || this.ended !== null) return;
        this.reportStop(e);
        return;
      case 'exited': {
        this.flushSerial();
        this.flushTrace();
        if (e.how === 'triple-fault') this.shutdownFaults = describeShutdown(e.faults ?? []);
        if (e.how === 'triple-fault' && this.tripleFault.armed && !this.shutdownShown && this.conditionHolds(this.tripleFault.condition)) {
          this.shutdownShown = true;
          this.stopEvent('exception', `Triple fault: the processor shut down (SDM Vol. 3A §6.15) after ${this.shutdownFaults}`, 'triple-fault', 'Triple fault');
          return;
        }
        if (e.how === 'triple-fault' && !this.shutdownShown && this.undeliveredStop(e.faults ?? [])) return;
        this.endSession(e.how, e.value);
        return;
      }
      default:
        if (this.unsubscribeTrace !== null) this.queueTrace(e);
    }
  }

  private reportStop(e: RuntimeStop): void {
    // (A condition that could not be evaluated stops, and the Debug Console says why, as gdb's console does.)
    const description = e.conditionError === undefined ? e.description : `${e.description}: ${e.conditionError}`;
    if (e.conditionError !== undefined) this.post(new OutputEvent(`${description}\n`, 'console'));
    switch (e.reason) {
      case 'breakpoint': {
        const { ids, kind } = this.breakpoints.resolve(e.breakpointIds ?? []);
        const reason = kind === 'function' ? 'function breakpoint' : kind === 'instruction' ? 'instruction breakpoint' : 'breakpoint';
        this.stopEvent(reason, description, undefined, undefined, ids);
        return;
      }
      case 'data-breakpoint': {
        const ids = (e.breakpointIds ?? []).map((r) => this.dataBreakpointIds.get(r)).filter((x): x is number => x !== undefined);
        this.stopEvent('data breakpoint', description, undefined, undefined, ids);
        return;
      }
      case 'exception': {
        const f = e.vector !== undefined ? filterForVector(e.vector) : undefined;
        const x = this.lastException !== null && this.lastException.vector === e.vector ? this.lastException : undefined;
        this.stopEvent('exception', description, f?.id ?? `vector-${e.vector}`, f?.label.split(' ')[0] ?? `vector ${e.vector}`, undefined, x);
        return;
      }
      case 'ring-transition':
        this.stopEvent('exception', `Ring transition: ${description}`, 'ring-transition', 'Ring transition');
        return;
      case 'budget':
        this.stopEvent('pause', description);
        return;
      default:
        this.stopEvent(e.reason, description);
    }
  }

  private stopEvent(reason: string, description: string, exceptionId?: string, name?: string, hitBreakpointIds?: number[], exception?: ExceptionEvent): void {
    this.lastStop = { reason, description, exceptionId, name, exception };
    this.lastException = null;
    this.variables.reset();
    this.gotoTargets.clear();
    this.forgetFrames();
    const ev = new StoppedEvent(reason, THREAD_ID) as DebugProtocol.StoppedEvent;
    ev.body.description = reason === 'exception' ? `Paused on ${name ?? 'exception'}` : description;
    ev.body.text = description;
    ev.body.allThreadsStopped = true;
    if (hitBreakpointIds !== undefined && hitBreakpointIds.length > 0) ev.body.hitBreakpointIds = hitBreakpointIds;
    this.post(ev);
  }

  /**
   * An exception an armed filter names that was raised but never delivered, because delivering it
   * (or the #DF it became) faulted until the processor shut down (SDM Vol. 3A §6.15): the filter
   * still stops, at the shutdown, as it would have at the handler. True when it stopped.
   */
  private undeliveredStop(faults: readonly ShutdownFault[]): boolean {
    for (const fault of faults) {
      const armed = this.armedVectors.find((a) => a.vector === fault.vector);
      if (armed === undefined || !this.conditionHolds(armed.condition)) continue;
      const f = filterForVector(fault.vector);
      const name = f?.label.split(' ')[0] ?? `vector ${fault.vector}`;
      const raised = describeShutdown([fault]);
      this.shutdownShown = true;
      this.stopEvent('exception', `${raised} was raised but never delivered: the processor shut down (SDM Vol. 3A §6.15) after ${this.shutdownFaults}`, f?.id ?? `vector-${fault.vector}`, name);
      return true;
    }
    return false;
  }

  private endSession(how: 'debug-exit' | 'halted' | 'triple-fault', value: number | undefined): void {
    if (this.ended !== null) return;
    // Exit codes as `ringside run` gives them: the isa-debug-exit value, 0 for a halt, 3 for a triple fault.
    const code = how === 'debug-exit' ? (value ?? 0) & 0xff : how === 'triple-fault' ? 3 : 0;
    // (A halt ends the run only where nothing can wake the CPU: interrupts off, or none that could come.)
    const what = how === 'debug-exit' ? `wrote ${value ?? 0} to isa-debug-exit` : how === 'halted' ? 'halted with nothing left to wake it' : `triple fault (shutdown after ${this.shutdownFaults})`;
    this.ended = `the guest has exited (${how === 'triple-fault' ? 'triple fault' : what})`;
    this.post(new OutputEvent(`guest ${what}; exit code ${code}\n`, 'console'));
    this.terminal?.say(`guest ${what}; exit code ${code}`);
    this.guestExited = true;
    this.post(new ExitedEvent(code));
    this.post(new TerminatedEvent());
  }

  private conditionHolds(condition: string | undefined): boolean {
    if (condition === undefined || condition.trim() === '' || this.guest === null) return true;
    const r = this.guest.evaluate(condition);
    return !r.ok || r.value !== 0;
  }

  /**
   * Guest serial output goes out at most once per run batch: the runtime flushes its bytes before
   * each event it emits, so a guest that faults and prints in turn would otherwise become one DAP
   * event per byte (tens of thousands a second, more than the client or the pipe keeps up with).
   */
  private queueSerial(text: string): void {
    this.serialText += text;
    if (!this.serialFlushScheduled) {
      this.serialFlushScheduled = true;
      // Runs between batches: the runtime yields with setImmediate after each one.
      setImmediate(() => this.flushSerial());
    }
  }

  private flushSerial(): void {
    this.serialFlushScheduled = false;
    if (this.serialText === '') return;
    const text = this.serialText;
    this.serialText = '';
    if (this.terminal === null) { this.post(new OutputEvent(this.consoleText(text), 'stdout')); return; }
    this.terminal.write(text);
    // (A terminal that has fallen behind holds the guest, as a slow pipe holds a program.)
    if (this.terminal.backedUp) this.guest?.holdUntil(this.terminal.drained());
  }

  /** Guest bytes (one character each, as the runtime gives them) as the Debug Console shows them: UTF-8, as a terminal reads them. */
  private consoleText(bytes: string): string {
    return this.utf8.decode(Buffer.from(bytes, 'latin1'), { stream: true });
  }

  // ---- COM1's input, and its terminal ------------------------------------------------------------

  /** Where the user types into COM1 now. */
  private typingHint(): string {
    return this.terminal !== null ? '(type in its terminal)' : '(type here: serial TEXT, with \\r for Enter)';
  }

  /** The launch's `serialInput`, typed into a guest that has just started (launch, restart). */
  private typeLaunchInput(g: GuestSession): void {
    const input = this.launch?.serialInput;
    if (input !== undefined) g.typeSerial(input);
  }

  /**
   * COM1 in a terminal of its own: a socket for it, and the client asked to run the program that
   * joins its terminal to that socket. Where the client cannot (no runInTerminal) or the terminal
   * fails, COM1 stays in (or comes back to) the Debug Console, and the console says why.
   */
  private openTerminal(program: string): void {
    const runtime = terminalRuntime();
    if (!this.clientRunsTerminals || runtime === undefined) {
      const why = runtime === undefined
        ? 'on Windows the terminal needs Node.js on PATH (VS Code\'s own runtime cannot read a console there)'
        : 'this client cannot open a terminal for it (no runInTerminal)';
      this.post(new OutputEvent(`COM1 is in the Debug Console (type into it with \`serial TEXT\`): ${why}\n`, 'console'));
      return;
    }
    const terminal = new SerialTerminal({
      listening: (address) => {
        const args: DebugProtocol.RunInTerminalRequestArguments = {
          kind: 'integrated', title: `COM1: ${path.basename(program)}`, cwd: path.dirname(program),
          args: [runtime.command, path.join(__dirname, 'serialTerminal.js'), address],
          ...(runtime.env !== undefined ? { env: runtime.env } : {}),
        };
        this.runInTerminalRequest(args, TERMINAL_JOIN_MS, (r) => {
          if (!r.success) { terminal.end(`the client could not start it (${r.message ?? 'runInTerminal failed'})`); return; }
          setTimeout(() => { if (!terminal.joined) terminal.end(`it did not connect within ${TERMINAL_JOIN_MS / 1000} s`); }, TERMINAL_JOIN_MS).unref();
        });
      },
      typed: (bytes) => {
        const g = this.guest;
        if (g === null || this.ended !== null || g.typeSerial(bytes) || g.status === 'exited' || this.droppedSaid) return;
        this.droppedSaid = true;
        this.post(new OutputEvent(`keys typed in the COM1 terminal were dropped: the guest has ${TYPED_INPUT_LIMIT} bytes it has not read\n`, 'console'));
      },
      gone: (why) => {
        if (this.terminal !== terminal) return;
        this.terminal = null;
        if (this.ended !== null) return;
        this.post(new OutputEvent(`COM1 is in the Debug Console now (type into it with \`serial TEXT\`): ${why}\n`, 'console'));
        const unseen = terminal.takeBacklog();
        if (unseen !== '') this.post(new OutputEvent(this.consoleText(unseen), 'stdout'));
      },
    });
    this.terminal = terminal;
  }

  private queueTrace(e: TraceRecord): void {
    if (this.trace.length >= TRACE_LIMIT) this.traceDropped++;
    else this.trace.push(e);
    if (!this.traceFlushScheduled) {
      this.traceFlushScheduled = true;
      // Runs between batches: the runtime yields with setImmediate after each one.
      setImmediate(() => this.flushTrace());
    }
  }

  private flushTrace(): void {
    this.traceFlushScheduled = false;
    if (this.trace.length === 0 && this.traceDropped === 0) return;
    const body: TraceEventBody = { records: this.trace, dropped: this.traceDropped };
    this.trace = [];
    this.traceDropped = 0;
    this.post(new Event(TRACE_EVENT, body));
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientRunsTerminals = args.supportsRunInTerminalRequest === true;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsInstructionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      exceptionBreakpointFilters: exceptionBreakpointFilters(),
      supportsExceptionFilterOptions: true,
      supportsExceptionInfoRequest: true,
      supportsSteppingGranularity: true,
      supportsGotoTargetsRequest: true,
      supportsRestartRequest: true,
      supportsDisassembleRequest: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsSetVariable: true,
      supportsSetExpression: true,
      supportsEvaluateForHovers: true,
      supportsCompletionsRequest: true,
      completionTriggerCharacters: [' ', '/', '['],
      supportsTerminateRequest: true,
      supportsValueFormattingOptions: true,
      supportsLoadedSourcesRequest: true,
    };
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): void {
    const raw = args as unknown as Record<string, unknown>;
    const cwd = typeof raw.cwd === 'string' ? raw.cwd : process.cwd();
    const plan = planLaunch(args, cwd);
    if (!plan.ok) { this.fail(response, plan.message); return; }
    const loaded = this.load(plan.options);
    if (typeof loaded === 'string') { this.fail(response, loaded); return; }
    this.launch = {
      program: plan.program, stopOnEntry: plan.stopOnEntry, noDebug: plan.noDebug, options: plan.options, files: loaded.files,
      serialInput: plan.serialInput, configuration: configurationOf(plan),
    };
    this.attach(loaded.guest);
    this.typeLaunchInput(loaded.guest);
    if (plan.console === 'integratedTerminal') this.openTerminal(plan.program);
    this.sendResponse(response);
    // Configuration requests (breakpoints, filters) need the loaded guest's source map: ready now.
    this.sendEvent(new InitializedEvent());
  }

  /** Assembles/loads; assembly errors become output events with locations and one message. */
  private load(options: LaunchState['options']): { guest: GuestSession; files: Map<string, string> } | string {
    const r = GuestSession.load(options);
    if (!r.ok) {
      const lines = (r.diagnostics ?? []).map((d) => this.diagnosticLine(d));
      for (const [i, d] of (r.diagnostics ?? []).entries()) {
        const out = new OutputEvent(`${lines[i]}\n`, 'stderr') as DebugProtocol.OutputEvent;
        out.body.source = new Source(path.basename(d.range.file), this.convertDebuggerPathToClient(d.range.file));
        out.body.line = this.convertDebuggerLineToClient(d.range.start.line);
        out.body.column = this.convertDebuggerColumnToClient(d.range.start.col);
        this.sendEvent(out);
      }
      return lines.length > 0 ? `${r.message}:\n${lines.join('\n')}` : r.message;
    }
    const files = new Map<string, string>();
    for (const f of r.session.assembled?.files ?? []) {
      const text = readSourceText(f);
      // (Undefined: an in-memory or vanished file, never considered changed.)
      if (text !== undefined) files.set(f, text);
    }
    return { guest: r.session, files };
  }

  private diagnosticLine(d: Diagnostic): string {
    return `${d.range.file}:${d.range.start.line + 1}:${d.range.start.col + 1}: ${d.severity}: ${d.message}`;
  }

  private attach(guest: GuestSession): void {
    this.unsubscribe?.();
    this.unsubscribeTrace?.();
    this.unsubscribeTrace = null;
    this.watchExceptions(null);
    this.guest = guest;
    this.ended = null;
    this.guestExited = false;
    this.utf8 = new TextDecoder();
    this.shutdownShown = false;
    // (Typed at any time: the Debug Console's `serial`, the COM1 terminal.)
    guest.openSerialInput();
    this.unsubscribe = guest.onEvent((e) => this.onRuntimeEvent(e), { detailed: false });
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    const g = this.loaded(response);
    if (g === null) return;
    this.sendResponse(response);
    if (this.launch?.stopOnEntry === true && !this.launch.noDebug) { this.stopEvent('entry', 'stopped on entry'); return; }
    // The guest starts once its COM1 terminal is there (or given up on: COM1 is then in the Debug
    // Console), so that none of its output or a prompt goes before it.
    const terminal = this.terminal;
    if (terminal === null || terminal.joined) { void g.continue(); return; }
    this.startPending = true;
    void terminal.ready.then(() => {
      if (!this.startPending) return;
      this.startPending = false;
      if (this.guest === g && this.ended === null && g.status === 'stopped') void g.continue();
    });
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments): void {
    this.guest?.pause();
    this.unsubscribe?.();
    this.unsubscribeTrace?.();
    this.unsubscribe = null;
    this.unsubscribeTrace = null;
    this.watchExceptions(null);
    this.ended ??= 'the session was disconnected';
    // (After the guest's exit the terminal has said how it ended.)
    this.terminal?.close(this.guestExited ? undefined : 'the debug session has ended');
    this.terminal = null;
    super.disconnectRequest(response, args);
  }

  /**
   * The schema's terminate asks the debuggee to end itself and lets it veto; a guest has no way to
   * hear or refuse it, so terminate always ends the run: the guest stops for good, the session
   * ends (terminated), and run commands are refused from then on. Restart loads it afresh.
   */
  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.guest?.pause();
    this.sendResponse(response);
    if (this.ended === null) {
      this.ended = 'the session was terminated';
      this.sendEvent(new TerminatedEvent());
    }
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments | undefined): void {
    const g = this.loaded(response);
    if (g === null || this.launch === null) return;
    // The client sends the launch configuration as it is now (RestartArguments.arguments, e.g. after
    // launch.json's assemblerArguments were edited): the restart runs that.
    let launch = this.launch;
    let reconfigured = false;
    if (args?.arguments !== undefined) {
      const raw = args.arguments as unknown as Record<string, unknown>;
      const plan = planLaunch(raw, typeof raw.cwd === 'string' ? raw.cwd : process.cwd());
      if (!plan.ok) { this.fail(response, plan.message); return; }
      reconfigured = configurationOf(plan) !== launch.configuration;
      if (reconfigured) {
        launch = {
          program: plan.program, stopOnEntry: plan.stopOnEntry, noDebug: plan.noDebug, options: plan.options, files: launch.files,
          serialInput: plan.serialInput, configuration: configurationOf(plan),
        };
      }
    }
    if (g.status === 'running') g.pause();
    const changed = reconfigured || [...launch.files].some(([f, text]) => readSourceText(f) !== text);
    this.lastStop = null;
    if (changed || g.status === 'running') {
      // The source or the configuration changed (or the old run has not stopped yet): assemble and load afresh.
      const loaded = this.load(launch.options);
      if (typeof loaded === 'string') { this.fail(response, loaded); return; }
      this.launch = { ...launch, files: loaded.files };
      this.attach(loaded.guest);
      this.typeLaunchInput(loaded.guest);
      this.rearm(loaded.guest);
      this.sendResponse(response);
      this.sendEvent(new InvalidatedEvent(['all']));
      this.afterRestart(loaded.guest);
      return;
    }
    this.ended = null;
    this.guestExited = false;
    this.shutdownShown = false;
    this.suppressEntryStop = !launch.stopOnEntry;
    void g.restart();
    this.suppressEntryStop = false;
    this.typeLaunchInput(g);
    this.sendResponse(response);
    if (!launch.stopOnEntry) void g.continue();
  }

  private afterRestart(g: GuestSession): void {
    if (this.launch?.stopOnEntry === true) this.stopEvent('entry', 'restarted');
    else void g.continue();
  }

  /**
   * Breakpoints and filters carried over to a freshly loaded guest. Its source was assembled anew,
   * so each source breakpoint is placed again from the line the client asked for, each function
   * breakpoint at its name's new address, and each instruction breakpoint checked again against
   * the new code (the client sends no setBreakpoints on restart): `breakpoint` events say where
   * each is now.
   */
  private rearm(g: GuestSession): void {
    this.breakpoints.replan((p) => (p.request !== undefined ? this.planSource(g, p.id, p.request)
      : p.functionRequest !== undefined ? this.planFunction(g, p.id, p.functionRequest)
        : p.instructionRequest !== undefined ? this.planInstruction(g, p.id, p.instructionRequest) : p));
    const results = this.breakpoints.apply(g);
    for (const { planned, result } of this.breakpoints.planned('source', results)) {
      this.post(new BreakpointEvent('changed', this.sourceBreakpoint(g, planned, result)));
    }
    for (const kind of ['function', 'instruction'] as const) {
      for (const { planned, result } of this.breakpoints.planned(kind, results)) {
        this.post(new BreakpointEvent('changed', this.addressBreakpoint(g, planned, result)));
      }
    }
    this.applyData(g);
    this.applyExceptionFilters(g, this.exceptionArgs);
  }

  // ---- breakpoints -------------------------------------------------------------------------

  /** The source map's spelling of a client path (the runtime keys lines by the path it assembled). */
  private sourceKey(g: GuestSession, clientPath: string): string | undefined {
    const wanted = path.resolve(this.convertClientPathToDebugger(clientPath));
    return (g.assembled?.files ?? []).find((f) => path.resolve(f) === wanted);
  }

  /** A source breakpoint placed on the first line at or after the one asked for that has code. */
  private planSource(g: GuestSession, id: number, request: SourceBreakpointRequest): PlannedBreakpoint {
    const file = this.sourceKey(g, request.clientPath);
    if (file === undefined) return { id, kind: 'source', request, message: `${path.basename(request.clientPath)} is not part of the loaded guest` };
    const { condition, hitCondition, logMessage } = request;
    for (let l = request.line; l < request.line + LINE_SEARCH; l++) {
      // (A macro's body line is in each of the macro's calls: the breakpoint is at each.)
      const [address, ...alsoAt] = g.lineStarts(file, l);
      if (address !== undefined) return { id, kind: 'source', request, line: l, spec: { address, alsoAt, condition, hitCondition, logMessage } };
    }
    return { id, kind: 'source', request, message: 'no code at or after this line' };
  }

  private sourceBreakpoint(g: GuestSession, p: PlannedBreakpoint, r: ApplyResult | undefined): DebugProtocol.Breakpoint {
    const bp = new Breakpoint(r?.verified === true) as DebugProtocol.Breakpoint;
    bp.id = p.id;
    if (p.line !== undefined) bp.line = this.convertDebuggerLineToClient(p.line);
    if (r?.address !== undefined) bp.instructionReference = formatAddress(r.address);
    const message = r?.message ?? p.message;
    if (r?.verified !== true && message !== undefined) bp.message = message;
    const file = p.request !== undefined ? this.sourceKey(g, p.request.clientPath) : undefined;
    if (file !== undefined) bp.source = new Source(path.basename(file), this.convertDebuggerPathToClient(file));
    return bp;
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const g = this.loaded(response);
    if (g === null) return;
    const clientPath = args.source.path ?? '';
    const planned: PlannedBreakpoint[] = (args.breakpoints ?? []).map((b) => this.planSource(g, this.breakpoints.newId(), {
      clientPath, line: this.convertClientLineToDebugger(b.line), condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage,
    }));
    // (Keyed by the client's path, which stays the same whichever guest is loaded.)
    const key = `source:${path.resolve(this.convertClientPathToDebugger(clientPath))}`;
    const results = this.breakpoints.replace(g, key, this.launch?.noDebug === true ? [] : planned);
    response.body = { breakpoints: planned.map((p, i) => this.sourceBreakpoint(g, p, results[i])) };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const g = this.loaded(response);
    if (g === null) return;
    const planned = args.breakpoints.map((b) => this.planFunction(g, this.breakpoints.newId(), b));
    const results = this.breakpoints.replace(g, 'function', planned);
    response.body = { breakpoints: planned.map((p, i) => this.addressBreakpoint(g, p, results[i])) };
    this.sendResponse(response);
  }

  /** A function breakpoint at the address its name (an expression) has in the loaded guest. */
  private planFunction(g: GuestSession, id: number, b: DebugProtocol.FunctionBreakpoint): PlannedBreakpoint {
    const functionRequest = { name: b.name, condition: b.condition, hitCondition: b.hitCondition };
    const r = g.evaluate(b.name);
    if (!r.ok) return { id, kind: 'function', functionRequest, message: `\`${b.name}': ${r.message}` };
    return { id, kind: 'function', functionRequest, spec: { address: r.value, condition: b.condition, hitCondition: b.hitCondition } };
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    const g = this.loaded(response);
    if (g === null) return;
    const planned = args.breakpoints.map((b) => this.planInstruction(g, this.breakpoints.newId(), b));
    const results = this.breakpoints.replace(g, 'instruction', planned);
    response.body = { breakpoints: planned.map((p, i) => this.addressBreakpoint(g, p, results[i])) };
    this.sendResponse(response);
  }

  /** An instruction breakpoint at its address, unless the loaded guest's code has an instruction across it. */
  private planInstruction(g: GuestSession, id: number, b: DebugProtocol.InstructionBreakpoint): PlannedBreakpoint {
    const instructionRequest = { instructionReference: b.instructionReference, offset: b.offset, condition: b.condition, hitCondition: b.hitCondition };
    const base = parseAddress(b.instructionReference);
    if (base === undefined) return { id, kind: 'instruction', instructionRequest, message: `bad instruction reference \`${b.instructionReference}'` };
    const address = (base + (b.offset ?? 0)) >>> 0;
    // A breakpoint is hit where an instruction starts (EIP): one inside an instruction only by a jump into its middle.
    const covering = g.instructionCovering(address);
    if (covering !== undefined && covering.address !== address) {
      return {
        id, kind: 'instruction', instructionRequest, reason: 'failed',
        message: `${formatAddress(address)} is inside \`${covering.text}' (${covering.bytes.length} bytes from ${formatAddress(covering.address)}): `
          + `no instruction of the code there starts at it, so it is not set; set it at ${formatAddress(covering.address)}`,
      };
    }
    return { id, kind: 'instruction', instructionRequest, spec: { address, condition: b.condition, hitCondition: b.hitCondition } };
  }

  private addressBreakpoint(g: GuestSession, p: PlannedBreakpoint, r: { verified: boolean; address?: number; message?: string } | undefined): DebugProtocol.Breakpoint {
    const bp = new Breakpoint(r?.verified === true) as DebugProtocol.Breakpoint;
    bp.id = p.id;
    if (r?.address !== undefined) {
      bp.instructionReference = formatAddress(r.address);
      const loc = g.sourceLocation(r.address);
      if (loc !== undefined) {
        bp.source = new Source(path.basename(loc.file), this.convertDebuggerPathToClient(loc.file));
        bp.line = this.convertDebuggerLineToClient(loc.line);
      }
    }
    const message = r?.message ?? p.message;
    if (r?.verified !== true && message !== undefined) bp.message = message;
    if (r?.verified !== true && p.reason !== undefined) bp.reason = p.reason;
    return bp;
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    const g = this.loaded(response);
    if (g === null) return;
    let size = args.bytes !== undefined && args.bytes > 0 ? Math.min(args.bytes, 0x10000) : 4;
    let address: number | undefined;
    let what = args.name;
    let why = '';
    if (args.variablesReference !== undefined && args.variablesReference > 0) {
      const c = this.variables.container(args.variablesReference);
      const reg = args.name.toLowerCase();
      if (c?.kind === 'general' && reg !== 'eip' && reg !== 'eflags') {
        const r = g.evaluate(reg);
        if (r.ok) { address = r.value; what = `[${args.name}] = ${formatAddress(r.value)}`; }
      }
      if (address === undefined) why = 'only memory a general register points to can be watched';
    } else if (args.asAddress === true) {
      address = parseAddress(args.name);
      if (address === undefined) why = beyondAddressSpace(args.name) ?? `\`${args.name}' is not an address`;
    } else {
      // A memory reference (a watch `[counter]`) is watched where it reads its value; any other
      // expression's value is the address (a label: `counter`). Both in the frame the client
      // names, as evaluate reads them (a caller's `[ebp+8]` is its own argument).
      const frame = args.frameId !== undefined ? this.frameRegisters(g, args.frameId) : undefined;
      const m = typeof frame === 'string' ? undefined : g.memoryOperand(args.name, frame);
      const r = typeof frame === 'string' ? { ok: false as const, message: frame } : m !== undefined ? m.linear : g.evaluate(args.name, frame);
      if (r.ok) address = r.value;
      else why = r.message;
      if (m !== undefined && (args.bytes === undefined || args.bytes <= 0)) size = m.size;
    }
    if (address === undefined || !g.translate(address).ok) {
      response.body = { dataId: null, description: why !== '' ? why : `${formatAddress(address ?? 0)} is not mapped` };
    } else {
      response.body = {
        dataId: `linear:${formatAddress(address)}:${size}`, description: `${size} byte(s) at ${formatAddress(address)} (${what})`,
        accessTypes: ['read', 'write', 'readWrite'], canPersist: false,
      };
    }
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const g = this.loaded(response);
    if (g === null) return;
    const out: DebugProtocol.Breakpoint[] = [];
    this.dataSpecs = [];
    for (const b of args.breakpoints) {
      const id = this.breakpoints.newId();
      const m = /^(linear|physical):(0x[0-9a-f]+):(\d+)$/i.exec(b.dataId);
      if (!m) { out.push({ id, verified: false, message: `unknown data id \`${b.dataId}'` }); continue; }
      const beyond = beyondAddressSpace(m[2]);
      if (beyond !== undefined) { out.push({ id, verified: false, message: beyond }); continue; }
      const access = b.accessType === 'read' ? 'read' : b.accessType === 'readWrite' ? 'readWrite' : 'write';
      this.dataSpecs.push({ id, spec: { address: parseInt(m[2], 16), length: Number(m[3]), access, space: m[1] === 'physical' ? 'physical' : 'linear', condition: b.condition, hitCondition: b.hitCondition } });
      out.push({ id, verified: true });
    }
    const results = this.applyData(g);
    for (const bp of out) {
      const r = results.get(bp.id ?? -1);
      if (r !== undefined && !r.ok) { bp.verified = false; bp.message = r.message; }
    }
    response.body = { breakpoints: out };
    this.sendResponse(response);
  }

  private applyData(g: GuestSession): Map<number, { ok: boolean; message?: string }> {
    const results = g.setDataBreakpoints(this.dataSpecs.map((d) => d.spec));
    this.dataBreakpointIds = new Map();
    const byDap = new Map<number, { ok: boolean; message?: string }>();
    results.forEach((r, i) => {
      const id = this.dataSpecs[i].id;
      if (r.ok) this.dataBreakpointIds.set(r.id, id);
      byDap.set(id, r.ok ? { ok: true } : { ok: false, message: r.message });
    });
    return byDap;
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const g = this.loaded(response);
    if (g === null) return;
    this.exceptionArgs = args;
    response.body = { breakpoints: this.applyExceptionFilters(g, args) };
    this.sendResponse(response);
  }

  private applyExceptionFilters(g: GuestSession, args: DebugProtocol.SetExceptionBreakpointsArguments): DebugProtocol.Breakpoint[] {
    const chosen: { filterId: string; condition?: string }[] = [
      ...args.filters.map((filterId) => ({ filterId })),
      ...(args.filterOptions ?? []).map((o) => ({ filterId: o.filterId, condition: o.condition })),
    ];
    const exceptions: { vector: number; condition?: string }[] = [];
    const results: DebugProtocol.Breakpoint[] = [];
    let ring = false;
    let ringCondition: string | undefined;
    this.tripleFault = { armed: false };
    for (const c of chosen) {
      const f = filterById(c.filterId);
      if (f === undefined) { results.push({ verified: false, message: `unknown exception filter \`${c.filterId}'` }); continue; }
      if (f.vector !== undefined) exceptions.push({ vector: f.vector, condition: c.condition });
      else if (f.special === 'ring-transition') { ring = true; ringCondition = c.condition; }
      else this.tripleFault = { armed: true, condition: c.condition };
      results.push({ verified: true });
    }
    const noDebug = this.launch?.noDebug === true;
    const applied = noDebug ? g.setExceptionStops({}) : g.setExceptionStops({ exceptions, ringTransition: ring, ringTransitionCondition: ringCondition });
    this.armedVectors = noDebug ? [] : exceptions;
    this.watchExceptions(!noDebug && exceptions.length > 0 ? g : null);
    if (!applied.ok) {
      // The runtime names the bad condition; attach it to the filters that have conditions.
      for (let i = 0; i < chosen.length; i++) if (chosen[i].condition !== undefined) { results[i].verified = false; results[i].message = applied.messages.join('; '); }
    }
    const tf = this.tripleFault.condition;
    if (tf !== undefined && tf.trim() !== '') {
      const r = g.evaluate(tf);
      if (!r.ok && /column|unexpected|expected|bad number/.test(r.message)) {
        const i = chosen.findIndex((c) => c.filterId === 'triple-fault');
        results[i].verified = false;
        results[i].message = r.message;
      }
    }
    return results;
  }

  /**
   * Keeps the last delivered exception while vector filters are armed, so an exception stop can
   * name the faulting instruction. Armed filters already make the runtime observe every step, so
   * this detailed subscription costs only the exception records themselves.
   */
  private watchExceptions(g: GuestSession | null): void {
    this.unsubscribeExceptions?.();
    this.unsubscribeExceptions = null;
    this.lastException = null;
    if (g !== null) this.unsubscribeExceptions = g.onEvent((e) => { if (e.kind === 'exception') this.lastException = e; }, { detailed: true });
  }

  // ---- run control ---------------------------------------------------------------------------

  /** The stopped guest, or an error response once the session has ended (run commands must not run it then). */
  private runnableGuest(response: DebugProtocol.Response): GuestSession | null {
    if (this.ended !== null && this.guest !== null) { this.fail(response, `${this.ended}: it cannot run any more (restart to run it again)`); return null; }
    return this.stoppedGuest(response);
  }

  /** Starts a run command after the response; a triple fault shown as a stop ends the session here. */
  private run(response: DebugProtocol.Response, start: (g: GuestSession) => Promise<unknown>, body?: DebugProtocol.ContinueResponse['body']): void {
    const g = this.runnableGuest(response);
    if (g === null) return;
    if (body !== undefined) response.body = body;
    this.sendResponse(response);
    if (this.shutdownShown || g.status === 'exited') {
      this.endSession('triple-fault', undefined);
      return;
    }
    this.forgetFrames();
    this.variables.reset();
    void start(g);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.run(response, (g) => g.continue(), { allThreadsContinued: true });
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.run(response, (g) => g.stepOver(args.granularity === 'instruction' ? 'instruction' : 'line'));
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.run(response, (g) => (args.granularity === 'instruction' ? g.stepInstruction() : g.stepLine()));
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    const g = this.guest;
    const outermost = g !== null && g.status === 'stopped' && this.ended === null ? this.outermostRoutine(g) : undefined;
    if (outermost !== undefined) {
      // gdb's `finish` refuses here ("not meaningful in the outermost frame") and the guest stays
      // where it is; a step out that ran on would run to the guest's end or its next breakpoint.
      this.fail(response, `cannot step out of ${outermost}: it is the outermost frame (the guest starts there, nothing called it), `
        + 'so there is no caller to return to. Use Continue, Step Over or a breakpoint to go on');
      return;
    }
    this.run(response, (g) => g.stepOut());
  }

  /**
   * The name of the routine the guest is stopped in when that is the outermost frame: the call
   * stack has no caller, the routine is the one the guest started in (its entry point), and no
   * return address is on top of the stack (a `.local` subroutine it called has one until it has
   * pushed something). A routine without a caller found elsewhere (one without an EBP frame) may
   * yet return: not this.
   */
  private outermostRoutine(g: GuestSession): string | undefined {
    const entries = this.stackEntries(g);
    if (entries.length !== 1 || entries[0].kind !== 'guest' || returnAddressOnTop(g)) return undefined;
    const routine = g.symbols.routineStart(g.registers().eip);
    if (routine === undefined || routine !== g.symbols.routineStart(g.entryEip)) return undefined;
    return g.symbols.symbolize(routine) ?? formatAddress(routine);
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    const g = this.loaded(response);
    if (g === null) return;
    this.sendResponse(response);
    // (A guest waiting for its COM1 terminal to start it stops where it would have started.)
    if (this.startPending) {
      this.startPending = false;
      this.stopEvent('pause', 'paused before the guest started (its COM1 terminal had not joined yet)');
      return;
    }
    g.pause();
  }

  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    const g = this.stoppedGuest(response);
    if (g === null) return;
    const file = this.sourceKey(g, args.source.path ?? '');
    const line0 = this.convertClientLineToDebugger(args.line);
    const addrs = file !== undefined ? g.addressesForLine(file, line0) : [];
    response.body = {
      targets: addrs.slice(0, 1).map((address) => {
        const id = this.nextGotoTarget++;
        this.gotoTargets.set(id, address);
        return { id, label: `${formatAddress(address)}${g.symbols.symbolize(address) !== undefined ? ` <${g.symbols.symbolize(address)}>` : ''}`, line: args.line, instructionPointerReference: formatAddress(address) };
      }),
    };
    this.sendResponse(response);
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    const g = this.runnableGuest(response);
    if (g === null) return;
    const address = this.gotoTargets.get(args.targetId);
    if (address === undefined) { this.fail(response, `unknown goto target ${args.targetId}`); return; }
    // goto stops at once: the dispatch wrapper sends that stop after this response.
    void g.goto(address);
    this.sendResponse(response);
  }

  // ---- state ----------------------------------------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, 'CPU 0')] };
    this.sendResponse(response);
  }

  /** The exception stopped on, while EIP is still at its handler's entry (a step or an EIP change leaves it behind). */
  private shownFault(g: GuestSession): ExceptionEvent | undefined {
    const x = this.lastStop?.exception;
    return x !== undefined && g.registers().eip === x.handlerEip ? x : undefined;
  }

  private stackEntries(g: GuestSession): StackEntry[] {
    const fault = this.shownFault(g);
    // (At the handler's entry the faulting instruction's row already shows the interrupted code, with what was delivered.)
    const guest = unwind(g).filter((f) => fault === undefined || f.interrupt === undefined);
    const frames: StackEntry[] = guest.map((frame, depth) => ({ kind: 'guest', frame, depth }));
    return fault !== undefined ? [{ kind: 'fault', exception: fault }, ...frames] : frames;
  }

  /** `fault2 (fault.gasm:48)`, `fault2`, or the address. */
  private placeName(g: GuestSession, eip: number): string {
    const symbol = g.symbols.symbolize(eip);
    const loc = g.sourceLocation(eip);
    const line = loc !== undefined ? `${path.basename(loc.file)}:${loc.line + 1}` : undefined;
    if (symbol !== undefined) return line !== undefined ? `${symbol} (${line})` : symbol;
    return line !== undefined ? `${formatAddress(eip)} (${line})` : formatAddress(eip);
  }

  private stackFrame(g: GuestSession, id: number, e: StackEntry): DebugProtocol.StackFrame {
    let eip: number;
    let name: string;
    let locationOf: number;
    if (e.kind === 'fault') {
      // The CPU has already entered the handler (no pre-delivery hook); this row shows where it came from.
      eip = e.exception.guestEip;
      locationOf = eip;
      name = `${e.exception.name} at ${this.placeName(g, eip)}`;
    } else {
      eip = e.frame.eip;
      // A caller's line is the call's: the instruction before the return address.
      locationOf = e.depth === 0 ? eip : (eip - 1) >>> 0;
      // (Interrupted code's EIP is the instruction to resume at, not a return address after a call.)
      const interrupted = e.frame.interrupt !== undefined;
      if (interrupted) locationOf = eip;
      const symbol = g.symbols.symbolize(eip);
      name = symbol === undefined ? formatAddress(eip) : e.depth === 0 || interrupted ? symbol : callerName(symbol);
      if (interrupted) name = `${e.frame.interrupt} ${name}`;
    }
    const frame: DebugProtocol.StackFrame = { id, name, line: 0, column: 0, instructionPointerReference: formatAddress(eip) };
    const loc = g.sourceLocation(locationOf);
    if (loc !== undefined) {
      frame.source = new Source(path.basename(loc.file), this.convertDebuggerPathToClient(loc.file));
      frame.line = this.convertDebuggerLineToClient(loc.line);
      frame.column = this.convertDebuggerColumnToClient(loc.column);
    } else {
      frame.presentationHint = 'subtle';
    }
    return frame;
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const g = this.stoppedGuest(response);
    if (g === null) return;
    const entries = this.stackEntries(g);
    const start = args.startFrame ?? 0;
    const count = args.levels !== undefined && args.levels > 0 ? args.levels : entries.length;
    response.body = {
      totalFrames: entries.length,
      stackFrames: entries.slice(start, start + count).map((e, i) => this.stackFrame(g, this.frameIdAt(start + i), e)),
    };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const g = this.stoppedGuest(response);
    if (g === null) return;
    const entries = this.stackEntries(g);
    const entry = entries[this.frameIds.indexOf(args.frameId)] as StackEntry | undefined;
    // (A frame id from an older stop, or none stackTrace gave: no registers are those of that frame.)
    if (entry === undefined) { this.fail(response, this.unknownFrame(args.frameId)); return; }
    if (entry.kind === 'fault') {
      response.body = { scopes: this.variables.exceptionScopes(entry.exception) };
    } else {
      const frame = entry.frame;
      const link = frame.esp !== undefined && (frame.ebp !== undefined || frame.interrupt !== undefined) ? { eip: frame.eip, esp: frame.esp, ebp: frame.ebp } : undefined;
      response.body = { scopes: this.variables.scopes(entry.depth, link) };
    }
    this.sendResponse(response);
  }

  /**
   * The registers of the frame `frameId` names, for evaluate: undefined for the innermost frame
   * (the live ones); a caller's EIP, ESP and EBP as unwinding recovered them, as its scopes show
   * them (gdb reads a caller's other registers as `<not saved>` where nothing saved them, and so
   * does this: not known); the faulting instruction's row keeps what delivering the exception
   * does not change (SDM Vol. 3A §6.12.1: it pushes EFLAGS, CS, EIP and an error code, and
   * switches the stack on a privilege change).
   */
  private frameRegisters(g: GuestSession, frameId: number): FrameRegisters | undefined | string {
    if (g.status === 'running') return 'the guest is running: its stack frames are not known until it stops';
    const depth = this.frameIds.indexOf(frameId);
    const entry = this.stackEntries(g)[depth] as StackEntry | undefined;
    if (entry === undefined) return this.unknownFrame(frameId);
    // (Numbered by depth, as gdb's `frame N`: 0 is the innermost.)
    const label = `frame ${depth} (${this.stackFrame(g, frameId, entry).name})`;
    if (entry.kind === 'fault') {
      return {
        label, own: { eip: entry.exception.guestEip }, live: FAULT_ROW_LIVE,
        why: 'delivering the exception changed it (it pushes EFLAGS, CS and EIP and may switch stacks: SDM Vol. 3A §6.12.1); the handler\'s frame, next in the call stack, has its value now',
      };
    }
    const { frame } = entry;
    if (frame.interrupt !== undefined && frame.esp !== undefined) {
      return {
        label, own: { eip: frame.eip, esp: frame.esp }, live: new Set(),
        why: 'the CPU\'s interrupt frame holds only its EIP, CS and EFLAGS, and ESP and SS from an outer ring (SDM Vol. 3A §6.12.1); the handler\'s frame has the live registers',
      };
    }
    if (entry.depth === 0 || frame.esp === undefined || frame.ebp === undefined) return undefined;
    return {
      label, own: { eip: frame.eip, esp: frame.esp, ebp: frame.ebp }, live: new Set(),
      why: frame.via === 'stack'
        ? 'a return address found on the stack gives only a caller\'s EIP, ESP and EBP (the innermost frame has the live registers)'
        : 'unwinding the EBP chain recovers only a caller\'s EIP, ESP and EBP (the innermost frame has the live registers)',
    };
  }

  private frameIdAt(depth: number): number {
    return (this.frameIds[depth] ??= this.nextFrameId++);
  }

  /** The guest runs or has stopped anew: the frame ids given so far name nothing from now on. */
  private forgetFrames(): void {
    this.frameIds = [];
    this.firstFrameIdOfStop = this.nextFrameId;
  }

  private unknownFrame(frameId: number): string {
    const given = this.frameIds.length > 0 ? ` (this stop's: ${this.frameIds.join(', ')})` : '';
    if (Number.isInteger(frameId) && frameId >= 1 && frameId < this.firstFrameIdOfStop) {
      return `frame id ${frameId} is from an earlier stop: frame ids last only while the guest stays stopped where the stack trace gave them; ask for the call stack again${given}`;
    }
    return `unknown frame id ${frameId}: no stack trace of this stop gave it${given}`;
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const g = this.loaded(response);
    if (g === null) return;
    const c = this.variables.container(args.variablesReference);
    if (c === undefined) { this.fail(response, this.variables.unknown(args.variablesReference)); return; }
    let list = this.variables.variables(c, { hex: args.format?.hex ?? this.hexValues });
    if (args.start !== undefined || args.count !== undefined) list = list.slice(args.start ?? 0, (args.start ?? 0) + (args.count ?? list.length));
    response.body = { variables: list };
    this.sendResponse(response);
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    const g = this.stoppedGuest(response);
    if (g === null) return;
    const c = this.variables.container(args.variablesReference);
    if (c === undefined) { this.fail(response, this.variables.unknown(args.variablesReference)); return; }
    if (c.kind !== 'general' && c.kind !== 'eflags') { this.fail(response, `${args.name} cannot be changed from the debugger`); return; }
    const v = g.evaluate(args.value);
    if (!v.ok) { this.fail(response, `\`${args.value}': ${v.message}`); return; }
    const r = g.setRegister(args.name, v.value);
    if (!r.ok) { this.fail(response, r.message); return; }
    const hex = args.format?.hex ?? this.hexValues;
    response.body = { value: c.kind === 'eflags' ? String(r.value) : hex ? formatAddress(r.value) : String(r.value) };
    this.sendResponse(response);
    // EIP/EFLAGS changes move the current line or decoded flags elsewhere in the UI.
    this.post(new InvalidatedEvent(['variables', 'stacks']));
  }

  /**
   * A watch or Debug Console expression given a value, as gdb's `set var`: a register (`eax`, `al`,
   * `cf`, `iopl`) in the innermost frame, whose registers are the live ones, or a memory reference
   * (`[counter]`, `byte [esi+2]`, in the frame named, as evaluate reads it), written little-endian
   * in its size (SDM Vol. 1 §1.3.1), the value cut to that size as a store of it would.
   */
  protected override setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): void {
    const g = this.stoppedGuest(response);
    if (g === null) return;
    const frame = args.frameId !== undefined ? this.frameRegisters(g, args.frameId) : undefined;
    if (typeof frame === 'string') { this.fail(response, frame); return; }
    const r = this.assign(g, args.expression.trim(), args.value, frame, args.format?.hex ?? this.hexValues);
    if (!r.ok) { this.fail(response, r.message); return; }
    response.body = { value: r.value, variablesReference: 0 };
    this.sendResponse(response);
    // (A register or the stack may have changed: the call stack is read from both.)
    this.post(new InvalidatedEvent(['variables', 'stacks']));
  }

  /**
   * Gives `target` — a register of the innermost frame, or a memory reference stored in its size —
   * the value of `valueText`, for setExpression and the Debug Console's `TARGET = VALUE`; the value
   * it has then, formatted.
   */
  private assign(
    g: GuestSession, target: string, valueText: string, frame: FrameRegisters | undefined, hex: boolean,
  ): { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string } {
    const v = g.evaluate(valueText, frame);
    if (!v.ok) return { ok: false, message: `\`${valueText}': ${v.message}` };
    const m = g.memoryOperand(target, frame);
    if (m !== undefined) {
      if (!m.linear.ok) return { ok: false, message: `\`${target}': ${m.linear.message}` };
      const bytes = new Uint8Array(m.size).map((_, i) => (v.value >>> (8 * i)) & 0xff);
      const w = g.writeMemory(m.linear.value, bytes);
      if (!w.ok) return { ok: false, message: `\`${target}': ${w.message} (${w.written} of ${bytes.length} bytes written)` };
    } else if (!/^[a-z][a-z0-9]*$/i.test(target)) {
      return { ok: false, message: `\`${target}' cannot be given a value: only a register or a memory reference ([ADDR], byte/word/dword [ADDR]) can` };
    } else if (frame !== undefined) {
      return { ok: false, message: `registers can be set in the innermost frame only, whose registers are the CPU's: ${frame.label} has only the values unwinding recovered` };
    } else {
      const r = g.setRegister(target, v.value);
      if (!r.ok) return { ok: false, message: r.message };
    }
    const now = g.evaluate(target, frame);
    return { ok: true, value: !now.ok ? now.message : hex ? `${formatAddress(now.value)} (${now.value})` : String(now.value) };
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const g = this.loaded(response);
    if (g === null) return;
    const frame = args.frameId !== undefined ? this.frameRegisters(g, args.frameId) : undefined;
    if (typeof frame === 'string') { this.fail(response, frame); return; }
    if (args.context === 'repl' && isCommand(args.expression)) {
      // (Once the session is over nothing will read COM1, though the guest has not exited.)
      if (this.ended !== null && isSerialCommand(args.expression)) { this.fail(response, `${this.ended}: nothing reads COM1 any more`); return; }
      const r = runCommand(g, args.expression, frame);
      if (!r.ok) { this.fail(response, r.message); return; }
      response.body = { result: r.text, variablesReference: 0 };
      this.sendResponse(response);
      return;
    }
    // (Console commands first: `serial a=b' types its text.)
    const assignment = args.context === 'repl' ? ASSIGNMENT.exec(args.expression) : null;
    if (assignment !== null) {
      // (gdb's `set var`, `print $eax = 5`: an assignment in the console, through setExpression's path.)
      if (g.status === 'running') { this.fail(response, 'the guest is running; pause it first'); return; }
      const r = this.assign(g, assignment[1].trim(), assignment[2], frame, args.format?.hex ?? this.hexValues);
      if (!r.ok) { this.fail(response, r.message); return; }
      response.body = { result: r.value, variablesReference: 0 };
      this.sendResponse(response);
      this.post(new InvalidatedEvent(['variables', 'stacks']));
      return;
    }
    const r = g.evaluate(args.expression, frame);
    if (!r.ok) { this.fail(response, r.message); return; }
    const hex = args.format?.hex ?? this.hexValues;
    response.body = {
      result: hex ? `${formatAddress(r.value)} (${r.value})` : String(r.value), variablesReference: 0,
      // (nasm's names for the operand sizes; a computed value is 32-bit.)
      type: OPERAND_TYPE[g.valueSize(args.expression) ?? 4],
    };
    const t = g.translate(r.value);
    if (t.ok && t.physical !== undefined && t.physical < g.machine.memory.sizeBytes) response.body.memoryReference = formatAddress(r.value);
    this.sendResponse(response);
  }

  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    const g = this.loaded(response);
    if (g === null) return;
    const lines = args.text.split('\n');
    const lineIndex = args.line !== undefined ? this.convertClientLineToDebugger(args.line) : lines.length - 1;
    const lineText = lines[Math.max(0, Math.min(lines.length - 1, lineIndex))] ?? '';
    const cursor = Math.max(0, Math.min(lineText.length, this.convertClientColumnToDebugger(args.column)));
    // (In the frame the client has selected: a caller's `.local` labels are those of the code it returns to.)
    const frame = args.frameId !== undefined ? this.frameRegisters(g, args.frameId) : undefined;
    if (typeof frame === 'string') { this.fail(response, frame); return; }
    const items = complete(g, lineText.slice(0, cursor), frame?.own.eip ?? g.registers().eip);
    response.body = {
      targets: items.slice(0, 500).map((c) => ({
        label: c.label, type: c.type === 'keyword' ? 'keyword' : c.type === 'variable' ? 'variable' : 'reference',
        start: this.convertDebuggerColumnToClient(cursor - c.replaceLength), length: c.replaceLength,
      })),
    };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const s = this.lastStop;
    if (s === null || s.reason !== 'exception' || s.exceptionId === undefined) { this.fail(response, 'the guest is not stopped on an exception'); return; }
    const x = s.exception;
    if (x === undefined || this.guest === null) {
      response.body = { exceptionId: s.name ?? s.exceptionId, description: s.description, breakMode: 'always', details: { message: s.description, typeName: s.name } };
    } else {
      const place = this.placeName(this.guest, x.guestEip);
      const where = place.startsWith('0x') ? place : `${formatAddress(x.guestEip)} ${place}`;
      const text = exceptionLines(x, where).join('\n');
      const title = exceptionTitle(x.vector);
      response.body = {
        exceptionId: s.name ?? s.exceptionId, description: text, breakMode: 'always',
        details: { message: text, typeName: title !== undefined ? `${x.name} ${title}` : x.name, fullTypeName: `vector ${x.vector}`, stackTrace: `at ${where}` },
      };
    }
    this.sendResponse(response);
  }

  /**
   * The adapter hands out no sourceReferences (every Source has a path), so `source` can only be
   * asked by path: the text of one of the guest's files; anything else is refused rather than
   * answered with the library default, a success without the body the schema requires.
   */
  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    const file = this.guest !== null && typeof args.source?.path === 'string' ? this.sourceKey(this.guest, args.source.path) : undefined;
    let content: string | undefined;
    if (file !== undefined) content = this.launch?.files.get(file);
    if (content === undefined) { this.fail(response, `no source ${args.source?.path ?? `with reference ${args.sourceReference}`} in the loaded guest`); return; }
    response.body = { content, mimeType: 'text/x-nasm' };
    this.sendResponse(response);
  }

  // Requests whose capability the adapter does not announce: the library's defaults answer them
  // with a success that did nothing (and, for these three, without the body the schema requires).
  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse): void { this.unsupported(response); }
  protected override stepInTargetsRequest(response: DebugProtocol.StepInTargetsResponse): void { this.unsupported(response); }
  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void { this.unsupported(response); }
  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void { this.unsupported(response); }
  protected override restartFrameRequest(response: DebugProtocol.RestartFrameResponse): void { this.unsupported(response); }
  protected override terminateThreadsRequest(response: DebugProtocol.TerminateThreadsResponse): void { this.unsupported(response); }
  protected override attachRequest(response: DebugProtocol.AttachResponse): void { this.unsupported(response); }

  /**
   * Nothing here can be cancelled: every request is answered by its handler before the next is
   * read (runs and steps answer at once, their stops come later as events) and no progress is
   * reported, so a cancel always names a request already answered or nothing. The schema lets a
   * cancel that could not cancel anything "return an error"; the library's default answered
   * success. supportsCancelRequest stays unannounced.
   */
  protected override cancelRequest(response: DebugProtocol.CancelResponse, args: DebugProtocol.CancelArguments | undefined): void {
    const what = [
      ...args?.requestId !== undefined ? [`request ${args.requestId} was answered before this cancel was read`] : [],
      ...args?.progressId !== undefined ? [`there is no progress \`${args.progressId}' (the Ringside debugger reports none)`] : [],
    ];
    this.fail(response, `nothing to cancel: ${what.length > 0 ? what.join('; ') : 'no requestId or progressId given'}`);
  }

  private unsupported(response: DebugProtocol.Response): void {
    this.fail(response, `${response.command} is not supported by the Ringside debugger`);
  }

  protected override loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    const files = this.guest?.assembled?.files ?? [];
    response.body = { sources: files.map((f) => new Source(path.basename(f), this.convertDebuggerPathToClient(f))) };
    this.sendResponse(response);
  }

  // ---- memory and disassembly ------------------------------------------------------------------

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const g = this.loaded(response);
    if (g === null) return;
    const base = parseAddress(args.memoryReference);
    if (base === undefined) { this.fail(response, `bad memory reference \`${args.memoryReference}'`); return; }
    const start = base + (args.offset ?? 0);
    const requested = Math.max(0, Math.min(args.count, 0x100000));
    if (start < 0 || start > 0xffff_ffff) {
      response.body = { address: formatAddress(Math.max(0, Math.min(start, 0xffff_ffff))), unreadableBytes: requested };
    } else {
      // Bytes past the top of the 4 GiB linear space, or from an unmapped page on, are unreadable.
      const r = g.readMemory(start, Math.min(requested, 0x1_0000_0000 - start));
      response.body = { address: formatAddress(start), data: Buffer.from(r.bytes).toString('base64'), unreadableBytes: requested - r.bytes.length };
    }
    this.sendResponse(response);
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    const g = this.stoppedGuest(response);
    if (g === null) return;
    const base = parseAddress(args.memoryReference);
    if (base === undefined) { this.fail(response, `bad memory reference \`${args.memoryReference}'`); return; }
    const start = base + (args.offset ?? 0);
    if (start < 0 || start > 0xffff_ffff) { this.fail(response, `address ${start} is outside the 4 GiB linear space`); return; }
    // (Node's decoder skips what is not base64 and stops at the first `=`: `!!!` would write nothing, and succeed.)
    if (!BASE64.test(args.data) || args.data.length % 4 === 1) {
      this.fail(response, `data is not base64 (RFC 4648 §4: A-Z, a-z, 0-9, + and /, padded with =): \`${args.data.slice(0, 40)}${args.data.length > 40 ? '…' : ''}'`);
      return;
    }
    const data = new Uint8Array(Buffer.from(args.data, 'base64'));
    const w = g.writeMemory(start, data);
    if (!w.ok && args.allowPartial !== true) { this.fail(response, `${w.message} (${w.written} of ${data.length} bytes written)`); return; }
    response.body = { bytesWritten: w.written };
    this.sendResponse(response);
    // (The call stack is read from memory too: the EBP chain and its return addresses.)
    this.post(new InvalidatedEvent(['variables', 'stacks']));
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    const g = this.loaded(response);
    if (g === null) return;
    const base = parseAddress(args.memoryReference);
    if (base === undefined) { this.fail(response, `bad memory reference \`${args.memoryReference}'`); return; }
    const count = Math.max(0, Math.min(args.instructionCount, 10000));
    const csBase = g.segments()[1]?.base ?? 0;
    // Memory references are linear addresses; the disassembler works on CS-relative EIP values. (A byte
    // offset before 0 or past the top is left there: padding, not wrapped.)
    const eip = base + (args.offset ?? 0) - csBase;
    const list = g.disassemble(eip, args.instructionOffset ?? 0, count);
    response.body = {
      instructions: list.map((d) => {
        // Outside the linear space (before address 0, past its top): padding, as the schema asks for
        // unavailable instructions, at the address VS Code's disassembly view leaves out (-1).
        if (d.address < 0 || d.address > 0xffff_ffff) {
          return { address: '-1', instruction: d.address < 0 ? '(before address 0)' : '(past the top of the 4 GiB linear space)', presentationHint: 'invalid' };
        }
        const ins: DebugProtocol.DisassembledInstruction = {
          address: formatAddress((d.address + csBase) >>> 0), instructionBytes: Buffer.from(d.bytes).toString('hex').replace(/(..)(?!$)/g, '$1 '), instruction: d.text,
        };
        if (!d.valid) ins.presentationHint = 'invalid';
        if (args.resolveSymbols !== false && d.symbol !== undefined) ins.symbol = d.symbol;
        if (d.source !== undefined) {
          ins.location = new Source(path.basename(d.source.file), this.convertDebuggerPathToClient(d.source.file));
          ins.line = this.convertDebuggerLineToClient(d.source.line);
          ins.column = this.convertDebuggerColumnToClient(d.source.column);
        }
        return ins;
      }),
    };
    this.sendResponse(response);
  }

  // ---- Ringside's custom requests (core/src/protocol.ts) ----------------------------------------

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    const g = this.guest;
    if (g === null) { super.customRequest(command, response, args); return; }
    const a = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
    switch (command) {
      case RINGS_REQUEST: response.body = this.rings(g); break;
      case PAGE_TABLES_REQUEST: response.body = this.pageTables(g, a as PageTablesArguments); break;
      case TLB_REQUEST: response.body = this.tlb(g); break;
      case TRANSLATE_REQUEST: {
        const t = this.translateRequest(g, a as TranslateArguments);
        if (typeof t === 'string') { this.fail(response, t); return; }
        response.body = t;
        break;
      }
      case SET_TRACE_REQUEST: {
        const enabled = (a as Partial<SetTraceArguments>).enabled === true;
        this.unsubscribeTrace?.();
        this.unsubscribeTrace = enabled ? g.onEvent(() => undefined, { detailed: true }) : null;
        response.body = { enabled };
        break;
      }
      default: super.customRequest(command, response, args); return;
    }
    this.sendResponse(response);
  }

  private rings(g: GuestSession): RingsResponse {
    const regs = g.registers();
    const segs = g.segments();
    const sys = g.systemRegisters();
    const ins = g.disassemble(regs.eip, 0, 1)[0];
    return {
      technique: g.technique,
      vcpus: [{
        vm: 0, vcpu: 0, realCpl: sys.cpl, virtualCpl: sys.cpl, eip: regs.eip, instruction: ins?.text ?? '??',
        source: g.sourceLocation(regs.eip), symbol: g.symbols.symbolize(regs.eip),
        protectedMode: (sys.cr0 & 1) !== 0, pagingEnabled: (sys.cr0 & 0x8000_0000) !== 0,
        csDpl: segs[1]?.dpl ?? 0, ssDpl: segs[2]?.dpl ?? 0, iopl: g.eflags().iopl, instructions: g.machine.cpu.instret,
        // Descriptor tables mean nothing before CR0.PE (real mode uses no descriptors).
        descriptorTables: (sys.cr0 & 1) !== 0 ? readDescriptorTables(g.machine, g.symbols) : undefined,
      }],
    };
  }

  private pageTables(g: GuestSession, a: PageTablesArguments): PageTablesResponse {
    const sys = g.systemRegisters();
    const paging = (sys.cr0 & 0x8000_0000) !== 0;
    const space = a.space ?? 'guest';
    // Bare metal has only the guest's own tables; shadow and EPT exist under a hypervisor.
    const directory = paging && space === 'guest' ? g.pageDirectory() : [];
    const out: PageTablesResponse = { space, pagingEnabled: paging, cr3: sys.cr3, pse: (sys.cr4 & 0x10) !== 0, directory };
    if (typeof a.pdeIndex === 'number' && Number.isInteger(a.pdeIndex) && a.pdeIndex >= 0 && a.pdeIndex < 1024 && paging && space === 'guest') {
      return { ...out, table: { pdeIndex: a.pdeIndex, entries: g.pageTable(a.pdeIndex) } };
    }
    return out;
  }

  private tlb(g: GuestSession): TlbResponse {
    const shape = g.machine.mmu.tlb.shape;
    return {
      shape: { entries: shape.entries, ways: shape.ways, policy: shape.policy },
      entries: g.tlbEntries(),
      counters: { ...g.tlbCounters(), ...g.mmuCounters() },
    };
  }

  private translateRequest(g: GuestSession, a: TranslateArguments): TranslateResponse | string {
    let linear: number;
    if (typeof a.address === 'number' && Number.isInteger(a.address) && a.address >= 0 && a.address <= 0xffff_ffff) linear = a.address;
    else if (typeof a.expression === 'string') {
      const r = g.evaluate(a.expression);
      if (!r.ok) return r.message;
      linear = r.value;
    } else return 'translate needs `address` (0..0xffffffff) or `expression`';
    return g.translate(linear);
  }
}

/** A launch plan's guest and settings as one string: equal for the same configuration. */
function configurationOf(plan: Extract<LaunchPlan, { ok: true }>): string {
  const { image, ...options } = plan.options;
  return JSON.stringify({
    program: plan.program, options, image: image !== undefined ? Buffer.from(image).toString('base64') : undefined, stopOnEntry: plan.stopOnEntry,
    noDebug: plan.noDebug, serialInput: plan.serialInput !== undefined ? Buffer.from(plan.serialInput).toString('base64') : undefined, console: plan.console,
  });
}

/**
 * What the COM1 terminal runs serialTerminal.js with: this adapter's Node, which in VS Code is its
 * Electron run as Node (ELECTRON_RUN_AS_NODE). On Windows that is a GUI program, which cannot read
 * the console it would run in (electron/electron#4218): Node.js from PATH then, or none.
 */
function terminalRuntime(): { readonly command: string; readonly env?: Record<string, string> } | undefined {
  if (process.versions.electron === undefined) return { command: process.execPath };
  if (process.platform !== 'win32') return { command: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } };
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const node = path.join(dir, 'node.exe');
    if (dir !== '' && fs.existsSync(node)) return { command: node };
  }
  return undefined;
}
