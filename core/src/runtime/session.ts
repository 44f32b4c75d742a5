// GuestSession: one guest on one machine under a debugger's control (DESIGN.md §5, STYLE.md §6).
// Loads a source (assembled with the real assembler, source map kept) or a multiboot image; runs
// in bounded batches with setImmediate between them so pause and other requests always get
// through; steps by instruction or line, over and out; stops on breakpoints, data breakpoints,
// exceptions, ring transitions and triple faults; and reports everything as typed events.

import { assemble } from '../asm/index';
import { lineStarts } from '../asm/sourcemap';
import { readIncbinBytes, readSourceText } from '../host-files';
import type { AssembleResult, AssemblerFlags, Diagnostic, FileHost, SourceMap, SourceRange } from '../asm/api';
import { COM1_IRQ } from '../machine/devices/uart16550';
import { Machine, DEFAULT_MEMORY_BYTES, type StepObserver, type StopStatus } from '../machine/machine';
import type { TlbShape, TlbEntryView, TlbCounters } from '../machine/mmu/tlb';
import type { MmuCounters } from '../machine/mmu/mmu';
import { VECTOR_NAMES, describeShutdown } from '../machine/cpu/exceptions';
import { MAX_MULTIBOOT_MEMORY, MIN_MULTIBOOT_MEMORY } from '../machine/loader/multiboot';
import type { CpuEventHooks, DeliveryKind } from '../machine/cpu/hooks';
import type { TlbFlushScope } from '../machine/mmu/tlb';
import type { Technique } from '../isa/types';
import type {
  EventContext, EventListener, ExitedEvent, RuntimeEvent, StopReason, StoppedEvent,
} from './events';
import { evaluateExpression, interpolate, parseExpression, quoted, type EvalResult, type EvalScope, type Expression } from './expression';
import {
  compileCondition, parseHitCondition, type AddressBreakpoint, type BreakpointResult, type BreakpointSpec,
  type DataBreakpoint, type DataBreakpointSpec, type ExceptionFilter,
} from './breakpoints';
import { DataWatch, type DataHit } from './data-watch';
import { takeSnapshot, restoreSnapshot, type MachineSnapshot } from './machine-snapshot';
import {
  decodeEflags, generalRegisters, readRegister, registerSize, segmentRegisters, systemRegisters, writeRegister,
  type DecodedEflags, type GeneralRegisters, type SegmentRegisterView, type SetRegisterResult, type SystemRegisters,
} from './registers';
import {
  pageDirectory, pageTable, readLinear, readLinearValue, readPhysical, translateLinear, writeLinear, writePhysical,
  type MemoryRead, type MemoryWrite, type PagingEntryView, type Translation,
} from './guest-memory';
import { disassembleAround, disassembleOne, type DisassembledInstruction, type SourceLocation } from './disassembly';
import { SymbolTable, type GuestSymbol } from './symbols';
import { frameScope, type FrameRegisters } from './frame-scope';

/** Instructions per batch between yields to the event loop at most (under a millisecond of plain guest code). */
export const BATCH_INSTRUCTIONS = 200_000;
/**
 * Host time a batch aims at, so a pause is answered well inside its 50 ms goal: batches whose
 * instructions are slow (a fault storm: each delivery costs a microsecond or more, and several
 * with debugger events) are cut to it. Time bounds only where batches end, never what the guest sees.
 */
export const BATCH_MS = 10;
/** The fewest instructions a batch is sized to (fitBatch), however slow the last one ran. */
export const MIN_BATCH_INSTRUCTIONS = 1000;

export interface LoadOptions {
  /** A guest source file to assemble (NASM syntax), with the nasm flags to assemble it with; `text` overrides the file's contents. */
  readonly source?: { readonly file: string; readonly text?: string; readonly host?: FileHost; readonly workingDirectory?: string } & AssemblerFlags;
  /** A multiboot image (a.out kludge), when there is no source. */
  readonly image?: Uint8Array;
  readonly memoryBytes?: number;
  readonly tlbShape?: TlbShape;
  /** Stop with reason 'budget' once this many instructions have retired in total. */
  readonly maxInstructions?: number;
  /** At most this long to assemble the source: past it the load fails with the assembler's 'time-budget' error (unbounded, as nasm, by default). */
  readonly assemblyBudgetMs?: number;
  readonly kernelName?: string;
  readonly commandLine?: string;
  /** Host time in milliseconds, which sizes run batches (BATCH_MS); performance.now by default, a fake one in tests. */
  readonly hostClockMs?: () => number;
}

export type LoadResult =
  | { readonly ok: true; readonly session: GuestSession }
  | { readonly ok: false; readonly message: string; readonly diagnostics?: readonly Diagnostic[]; readonly assembled?: AssembleResult };

/** How a run command ended: stopped (can continue) or exited (the guest is done). */
export type RunOutcome = StoppedEvent | ExitedEvent;

/**
 * Bytes typed into COM1 while a run goes on to its end (the command line's standard input, as
 * QEMU's `-serial stdio` takes it). They enter the UART's receive queue between batches, as much
 * as the guest has room for; a CPU halted with interrupts on waits for more rather than ending.
 */
export interface SerialInput {
  /** Up to `most` bytes there are now, without waiting: none when there are none yet. */
  available(most: number): Uint8Array;
  /** Waits for bytes (up to `most`); undefined once the input has ended. */
  wait(most: number): Uint8Array | undefined;
}

/** How many received bytes may wait in the UART before no more are taken from the input. */
const SERIAL_INPUT_ROOM = 4096;

/** What a batch gives when the CPU sleeps until COM1 input is typed (GuestSession.openSerialInput). */
const WAIT_FOR_INPUT = 'wait-for-input';

/** How many typed bytes (typeSerial) may wait unread in the UART: more is refused, not queued. */
export const TYPED_INPUT_LIMIT = 1 << 20;

export type Granularity = 'line' | 'instruction';

export interface ExceptionStops {
  /** Vectors to stop on (each with an optional condition over registers/memory, e.g. `cr2 >= 0x80000000`). */
  readonly exceptions?: readonly { readonly vector: number; readonly condition?: string }[];
  readonly ringTransition?: boolean;
  /** Stop on a ring transition only when this holds (evaluated after the CPL changed, e.g. `cpl == 3`). */
  readonly ringTransitionCondition?: string;
}

type Mode =
  | { readonly kind: 'continue' }
  | { readonly kind: 'instruction' }
  | { readonly kind: 'line'; readonly file: string; readonly line: number; readonly expansion: readonly SourceRange[]; readonly over: boolean; readonly cpl: number }
  | { readonly kind: 'until'; readonly eip: number; readonly esp: number; readonly cpl: number }
  | { readonly kind: 'out'; readonly cpl: number };

interface PendingStop {
  readonly reason: StopReason;
  readonly description: string;
  readonly breakpointIds?: readonly number[];
  readonly vector?: number;
  readonly conditionError?: string;
}

/** The errors of conditions that could not be evaluated, as one (undefined when there are none). */
function conditionErrors(errors: readonly (string | undefined)[]): string | undefined {
  const list = errors.filter((e): e is string => e !== undefined);
  return list.length > 0 ? list.join('; ') : undefined;
}

const RETURNS = new Set(['ret', 'retf', 'iret', 'iretd', 'iretw', 'sysexit']);
const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

/** Whether two chains of macro call and %include sites are the same places. */
function sameSites(a: readonly SourceRange[], b: readonly SourceRange[]): boolean {
  return a.length === b.length && a.every((r, i) => r.file === b[i].file && r.start.line === b[i].start.line && r.start.col === b[i].start.col);
}

function defaultHost(): FileHost {
  return {
    readFile: readSourceText,
    readBinary: readIncbinBytes,
  };
}

/** Why `memoryBytes` cannot be a guest's RAM (a multiple of 4 KiB the multiboot memory map holds), or undefined. */
export function memorySizeProblem(memoryBytes: number): string | undefined {
  if (Number.isInteger(memoryBytes) && memoryBytes >= MIN_MULTIBOOT_MEMORY && memoryBytes % 4096 === 0 && memoryBytes <= MAX_MULTIBOOT_MEMORY) return undefined;
  return `memory size must be a multiple of 4 KiB from ${MIN_MULTIBOOT_MEMORY >>> 20} MiB to ${MAX_MULTIBOOT_MEMORY >>> 20} MiB (3.5 GiB), got ${memoryBytes}`;
}

export class GuestSession {
  readonly technique: Technique = 'native';
  private readonly listeners = new Set<EventListener>();
  private detailedListeners = 0;
  private state: 'stopped' | 'running' | 'exited' = 'stopped';
  private current: Promise<RunOutcome> | null = null;
  private pauseRequested = false;
  private resumeFromStop = false;
  private mode: Mode = { kind: 'continue' };
  private pending: PendingStop | null = null;
  private serialPending = '';
  /** The input runToEnd was given, while it runs. */
  private serialInput: SerialInput | undefined;
  /** Whether someone may type into COM1 at any time (openSerialInput): a halted CPU such a byte could wake waits. */
  private serialOpen = false;
  /** While a run waits (for typed input, a held output's reader, or a pause), what ends the wait. */
  private endWait: (() => void) | null = null;
  /** What the run waits for before its next batch (holdUntil), if anything. */
  private held: Promise<void> | null = null;
  /** Whether this run command has said it waits for input (once a command: the guest may sleep again after each byte). */
  private waitSaid = false;
  private readonly initial: MachineSnapshot;
  /** EIP the guest starts at (its entry point): the routine there is the outermost, nothing called it. */
  readonly entryEip: number;
  /** Instructions the next batch may run: BATCH_INSTRUCTIONS, or fewer while they take long (fitBatch). */
  private batchInstructions = BATCH_INSTRUCTIONS;
  /** While a batch runs, when (hostClockMs()) an event ends it; Infinity between batches. */
  private batchDeadline = Infinity;

  private readonly addressBreakpoints = new Map<number, AddressBreakpoint[]>();
  private readonly breakAt = new Set<number>();
  private readonly dataWatch: DataWatch;
  private exceptionFilters = new Map<number, ExceptionFilter>();
  private stopOnRing = false;
  private ringCondition: Expression | null = null;
  private nextId = 1;

  // Stepping watches each step (instret before it); events and exception stops come from hooks
  // the CPU and TLB call only when something happens.
  private prevInstret = 0;
  /**
   * The stack level of the frame a line step over or a step out runs in: ESP after the last
   * instruction that ran in that frame (not a call, not a delivery), whether the CPU is in that
   * frame now (same CPL, ESP not below it), and whether a return run in it has just left it. A PUSH
   * or SUB ESP in the frame moves the level with it; a CALL, INT n, an exception or an interrupt
   * leaves the frame until ESP comes back up to the level.
   */
  private frameLevel = { esp: 0, here: true, returned: false };
  private readonly observer: StepObserver = { afterStep: (external) => this.afterStep(external) };
  private readonly cpuHooks: CpuEventHooks = {
    delivered: (vector, kind, errorCode, eip) => this.delivered(vector, kind, errorCode, eip),
    cplChanged: (from, eip, external) => this.cplChanged(from, eip, external),
  };
  private readonly tlbFlushed = (scope: TlbFlushScope): void => this.emitTlbFlush(scope);
  private readonly scope: EvalScope;

  private constructor(
    readonly machine: Machine,
    readonly assembled: AssembleResult | null,
    readonly symbols: SymbolTable,
    private readonly maxInstructions: number,
    private readonly hostClockMs: () => number,
  ) {
    this.dataWatch = new DataWatch(machine);
    this.scope = {
      register: (name) => readRegister(machine.cpu, name),
      // (`.wait` is the local label of the routine EIP is in, as the code there names it.)
      symbol: (name) => symbols.lookupAt(name, machine.cpu.eip),
      readMemory: (address, size) => readLinearValue(machine, (machine.cpu.segBase[3] + address) >>> 0, size),
    };
    this.initial = takeSnapshot(machine);
    this.entryEip = machine.cpu.eip >>> 0;
    this.syncObserver();
  }

  /** Assembles (when given a source) and loads a guest; errors come back as values. */
  static load(options: LoadOptions): LoadResult {
    let image = options.image;
    let assembled: AssembleResult | null = null;
    if (options.source !== undefined) {
      const { file, text, host, ...flags } = options.source;
      const deadline = options.assemblyBudgetMs !== undefined ? performance.now() + options.assemblyBudgetMs : undefined;
      assembled = assemble({ ...flags, file, text, host: host ?? defaultHost(), deadline });
      const errors = assembled.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) return { ok: false, message: `${file}: ${errors.length} assembly error(s)`, diagnostics: errors, assembled };
      image = assembled.image;
    }
    if (image === undefined) return { ok: false, message: 'nothing to load: give a source or an image' };
    const memoryBytes = options.memoryBytes ?? DEFAULT_MEMORY_BYTES;
    const memoryProblem = memorySizeProblem(memoryBytes);
    if (memoryProblem !== undefined) return { ok: false, message: memoryProblem };
    // COM1 output reaches the session created below; bytes before that (none: nothing runs) would be dropped.
    const sink: { session?: GuestSession } = {};
    const r = Machine.fromMultiboot(image, {
      memoryBytes, tlbShape: options.tlbShape, kernelName: options.kernelName, commandLine: options.commandLine,
      serialOut: (b) => sink.session?.serialByte(b),
    });
    if (!r.ok) return { ok: false, message: `not a loadable multiboot image: ${r.message}` };
    const session = new GuestSession(r.machine, assembled, new SymbolTable(assembled?.symbols ?? []), options.maxInstructions ?? Infinity, options.hostClockMs ?? (() => performance.now()));
    sink.session = session;
    return { ok: true, session };
  }

  // ---- events ------------------------------------------------------------------------------

  /**
   * Subscribes to events; returns the unsubscribe function. With `detailed` false the listener
   * gets stops, exits and output only. Exceptions, interrupts, ring transitions and TLB flushes
   * are reported (to detailed listeners) through hooks the CPU calls when they happen, so asking
   * for them costs nothing per instruction; without any detailed listener they are not reported.
   */
  onEvent(listener: EventListener, options: { readonly detailed?: boolean } = {}): () => void {
    const detailed = options.detailed !== false;
    if (detailed) this.detailedListeners++;
    this.listeners.add(listener);
    return () => {
      if (this.listeners.delete(listener) && detailed) this.detailedListeners--;
    };
  }

  private emit(e: RuntimeEvent): void {
    if (e.kind !== 'output') this.flushOutput();
    for (const l of this.listeners) l(e);
    // Events are the costly part of a batch (the record, the listeners): past its time, one ends it.
    if (this.hostClockMs() > this.batchDeadline) this.machine.requestStop();
  }

  private context(eip = this.machine.cpu.eip, instruction?: string): EventContext {
    const cpu = this.machine.cpu;
    return { vm: 0, vcpu: 0, technique: this.technique, guestEip: eip >>> 0, virtualCpl: cpu.cpl, realCpl: cpu.cpl, instruction, instructions: cpu.instret };
  }

  private serialByte(b: number): void {
    this.serialPending += String.fromCharCode(b);
  }

  private flushOutput(): void {
    if (this.serialPending === '') return;
    const text = this.serialPending;
    this.serialPending = '';
    for (const l of this.listeners) l({ ...this.context(), kind: 'output', category: 'serial', text });
  }

  // ---- state -------------------------------------------------------------------------------

  get status(): 'stopped' | 'running' | 'exited' {
    return this.state;
  }

  get sourceMap(): SourceMap | null {
    return this.assembled?.sourceMap ?? null;
  }

  registers(): GeneralRegisters { return generalRegisters(this.machine.cpu); }
  eflags(): DecodedEflags { return decodeEflags(this.machine.cpu.getEflags()); }
  segments(): SegmentRegisterView[] { return segmentRegisters(this.machine.cpu); }
  systemRegisters(): SystemRegisters { return systemRegisters(this.machine.cpu); }
  setRegister(name: string, value: number): SetRegisterResult { return writeRegister(this.machine.cpu, name.toLowerCase(), value); }

  readMemory(address: number, length: number, space: 'linear' | 'physical' = 'linear'): MemoryRead {
    return space === 'physical' ? readPhysical(this.machine, address, length) : readLinear(this.machine, address, length);
  }

  writeMemory(address: number, data: Uint8Array, space: 'linear' | 'physical' = 'linear'): MemoryWrite {
    return space === 'physical' ? writePhysical(this.machine, address, data) : writeLinear(this.machine, address, data);
  }

  translate(linear: number): Translation { return translateLinear(this.machine, linear); }
  tlbEntries(): TlbEntryView[] { return this.machine.mmu.tlb.entries(); }
  tlbCounters(): TlbCounters { return { ...this.machine.mmu.tlb.counters }; }
  mmuCounters(): MmuCounters { return { ...this.machine.mmu.counters }; }
  pageDirectory(): PagingEntryView[] { return pageDirectory(this.machine); }
  pageTable(pdeIndex: number): PagingEntryView[] { return pageTable(this.machine, pdeIndex); }

  disassemble(eip: number, offset: number, count: number): DisassembledInstruction[] {
    return disassembleAround(this.machine, eip, offset, count, this.sourceMap, (a) => this.symbols.symbolize(a));
  }

  /**
   * The instruction whose bytes cover `eip` as the code of the statement covering it decodes from
   * that statement's start (when the guest came from source; undefined for data bytes that do not
   * decode, and without a source map, where nothing says where instructions start).
   */
  instructionCovering(eip: number): DisassembledInstruction | undefined {
    const entry = this.sourceMap?.lookupAddress(eip >>> 0);
    if (entry === undefined) return undefined;
    let at = entry.address;
    while (at <= eip) {
      const [ins] = this.disassemble(at, 0, 1);
      const end = at + Math.max(1, ins.bytes.length);
      if (end > eip) return ins.valid ? ins : undefined;
      at = end;
    }
    return undefined;
  }

  /** Where `eip` is in the source (the statement covering it), when the guest came from source. */
  sourceLocation(eip: number): SourceLocation | undefined {
    const e = this.sourceMap?.lookupAddress(eip >>> 0);
    return e === undefined ? undefined : { file: e.range.file, line: e.range.start.line, column: e.range.start.col };
  }

  /** Addresses of code from a 0-based source line (empty when the line emits no code). */
  addressesForLine(file: string, line: number): readonly number[] {
    return this.sourceMap?.lookupLine(file, line) ?? [];
  }

  /** Where the code of a 0-based source line starts, once for each macro call or %include that assembled it (lineStarts). */
  lineStarts(file: string, line: number): readonly number[] {
    const map = this.sourceMap;
    return map !== null ? lineStarts(map, file, line) : [];
  }

  listSymbols(): readonly GuestSymbol[] { return this.symbols.all; }

  /** Evaluates `expression` with the live registers, or with those of an outer stack frame (frame-scope.ts). */
  evaluate(expression: string, frame?: FrameRegisters): EvalResult {
    return evaluateExpression(expression, frame === undefined ? this.scope : frameScope(this.machine, this.symbols, frame));
  }

  /** Where a memory reference (`[counter]`, `byte [esi]`) reads, with the live registers or an outer frame's: its linear address (through DS, as evaluate reads it) and size; undefined for any other expression. */
  memoryOperand(expression: string, frame?: FrameRegisters): { readonly linear: EvalResult; readonly size: 1 | 2 | 4 } | undefined {
    const p = parseExpression(expression);
    const m = p.ok ? p.expression.memoryOperand(frame === undefined ? this.scope : frameScope(this.machine, this.symbols, frame)) : undefined;
    if (m === undefined) return undefined;
    return { size: m.size, linear: m.address.ok ? { ok: true, value: (this.machine.cpu.segBase[3] + m.address.value) >>> 0 } : m.address };
  }

  /** How wide `expression`'s value is: 1, 2 or 4 bytes for a register or a memory reference, undefined for other expressions (and ones that do not parse). */
  valueSize(expression: string): 1 | 2 | 4 | undefined {
    const p = parseExpression(expression);
    return p.ok ? p.expression.valueSize(registerSize) : undefined;
  }

  /** Whole-machine snapshot (copy-on-write RAM) and its restore. */
  snapshot(): MachineSnapshot { return takeSnapshot(this.machine); }

  restore(snap: MachineSnapshot): void {
    restoreSnapshot(this.machine, snap);
    this.state = snap.debugExit !== null ? 'exited' : 'stopped';
    this.syncObserver();
  }

  // ---- breakpoints ---------------------------------------------------------------------------

  /** Replaces every instruction breakpoint; each result says whether (and where) it was set. */
  setBreakpoints(specs: readonly BreakpointSpec[]): BreakpointResult[] {
    this.addressBreakpoints.clear();
    this.breakAt.clear();
    return specs.map((s) => {
      const condition = compileCondition(s.condition);
      if (typeof condition === 'string') return { ok: false, message: condition };
      const hitTest = s.hitCondition === undefined || s.hitCondition.trim() === '' ? null : parseHitCondition(s.hitCondition);
      if (typeof hitTest === 'string') return { ok: false, message: hitTest };
      const address = s.address >>> 0;
      const bp: AddressBreakpoint = { id: this.nextId++, address, condition, hitTest, logMessage: s.logMessage ?? null, hits: 0 };
      for (const at of new Set([address, ...(s.alsoAt ?? []).map((a) => a >>> 0)])) {
        const list = this.addressBreakpoints.get(at) ?? [];
        list.push(bp);
        this.addressBreakpoints.set(at, list);
        this.breakAt.add(at);
      }
      return { ok: true, id: bp.id, address };
    });
  }

  /** Replaces every data breakpoint. */
  setDataBreakpoints(specs: readonly DataBreakpointSpec[]): BreakpointResult[] {
    const list: DataBreakpoint[] = [];
    const results = specs.map((s): BreakpointResult => {
      if (!Number.isInteger(s.length) || s.length < 1) return { ok: false, message: `data breakpoint length must be at least 1, got ${s.length}` };
      const condition = compileCondition(s.condition);
      if (typeof condition === 'string') return { ok: false, message: condition };
      const hitTest = s.hitCondition === undefined || s.hitCondition.trim() === '' ? null : parseHitCondition(s.hitCondition);
      if (typeof hitTest === 'string') return { ok: false, message: hitTest };
      const bp: DataBreakpoint = { id: this.nextId++, start: s.address >>> 0, end: (s.address >>> 0) + s.length, access: s.access, space: s.space, condition, hitTest, hits: 0 };
      list.push(bp);
      return { ok: true, id: bp.id, address: bp.start };
    });
    this.dataWatch.set(list);
    return results;
  }

  /** Which exceptions (by vector, with conditions) and whether ring transitions stop; a triple fault always ends the run. */
  setExceptionStops(stops: ExceptionStops): { ok: boolean; messages: string[] } {
    const filters = new Map<number, ExceptionFilter>();
    const messages: string[] = [];
    for (const e of stops.exceptions ?? []) {
      if (!Number.isInteger(e.vector) || e.vector < 0 || e.vector > 255) { messages.push(`bad vector ${e.vector}`); continue; }
      const condition = compileCondition(e.condition);
      if (typeof condition === 'string') { messages.push(condition); continue; }
      filters.set(e.vector, { vector: e.vector, condition });
    }
    const ring = compileCondition(stops.ringTransitionCondition);
    if (typeof ring === 'string') messages.push(ring);
    this.exceptionFilters = filters;
    this.stopOnRing = stops.ringTransition === true;
    this.ringCondition = typeof ring === 'string' ? null : ring;
    return { ok: messages.length === 0, messages };
  }

  // ---- run control ---------------------------------------------------------------------------

  continue(): Promise<RunOutcome> { return this.start({ kind: 'continue' }); }

  stepInstruction(): Promise<RunOutcome> { return this.start({ kind: 'instruction' }); }

  /** Runs to the next source line (into calls). Without a source location it steps one instruction. */
  stepLine(): Promise<RunOutcome> { return this.start(this.lineMode(false) ?? { kind: 'instruction' }); }

  /** Steps over calls (and anything that returns to this stack frame) at line or instruction granularity. */
  stepOver(granularity: Granularity = 'line'): Promise<RunOutcome> {
    if (granularity === 'line') {
      const mode = this.lineMode(true);
      if (mode !== null) return this.start(mode);
    }
    const cpu = this.machine.cpu;
    const ins = disassembleOne(this.machine, cpu.eip, null);
    if (ins.valid && /^call\b/.test(ins.text)) {
      return this.start({ kind: 'until', eip: (cpu.eip + ins.bytes.length) >>> 0, esp: cpu.regs[4] >>> 0, cpl: cpu.cpl });
    }
    return this.start({ kind: 'instruction' });
  }

  /** Runs until a return run in the current frame leaves it (ESP above the frame's level, or another ring). */
  stepOut(): Promise<RunOutcome> {
    return this.start({ kind: 'out', cpl: this.machine.cpu.cpl });
  }

  /** Asks a running guest to stop; it stops at the end of the current batch. False when not running. */
  pause(): boolean {
    if (this.state !== 'running') return false;
    this.pauseRequested = true;
    this.wake();
    return true;
  }

  /**
   * From now on someone may type into COM1 at any time (typeSerial), as into QEMU's serial console:
   * a CPU halted where a received byte could wake it (inputCanWake) waits for one, running, rather
   * than ending the run; pause stops the wait. A halt nothing can wake still ends it.
   */
  openSerialInput(): void {
    this.serialOpen = true;
  }

  /**
   * Bytes typed into COM1: they join the UART's receive queue now, running or stopped, and wake a
   * run waiting for them. False (nothing taken) once the guest has exited, or when the guest has
   * TYPED_INPUT_LIMIT bytes unread already.
   */
  typeSerial(bytes: Uint8Array): boolean {
    const uart = this.machine.uart;
    if (this.state === 'exited' || uart.pendingInput + bytes.length > TYPED_INPUT_LIMIT) return false;
    uart.receive(bytes);
    this.wake();
    return true;
  }

  /**
   * Holds the run before its next batch until `until` resolves (or a pause is asked for), running:
   * the guest's output has a reader that has fallen behind (the debugger's COM1 terminal), which
   * the guest waits for as a program waits for a slow pipe.
   */
  holdUntil(until: Promise<void>): void {
    this.held = until;
  }

  private wake(): void {
    const end = this.endWait;
    this.endWait = null;
    end?.();
  }

  /** Moves EIP without executing anything (the debugger's goto / set next statement). */
  goto(eip: number): Promise<RunOutcome> {
    if (this.current !== null) return this.current;
    this.machine.cpu.eip = eip >>> 0;
    this.syncObserver();
    return Promise.resolve(this.stopNow({ reason: 'goto', description: `eip set to ${hex(eip)}` }));
  }

  /** Restores the machine as it was right after loading; breakpoints stay, hit counts reset. */
  restart(): Promise<RunOutcome> {
    if (this.current !== null) return this.current;
    restoreSnapshot(this.machine, this.initial);
    for (const list of this.addressBreakpoints.values()) for (const bp of list) bp.hits = 0;
    for (const bp of this.dataWatch.watched) bp.hits = 0;
    this.state = 'stopped';
    this.serialPending = '';
    this.syncObserver();
    return Promise.resolve(this.stopNow({ reason: 'entry', description: 'restarted' }));
  }

  private lineMode(over: boolean): Mode | null {
    const cpu = this.machine.cpu;
    const here = this.sourceMap?.lookupAddress(cpu.eip);
    if (here === undefined) return null;
    return { kind: 'line', file: here.range.file, line: here.range.start.line, expansion: here.expansion, over, cpl: cpu.cpl };
  }

  private start(mode: Mode): Promise<RunOutcome> {
    if (this.current !== null) return this.current;
    if (this.state === 'exited') return Promise.resolve(this.exitedEvent());
    this.mode = mode;
    this.frameLevel = { esp: this.machine.cpu.regs[4] >>> 0, here: true, returned: false };
    this.state = 'running';
    this.pauseRequested = false;
    this.waitSaid = false;
    // The first batch starts on a later turn of the event loop: a command's response goes out
    // before the stop event it causes (STYLE.md §6).
    const p = new Promise<RunOutcome>((resolve) => setImmediate(() => resolve(this.drive())));
    this.current = p;
    return p;
  }

  private async drive(): Promise<RunOutcome> {
    let resume = this.resumeFromStop;
    try {
      for (;;) {
        const r = this.batch(resume);
        if (r !== null && typeof r === 'object') return r;
        resume = r === true;
        if (this.pauseRequested) return this.stopNow({ reason: 'pause', description: 'paused' });
        if (r === WAIT_FOR_INPUT) await this.typedInput();
        else await new Promise<void>((done) => setImmediate(done));
        // (Between batches the listeners have had the output: one may have asked to be waited for.)
        if (this.held !== null && !this.pauseRequested) await this.release();
        if (this.pauseRequested) return this.stopNow({ reason: 'pause', description: 'paused' });
      }
    } finally {
      this.current = null;
    }
  }

  /**
   * Runs the guest synchronously until it stops or exits, for headless runs (the CLI, tests)
   * where nothing needs to get through in between; a debugger uses continue().
   */
  runToEnd(input?: SerialInput): RunOutcome {
    if (this.current !== null || this.state === 'exited') return this.exitedEvent();
    this.mode = { kind: 'continue' };
    this.state = 'running';
    this.pauseRequested = false;
    this.serialInput = input;
    let resume = this.resumeFromStop;
    try {
      for (;;) {
        if (input !== undefined) this.takeSerialInput(input);
        const r = this.batch(resume);
        if (r !== null && typeof r === 'object') return r;
        resume = r === true;
        // (A listener may ask for the stop: the CLI's, when its output's reader has gone.)
        if (this.pauseRequested) return this.stopNow({ reason: 'pause', description: 'paused' });
      }
    } finally {
      this.serialInput = undefined;
    }
  }

  /**
   * Whether a byte typed into COM1 would wake the halted CPU: interrupts on, the UART's received-data
   * interrupt enabled and IRQ 4 unmasked, and no byte waiting unread (one that would have woken it
   * already). Otherwise the guest sleeps for good, as it did without input.
   */
  private inputCanWake(): boolean {
    const { cpu, uart, pic } = this.machine;
    return cpu.interruptible && uart.interruptsOnReceive && (pic.registers().master.imr & (1 << COM1_IRQ)) === 0 && uart.pendingInput === 0;
  }

  /**
   * Until a byte is typed (or a pause is asked for): the guest sleeps in `hlt` for COM1 input, as
   * the note the runtime sends the first time in a run command says (its output so far goes out
   * first: it may be the prompt).
   */
  private typedInput(): Promise<void> {
    this.flushOutput();
    if (this.machine.uart.pendingInput > 0) return Promise.resolve();
    if (!this.waitSaid) {
      this.waitSaid = true;
      const eip = this.machine.cpu.eip;
      this.emit({ ...this.context(), kind: 'output', category: 'note', text: `the guest is halted at ${hex(eip)} with interrupts on, waiting for input on COM1\n` });
    }
    return new Promise<void>((done) => { this.endWait = done; });
  }

  /** Until what holdUntil was given resolves, or a pause (or typed input) ends the wait. */
  private release(): Promise<void> {
    const held = this.held!;
    this.held = null;
    return new Promise<void>((done) => {
      this.endWait = done;
      void held.then(() => { if (this.endWait === done) this.wake(); });
    });
  }

  private takeSerialInput(input: SerialInput): void {
    const uart = this.machine.uart;
    const room = SERIAL_INPUT_ROOM - uart.pendingInput;
    if (room <= 0) return;
    const bytes = input.available(room);
    if (bytes.length > 0) uart.receive(bytes);
  }

  /**
   * One bounded batch: an outcome, whether the next batch resumes from a breakpoint, or
   * WAIT_FOR_INPUT (the CPU sleeps until a byte is typed: see openSerialInput).
   */
  private batch(resume: boolean): RunOutcome | boolean | typeof WAIT_FOR_INPUT {
    this.pending = null;
    this.syncObserver();
    const left = this.maxInstructions - this.machine.cpu.instret;
    if (left <= 0) return this.stopNow({ reason: 'budget', description: `instruction budget of ${this.maxInstructions} used up` });
    // Without detailed listeners or stops that need them, the machine runs without the observer.
    // Only stepping watches each instruction; events and exception stops need just the hooks,
    // which are installed for the batch alone (a restore or reset between batches reports nothing).
    const cpu = this.machine.cpu;
    const tlb = this.machine.mmu.tlb;
    const detailed = this.detailedListeners > 0;
    cpu.hooks = detailed || this.exceptionFilters.size > 0 || this.stopOnRing ? this.cpuHooks : null;
    tlb.onFlush = detailed ? this.tlbFlushed : null;
    let status: StopStatus;
    const started = this.hostClockMs();
    const instret = cpu.instret;
    this.batchDeadline = started + BATCH_MS;
    try {
      status = this.machine.run(Math.min(this.batchInstructions, left), {
        breakpoints: this.breakAt, resume, observer: this.mode.kind !== 'continue' ? this.observer : null,
        paced: left > this.batchInstructions,
        // Steps into the next instruction or line go one instruction at a time, as QEMU's gdbstub
        // steps: no interrupt handler runs in them (a step over, out or on runs them, as gdb's do).
        holdInterrupts: this.mode.kind === 'instruction' || (this.mode.kind === 'line' && !this.mode.over),
      });
    } finally {
      cpu.hooks = null;
      tlb.onFlush = null;
      this.batchDeadline = Infinity;
    }
    this.fitBatch(cpu.instret - instret, this.hostClockMs() - started);
    const outcome = this.settle(status);
    this.flushOutput();
    return outcome ?? status.reason === 'breakpoint';
  }

  /**
   * Sizes the next batch to take about BATCH_MS at the rate this one ran: slow instructions (a
   * fault storm) get fewer, and it grows back at most twofold a batch to BATCH_INSTRUCTIONS. A
   * batch under a millisecond (one that stopped early, or plain code) only says it was quick.
   */
  private fitBatch(retired: number, elapsedMs: number): void {
    const fit = elapsedMs < 1 ? Infinity : Math.floor((retired * BATCH_MS) / elapsedMs);
    this.batchInstructions = Math.max(MIN_BATCH_INSTRUCTIONS, Math.min(BATCH_INSTRUCTIONS, 2 * this.batchInstructions, fit));
  }

  /**
   * Turns a machine stop into an outcome, or null to keep running (a breakpoint whose condition is
   * false; a halted CPU given serial input that will wake it), or WAIT_FOR_INPUT.
   */
  private settle(status: StopStatus): RunOutcome | null | typeof WAIT_FOR_INPUT {
    const cpu = this.machine.cpu;
    switch (status.reason) {
      case 'debug-exit': return this.exit({ how: 'debug-exit', value: status.value });
      case 'halted': {
        // Only a byte from the input can wake it now, and only through COM1's receive interrupt:
        // wait for one (what the guest wrote out first: it may be the prompt the input answers),
        // unless the input has ended or no byte could wake it. Typed input (openSerialInput) is
        // waited for by the run a debugger drives, never by runToEnd, which could only spin.
        if (!this.inputCanWake()) return this.exit({ how: 'halted' });
        if (this.serialInput === undefined) return this.serialOpen && this.current !== null ? WAIT_FOR_INPUT : this.exit({ how: 'halted' });
        this.flushOutput();
        const more = this.serialInput.wait(SERIAL_INPUT_ROOM);
        if (more === undefined) return this.exit({ how: 'halted' });
        this.machine.uart.receive(more);
        return null;
      }
      case 'triple-fault':
        // The processor is shut down: nothing can run any more, so this always ends the run.
        this.emit({ ...this.context(), kind: 'triple-fault', faults: status.faults });
        return this.exit({ how: 'triple-fault', faults: status.faults });
      case 'budget': return this.pending !== null ? this.stopNow(this.pending) : null;
      case 'requested': {
        // (An instruction that reads and writes the range, or touches it twice, is one hit of it.)
        const matching: DataHit[] = [];
        const errors: (string | undefined)[] = [];
        const seen = new Set<DataBreakpoint>();
        for (const h of this.dataWatch.hits.splice(0)) {
          const bp = h.breakpoint;
          if (seen.has(bp)) continue;
          seen.add(bp);
          const test = this.testCondition(bp.condition);
          if (!test.holds) continue;
          bp.hits++;
          if (bp.hitTest !== null && !bp.hitTest(bp.hits)) continue;
          matching.push(h);
          errors.push(test.error);
        }
        if (matching.length > 0) {
          const h = matching[0];
          const where = h.breakpoint.space === 'physical' ? `physical ${hex(h.physical ?? 0)}` : hex(h.linear);
          return this.stopNow({
            reason: 'data-breakpoint', breakpointIds: matching.map((m) => m.breakpoint.id),
            description: `${h.write ? 'write' : 'read'} of ${h.size} byte(s) at ${where} by the instruction at ${hex(h.eip)}`,
            conditionError: conditionErrors(errors),
          });
        }
        return this.pending !== null ? this.stopNow(this.pending) : null;
      }
      case 'breakpoint': {
        const list = this.addressBreakpoints.get(cpu.eip >>> 0) ?? [];
        const stopping: number[] = [];
        const errors: (string | undefined)[] = [];
        for (const bp of list) {
          const test = this.testCondition(bp.condition, bp.logMessage !== null ? 'logged' : 'stopped');
          if (!test.holds) continue;
          bp.hits++;
          if (bp.hitTest !== null && !bp.hitTest(bp.hits)) continue;
          if (bp.logMessage !== null) {
            // (A log point never stops (DAP SourceBreakpoint.logMessage): where its condition cannot be told, it logs saying so, as a breakpoint stops saying so.)
            const why = test.error !== undefined ? `${test.error}: ` : '';
            this.emit({ ...this.context(), kind: 'output', category: 'log', text: why + interpolate(bp.logMessage, this.scope) + '\n' });
            continue;
          }
          stopping.push(bp.id);
          errors.push(test.error);
        }
        if (stopping.length === 0) return null;
        return this.stopNow({ reason: 'breakpoint', breakpointIds: stopping, description: `breakpoint at ${hex(cpu.eip)}`, conditionError: conditionErrors(errors) });
      }
    }
  }

  private stopNow(stop: PendingStop): StoppedEvent {
    this.state = 'stopped';
    // Continuing from a stop executes the instruction there even when it has a breakpoint;
    // from the entry state (load, restart) a breakpoint on the first instruction hits.
    this.resumeFromStop = stop.reason !== 'entry';
    const cpu = this.machine.cpu;
    const e: StoppedEvent = {
      ...this.context(cpu.eip, disassembleOne(this.machine, cpu.eip, null).text), kind: 'stopped',
      reason: stop.reason, description: stop.description, breakpointIds: stop.breakpointIds, vector: stop.vector, conditionError: stop.conditionError,
    };
    this.emit(e);
    return e;
  }

  private exitedEvent(): ExitedEvent {
    const req = this.machine.debugExit.request;
    const cpu = this.machine.cpu;
    const how = req !== null ? 'debug-exit' : cpu.condition === 'shutdown' ? 'triple-fault' : 'halted';
    return { ...this.context(), kind: 'exited', how, value: req?.value, faults: how === 'triple-fault' ? cpu.shutdownFaults : undefined };
  }

  private exit(x: { how: ExitedEvent['how']; value?: number; faults?: ExitedEvent['faults'] }): ExitedEvent {
    this.state = 'exited';
    const e: ExitedEvent = { ...this.context(), kind: 'exited', how: x.how, value: x.value, faults: x.faults };
    this.emit(e);
    return e;
  }

  // ---- the step observer and the CPU's hooks ----------------------------------------------

  private syncObserver(): void {
    this.prevInstret = this.machine.cpu.instret;
  }

  /** Called by the machine after every step while stepping; true stops (the goal, or a hook's stop). */
  private afterStep(external: boolean): boolean {
    const cpu = this.machine.cpu;
    const retired = cpu.instret !== this.prevInstret;
    this.prevInstret = cpu.instret;
    if (this.pending !== null) return true;
    // (An interrupt taken between instructions enters its handler: out of the stepping frame.)
    if (external) { this.frameLevel.here = false; return false; }
    this.trackFrame();
    if (!this.modeReached(retired || cpu.lastVector >= 0)) return false;
    this.pending = { reason: 'step', description: 'step' };
    return true;
  }

  private text(eip: number): string {
    return disassembleOne(this.machine, eip, null).text;
  }

  /** A stop condition holds when it is absent, non-zero, or cannot be evaluated: then it says why, for the stop to say. */
  /** Whether `condition` holds; one that cannot be evaluated holds, with the error saying what was done (`outcome`) all the same. */
  private testCondition(condition: Expression | null, outcome: 'stopped' | 'logged' = 'stopped'): { readonly holds: boolean; readonly error?: string } {
    if (condition === null) return { holds: true };
    const r = condition.evaluate(this.scope);
    if (r.ok) return { holds: r.value !== 0 };
    return { holds: true, error: `the condition ${quoted(condition.source)} could not be evaluated here (${r.message}), so it ${outcome}` };
  }

  /** Stops the run after the instruction or delivery in progress, for `stop` unless one is pending. */
  private stopAfterThis(stop: PendingStop): void {
    if (this.pending !== null) return;
    this.pending = stop;
    this.machine.requestStop();
  }

  /** The CPU delivered `vector` (cpu.eip is the handler's entry): report it, and stop if a filter says so. */
  private delivered(vector: number, kind: DeliveryKind, errorCode: number, eip: number): void {
    const cpu = this.machine.cpu;
    const handlerEip = cpu.eip >>> 0;
    const detailed = this.detailedListeners > 0;
    if (kind === 'external') {
      if (detailed) this.emit({ ...this.context(eip), kind: 'interrupt', vector, source: 'external', handlerEip });
      return;
    }
    if (kind === 'software') {
      if (detailed) this.emit({ ...this.context(eip, this.text(eip)), kind: 'interrupt', vector, source: 'software', handlerEip });
      return;
    }
    const filter = this.exceptionFilters.get(vector);
    if (!detailed && filter === undefined && cpu.undeliveredFaults.length === 0) return;
    const ins = this.text(eip);
    const name = VECTOR_NAMES[vector] ?? `vector ${vector}`;
    const code = errorCode >= 0 ? errorCode >>> 0 : undefined;
    const qualification = vector === 14 ? cpu.cr2 >>> 0 : undefined;
    const undelivered = cpu.undeliveredFaults.length > 0 ? [...cpu.undeliveredFaults] : undefined;
    if (detailed) this.emit({ ...this.context(eip, ins), kind: 'exception', vector, name, errorCode: code, qualification, type: kind, handlerEip, undelivered });
    if (this.pending !== null) return;
    if (filter === undefined) {
      this.undeliveredStop(name, eip, ins, handlerEip);
      return;
    }
    const test = this.testCondition(filter.condition);
    if (!test.holds) return;
    const detail = `${code !== undefined ? ` error ${hex(code)}` : ''}${qualification !== undefined ? ` cr2 ${hex(qualification)}` : ''}`;
    this.stopAfterThis({ reason: 'exception', vector, description: `${name}${detail} at ${hex(eip)} (${ins}); now at the handler ${hex(handlerEip)}`, conditionError: test.error });
  }

  /**
   * An exception a filter names was raised but its delivery faulted, and `name` (#DF, or the fault
   * that replaced it) was delivered instead (SDM Vol. 3A Table 6-5): the filter stops all the same.
   */
  private undeliveredStop(name: string, eip: number, ins: string, handlerEip: number): void {
    for (const fault of this.machine.cpu.undeliveredFaults) {
      const filter = this.exceptionFilters.get(fault.vector);
      const test = filter === undefined ? { holds: false } : this.testCondition(filter.condition);
      if (!test.holds) continue;
      const raised = describeShutdown([fault]);
      const chain = describeShutdown(this.machine.cpu.undeliveredFaults);
      this.stopAfterThis({
        reason: 'exception', vector: fault.vector, conditionError: test.error,
        description: `${raised} at ${hex(eip)} (${ins}) could not be delivered (${chain}), so ${name} was; now at its handler ${hex(handlerEip)}`,
      });
      return;
    }
  }

  /** CPL changed over the last step: report it, and stop when ring transitions stop (and the condition holds). */
  private cplChanged(from: number, eip: number, external: boolean): void {
    const cpu = this.machine.cpu;
    if (this.detailedListeners > 0) {
      this.emit({ ...this.context(eip, external ? undefined : this.text(eip)), kind: 'ring-transition', fromCpl: from, toCpl: cpu.cpl });
    }
    if (!this.stopOnRing || this.pending !== null) return;
    const test = this.testCondition(this.ringCondition);
    if (test.holds) this.stopAfterThis({ reason: 'ring-transition', description: `CPL ${from} -> ${cpu.cpl}`, conditionError: test.error });
  }

  /** The TLB dropped entries during the instruction at cpu.eip (its EIP until it completes). */
  private emitTlbFlush(scope: TlbFlushScope): void {
    const eip = this.machine.cpu.eip;
    this.emit({ ...this.context(eip, this.text(eip)), kind: 'tlb-flush', scope });
  }

  /** Follows the stepping frame's level (frameLevel) over the instruction or delivery just done. */
  private trackFrame(): void {
    const cpu = this.machine.cpu;
    const mode = this.mode;
    if (mode.kind !== 'out' && (mode.kind !== 'line' || !mode.over)) return;
    const esp = cpu.regs[4] >>> 0;
    const level = this.frameLevel;
    const mnemonic = cpu.lastInstruction?.spec?.mnemonic;
    // (A callee's RET 4 lifts ESP above where its caller's frame was when it pushed the argument: it does not leave that frame.)
    level.returned = level.here && cpu.lastVector < 0 && mnemonic !== undefined && RETURNS.has(mnemonic) && (cpu.cpl !== mode.cpl || esp > level.esp);
    const entered = cpu.lastVector >= 0 || mnemonic === 'call';
    if (level.here && cpu.cpl === mode.cpl && !entered) level.esp = esp;
    level.here = cpu.cpl === mode.cpl && esp >= level.esp;
  }

  /** Whether the current step mode's goal is reached after a step. */
  private modeReached(stepped: boolean): boolean {
    const mode = this.mode;
    const cpu = this.machine.cpu;
    switch (mode.kind) {
      case 'continue': return false;
      case 'instruction': return stepped;
      case 'until': return cpu.eip === mode.eip && cpu.cpl === mode.cpl && (cpu.regs[4] >>> 0) >= mode.esp;
      case 'out': return this.frameLevel.returned;
      case 'line': {
        if (mode.over && !this.frameLevel.here) return false;
        const e = this.sourceMap?.lookupAddress(cpu.eip);
        if (e === undefined) return true;
        if (e.address !== cpu.eip) return false;
        // (The same line from another macro call is another line: `zero eax` then `zero ebx` each run the macro's one line.)
        return e.range.file !== mode.file || e.range.start.line !== mode.line || !sameSites(e.expansion, mode.expansion);
      }
    }
  }
}
