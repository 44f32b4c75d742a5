// Drives the built debug adapter (dist/debugAdapter.js, `node scripts/build.mjs` first) over stdio
// as VS Code would, and validates EVERY message it sends against the official DAP JSON schema
// (../shared/spec/debugAdapterProtocol.json). Expected values come from the guest sources
// (registers the guest sets, the lines the source says) and QEMU-checked exit values.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { RingsResponse } from '../../core/src/protocol';
import { testCodeCacheFolder } from './lspClient';
import { listedAddress, listedRows } from './nasmListing';
import { dapFrame, DapFrameReader } from '../support/dap-frames';

const ROOT = path.join(__dirname, '..', '..');
const ADAPTER = path.join(ROOT, 'dist', 'debugAdapter.js');
const SCHEMA = path.join(ROOT, '..', 'shared', 'spec', 'debugAdapterProtocol.json');
const HELLO = path.join(ROOT, 'examples', 'hello', 'hello.gasm');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'dap');
const FRAMES = path.join(FIXTURES, 'frames.gasm');
const FAULT = path.join(FIXTURES, 'fault.gasm');
const TIMER_IRQ = path.join(FIXTURES, 'timer-irq.gasm');
const SPIN = path.join(FIXTURES, 'spin.gasm');
const STORM = path.join(FIXTURES, 'fault-storm.gasm');
const KERNEL = path.join(ROOT, 'examples', 'kernel', 'kernel.gasm');
/**
 * Guests that read COM1 (checked against QEMU 7.2 in cli-run-serial-input.test.ts): echo-irq sleeps
 * in `hlt` for the receive interrupt and writes back each byte; at a `.` it exits with the count
 * (`hello, irq.` gives `hello, irq` and 10).
 */
const ECHO_IRQ = path.join(ROOT, 'test', 'fixtures', 'runtime', 'echo-irq.gasm');
/** echo-poll polls COM1, upper-cases what it reads and exits with the count at a `.` (`hello, guest.`: `HELLO, GUEST`, 12). */
const ECHO_POLL = path.join(ROOT, 'test', 'fixtures', 'runtime', 'echo-poll.gasm');
/** Prints lines of `#` to COM1 for ever, as fast as it runs. */
const PRINT_FOREVER = path.join(FIXTURES, 'print-forever.gasm');
const KERNEL_INCLUDES = [path.join(ROOT, 'examples', 'include'), path.join(ROOT, 'examples', 'kernel')];
/** A guest nasm assembled with -O0 (its flags in the .args file, its listing recorded by test/protocol/fixtures/record.sh). */
const O0_GUEST = path.join(ROOT, 'test', 'protocol', 'fixtures', 'args-o0-guest.asm');

/** 1-based line of the first line containing `text` (the client's convention). */
function lineOf(file: string, text: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} not in ${file}`);
  return i + 1;
}

// ---- schema validation ------------------------------------------------------------------------

const schema = JSON.parse(fs.readFileSync(SCHEMA, 'utf8')) as { $schema?: string; definitions: Record<string, unknown> };
// The spec declares draft-04; its definitions use nothing draft-07 reads differently, so Ajv 8 runs
// it as is once the meta-schema reference (which Ajv 8 does not ship) is dropped.
const { $schema: _draft, ...schemaBody } = schema;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ ...schemaBody, $id: 'dap' });
const validators = new Map<string, ValidateFunction>();
function validatorFor(definition: string): ValidateFunction {
  let v = validators.get(definition);
  if (v === undefined) {
    v = ajv.compile({ $ref: `dap#/definitions/${definition}` });
    validators.set(definition, v);
  }
  return v;
}
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The schema definition a message must satisfy: by type and command/event; custom ones by the base type. */
function definitionOf(m: { type: string; command?: string; event?: string; success?: boolean }): string {
  if (m.type === 'response') {
    if (m.success === false) return 'ErrorResponse';
    const name = `${cap(m.command ?? '')}Response`;
    return schema.definitions[name] !== undefined ? name : 'Response';
  }
  if (m.type === 'event') {
    const name = `${cap(m.event ?? '')}Event`;
    return schema.definitions[name] !== undefined ? name : 'Event';
  }
  if (m.type === 'request') {
    const name = `${cap(m.command ?? '')}Request`;
    return schema.definitions[name] !== undefined ? name : 'Request';
  }
  return 'ProtocolMessage';
}

// ---- a minimal DAP client ---------------------------------------------------------------------

type Message = DebugProtocol.ProtocolMessage & Record<string, unknown>;

class DapClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly reader = new DapFrameReader((m) => this.message(m as Message));
  private seq = 1;
  private readonly pending = new Map<number, (r: DebugProtocol.Response) => void>();
  readonly events: DebugProtocol.Event[] = [];
  private waiters: { test: (e: DebugProtocol.Event) => boolean; resolve: (e: DebugProtocol.Event) => void }[] = [];
  readonly invalid: string[] = [];
  readonly received: Message[] = [];
  exitCode: number | null = null;
  readonly exited: Promise<number | null>;
  /** How this client answers the adapter's reverse requests (runInTerminal): a body, or a message to fail with. */
  answer: (r: DebugProtocol.Request) => { body: unknown } | { message: string } = () => ({ message: 'not supported by the test client' });

  /** `args`: the adapter's arguments; by default, the test run's code cache (see lspClient.ts). */
  constructor(args: readonly string[] = [`--code-cache=${testCodeCacheFolder()}`]) {
    this.child = spawn(process.execPath, [ADAPTER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (d: Buffer) => this.reader.push(d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => { this.exitCode = code; resolve(code); }));
  }

  private message(m: Message): void {
    this.received.push(m);
    const def = definitionOf(m as never);
    const v = validatorFor(def);
    if (!v(m)) this.invalid.push(`${def}: ${ajv.errorsText(v.errors)} in ${JSON.stringify(m).slice(0, 400)}`);
    if (m.type === 'response') {
      const r = m as unknown as DebugProtocol.Response;
      this.pending.get(r.request_seq)?.(r);
      this.pending.delete(r.request_seq);
    } else if (m.type === 'event') {
      const e = m as unknown as DebugProtocol.Event;
      this.events.push(e);
      const w = this.waiters.find((x) => x.test(e));
      if (w !== undefined) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(e);
      }
    } else if (m.type === 'request') {
      const r = m as unknown as DebugProtocol.Request;
      const a = this.answer(r);
      const head = { seq: this.seq++, type: 'response', request_seq: r.seq, command: r.command };
      this.sendRaw(JSON.stringify('body' in a ? { ...head, success: true, body: a.body } : { ...head, success: false, message: a.message }));
    }
  }

  sendRaw(text: string): void {
    this.child.stdin.write(dapFrame(text));
  }

  request<R extends DebugProtocol.Response = DebugProtocol.Response>(command: string, args?: unknown): Promise<R> {
    const seq = this.seq++;
    const p = new Promise<R>((resolve) => this.pending.set(seq, resolve as (r: DebugProtocol.Response) => void));
    this.sendRaw(JSON.stringify({ seq, type: 'request', command, arguments: args }));
    return p;
  }

  /** A request that must succeed. */
  async ok<R extends DebugProtocol.Response = DebugProtocol.Response>(command: string, args?: unknown): Promise<R> {
    const r = await this.request<R>(command, args);
    assert.equal(r.success, true, `${command} failed: ${r.message} ${JSON.stringify(r.body)}`);
    return r;
  }

  /** The next event (from now on, or already received after index `from`) matching. */
  event<E extends DebugProtocol.Event = DebugProtocol.Event>(name: string, test: (e: E) => boolean = () => true, from = this.events.length): Promise<E> {
    const t = (e: DebugProtocol.Event): boolean => e.event === name && test(e as E);
    const seen = this.events.slice(from).find(t);
    if (seen !== undefined) return Promise.resolve(seen as E);
    return new Promise((resolve) => this.waiters.push({ test: t, resolve: resolve as (e: DebugProtocol.Event) => void }));
  }

  stopped(from?: number): Promise<DebugProtocol.StoppedEvent> {
    return this.event<DebugProtocol.StoppedEvent>('stopped', () => true, from);
  }

  kill(): void {
    if (this.exitCode === null) this.child.kill();
  }
}

/** initialize → launch → (configure) → configurationDone, as VS Code orders them. */
async function start(client: DapClient, launch: Record<string, unknown>, configure: (c: DapClient) => Promise<void> = async () => undefined): Promise<DebugProtocol.InitializeResponse> {
  const init = await client.ok<DebugProtocol.InitializeResponse>('initialize', { adapterID: 'ringside', clientID: 'test', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const initialized = client.event('initialized');
  await client.ok('launch', launch);
  await initialized;
  await configure(client);
  await client.ok('configurationDone');
  return init;
}

async function topFrame(client: DapClient): Promise<DebugProtocol.StackFrame> {
  const st = await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
  return st.body.stackFrames[0];
}

async function registers(client: DapClient): Promise<Map<string, string>> {
  const frame = await topFrame(client);
  const scopes = await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: frame.id });
  const general = scopes.body.scopes.find((s) => s.name === 'General registers');
  assert.ok(general);
  const vars = await client.ok<DebugProtocol.VariablesResponse>('variables', { variablesReference: general.variablesReference });
  return new Map(vars.body.variables.map((v) => [v.name, v.value]));
}

async function evaluate(client: DapClient, expression: string): Promise<string> {
  const r = await client.ok<DebugProtocol.EvaluateResponse>('evaluate', { expression, context: 'repl' });
  return r.body.result;
}

const hex8 = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;

describe('debug adapter over stdio (every message validated against the DAP schema)', function () {
  this.timeout(20000);
  let client: DapClient;

  before(() => {
    assert.ok(fs.existsSync(ADAPTER), 'build first: node scripts/build.mjs');
  });
  beforeEach(() => { client = new DapClient(); });
  afterEach(() => {
    client.kill();
    assert.deepEqual(client.invalid, [], 'messages that do not match the DAP schema');
  });

  it('initialize advertises the capabilities and one exception filter per guest exception, each with a condition', async () => {
    const r = await client.ok<DebugProtocol.InitializeResponse>('initialize', { adapterID: 'ringside', pathFormat: 'path' });
    const caps = r.body!;
    for (const k of ['supportsConfigurationDoneRequest', 'supportsFunctionBreakpoints', 'supportsConditionalBreakpoints', 'supportsHitConditionalBreakpoints',
      'supportsLogPoints', 'supportsInstructionBreakpoints', 'supportsDataBreakpoints', 'supportsSteppingGranularity', 'supportsGotoTargetsRequest',
      'supportsRestartRequest', 'supportsDisassembleRequest', 'supportsReadMemoryRequest', 'supportsWriteMemoryRequest', 'supportsSetVariable',
      'supportsEvaluateForHovers', 'supportsCompletionsRequest', 'supportsExceptionInfoRequest', 'supportsTerminateRequest', 'supportsLoadedSourcesRequest'] as const) {
      assert.equal(caps[k], true, k);
    }
    const ids = (caps.exceptionBreakpointFilters ?? []).map((f) => f.filter);
    assert.deepEqual(ids, ['de', 'db', 'bp', 'of', 'br', 'ud', 'nm', 'df', 'ts', 'np', 'ss', 'gp', 'pf', 'ac', 'ring-transition', 'triple-fault']);
    assert.ok((caps.exceptionBreakpointFilters ?? []).every((f) => f.supportsCondition === true && (f.conditionDescription ?? '') !== ''));
  });

  it('hello: entry, a source breakpoint, registers, line and instruction steps, step out, COM1 output, exit', async () => {
    const bpLine = lineOf(HELLO, 'call serial_puts');
    let bpResponse: DebugProtocol.SetBreakpointsResponse | undefined;
    await start(client, { program: HELLO, stopOnEntry: true }, async (c) => {
      bpResponse = await c.ok<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: HELLO }, breakpoints: [{ line: bpLine }] });
    });
    assert.equal(bpResponse!.body.breakpoints[0].verified, true);
    assert.equal(bpResponse!.body.breakpoints[0].line, bpLine);
    const entry = await client.stopped(0);
    assert.equal(entry.body.reason, 'entry');
    // The multiboot entry point: the first instruction of `start` (EAX = 0x2BADB002, Multiboot §3.2).
    let regs = await registers(client);
    assert.equal(regs.get('EAX'), hex8(0x2badb002));
    assert.equal((await topFrame(client)).line, lineOf(HELLO, 'mov esp, stack_top'));

    let from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    const bp = await client.stopped(from);
    assert.equal(bp.body.reason, 'breakpoint');
    assert.deepEqual(bp.body.hitBreakpointIds, [bpResponse!.body.breakpoints[0].id]);
    assert.equal((await topFrame(client)).line, bpLine);
    regs = await registers(client);
    // `mov esi, message` ran: ESI holds the label's address, which the console evaluates the same.
    assert.equal(regs.get('ESI'), (await evaluate(client, 'message')).split(' ')[0]);

    // Step in by line enters serial_puts; its first line is `lodsb` (the `.next:` label emits nothing).
    from = client.events.length;
    await client.ok('stepIn', { threadId: 1 });
    await client.stopped(from);
    assert.equal((await topFrame(client)).line, lineOf(HELLO, '        lodsb'));
    // Instruction granularity: one instruction, `test al, al`.
    from = client.events.length;
    await client.ok('stepIn', { threadId: 1, granularity: 'instruction' });
    await client.stopped(from);
    assert.equal((await topFrame(client)).line, lineOf(HELLO, 'test al, al'));
    // AL = 'H' after lodsb (the message starts "Hello").
    regs = await registers(client);
    assert.equal(Number(regs.get('EAX')) & 0xff, 'H'.charCodeAt(0));
    // next (line) over `test al, al` lands on `jz .done`.
    from = client.events.length;
    await client.ok('next', { threadId: 1 });
    await client.stopped(from);
    assert.equal((await topFrame(client)).line, lineOf(HELLO, 'jz .done'));
    // Step out returns after `call serial_puts`: `mov al, EXIT_SUCCESS`.
    from = client.events.length;
    await client.ok('stepOut', { threadId: 1 });
    await client.stopped(from);
    assert.equal((await topFrame(client)).line, lineOf(HELLO, 'mov al, EXIT_SUCCESS'));

    from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    const exited = await client.event<DebugProtocol.ExitedEvent>('exited', () => true, from);
    await client.event('terminated', () => true, from);
    assert.equal(exited.body.exitCode, 0x10); // EXIT_SUCCESS written to isa-debug-exit
    const stdout = client.events.filter((e) => e.event === 'output' && (e as DebugProtocol.OutputEvent).body.category === 'stdout')
      .map((e) => (e as DebugProtocol.OutputEvent).body.output).join('');
    assert.equal(stdout, 'Hello from ring 0!\r\n');
    await client.ok('disconnect', {});
  });

  it('hit conditions < N, <= N, = N, == N and === N are accepted as VS Code\'s JavaScript debugger accepts them, and stop on those hits', async () => {
    // vscode-js-debug's hit conditions (breakpoints/conditions/hitCondition.ts): an operator among >, >=, =, ==, ===,
    // <, <=, % and a count, compared with the hits so far. inner's nop is hit with EAX = 3, 2, 1 (bump(3), bump(2), bump(1)).
    const cases: [string, number[]][] = [['< 3', [3, 2]], ['<= 2', [3, 2]], ['<1', []], ['= 2', [2]], ['== 3', [1]], ['=== 1', [3]]];
    for (const [hitCondition, eaxAtStops] of cases) {
      if (client.received.length > 0) {
        client.kill();
        assert.deepEqual(client.invalid, [], 'messages that do not match the DAP schema');
        client = new DapClient();
      }
      let set: DebugProtocol.SetBreakpointsResponse | undefined;
      await start(client, { program: FRAMES }, async (c) => {
        set = await c.ok<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   '), hitCondition }] });
      });
      assert.equal(set?.body.breakpoints[0].verified, true, `${hitCondition}: ${set?.body.breakpoints[0].message}`);
      const seen: number[] = [];
      // (One waiter for the exit: the client gives each event to the first waiter for it.)
      const exited = client.event('exited', () => true, 0);
      for (let from = 0; ;) {
        const e = await Promise.race([client.stopped(from), exited]);
        if (e.event === 'exited') break;
        seen.push(Number((await registers(client)).get('EAX')));
        from = client.events.length;
        await client.ok('continue', { threadId: 1 });
      }
      assert.deepEqual(seen, eaxAtStops, hitCondition);
    }
  });

  it('launch with program naming a folder is refused saying it is a directory, as QEMU\'s -kernel refuses one', async () => {
    // qemu-system-i386 -kernel FOLDER (record-program-folder-qemu.sh): "could not load kernel 'FOLDER': Is a directory".
    assert.match(fs.readFileSync(path.join(FIXTURES, 'program-folder.qemu.txt'), 'utf8'), /^qemu: could not load kernel 'FOLDER': Is a directory$/m);
    for (const folder of [FIXTURES, path.join(os.tmpdir(), `ringside-dapS-${process.pid}.bin`)]) {
      fs.mkdirSync(folder, { recursive: true });
      const c = new DapClient();
      try {
        await c.ok('initialize', { adapterID: 'ringside', pathFormat: 'path' });
        const r = await c.request('launch', { program: folder });
        assert.equal(r.success, false, folder);
        assert.ok(r.message?.startsWith(`program ${folder} is a directory`), r.message);
        assert.doesNotMatch(r.message ?? '', /multiboot header/);
        assert.deepEqual(c.invalid, []);
      } finally {
        c.kill();
        if (folder !== FIXTURES) fs.rmdirSync(folder);
      }
    }
  });

  it('a 200,000-character condition or hit condition is quoted by its start and length in a message, not whole', async () => {
    // Breakpoint.message in the schema is "shown to the user": a line, not the pasted text back.
    assert.match((schema.definitions.Breakpoint as { properties: Record<string, { description: string }> }).properties.message.description, /shown to the user/);
    const long = `eax == ${'1 + '.repeat(50_000)}`;
    const unknown = `0x${'0'.repeat(200_000)}1 + no_such_label`;
    let set: DebugProtocol.SetBreakpointsResponse | undefined;
    await start(client, { program: FRAMES }, async (c) => {
      set = await c.ok<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: FRAMES }, breakpoints: [
        { line: lineOf(FRAMES, 'nop   '), condition: long },
        { line: lineOf(FRAMES, 'nop   '), hitCondition: `>= ${'9'.repeat(200_000)}x` },
        { line: lineOf(FRAMES, 'add [counter], eax'), condition: unknown },
      ] });
    });
    const [bad, badHit] = set?.body.breakpoints ?? [];
    assert.equal(bad.verified, false);
    // The message still says what is wrong and where (the column).
    assert.match(bad.message ?? '', new RegExp(`^condition \`eax == 1 \\+ 1 .*\\.\\.\\.' \\(${long.length} characters\\): .* at column \\d+$`));
    assert.ok((bad.message ?? '').length < 300, `${(bad.message ?? '').length} characters`);
    assert.equal(badHit.verified, false);
    assert.ok((badHit.message ?? '').length < 300, `${(badHit.message ?? '').length} characters`);
    // A condition that parses but has no value where it is hit: the stop says so, briefly too.
    const stopped = await client.stopped(0);
    assert.ok((stopped.body.description ?? '').length < 400, `${(stopped.body.description ?? '').length} characters`);
    assert.match(stopped.body.description ?? '', /could not be evaluated here \(unknown register or symbol `no_such_label'\)/);
    // A 200,000-character name: the condition parses, and neither it nor the name comes back whole, at the stop or from evaluate.
    const name = `x${'y'.repeat(199_999)}`;
    await client.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   '), condition: name }] });
    const from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    const next = await client.stopped(from);
    assert.ok((next.body.description ?? '').length < 400, `${(next.body.description ?? '').length} characters`);
    assert.match(next.body.description ?? '', /unknown register or symbol `xyy+\.\.\.' \(200000 characters\)/);
    const r = await client.request('evaluate', { expression: name, context: 'watch' });
    assert.equal(r.success, false);
    assert.ok((r.message ?? '').length < 400, `${(r.message ?? '').length} characters`);
    const unexpected = await client.request('evaluate', { expression: `1 ${name}`, context: 'watch' });
    assert.ok((unexpected.message ?? '').length < 400, `${(unexpected.message ?? '').length} characters`);
  });

  it('a log point whose condition cannot be evaluated does not stop and logs saying the condition could not be evaluated', async () => {
    // The schema: with a logMessage "the debug adapter must not 'break' (stop) but log the message instead".
    const logMessage = (schema.definitions.SourceBreakpoint as { properties: Record<string, { description: string }> }).properties.logMessage.description;
    assert.match(logMessage, /must not 'break' \(stop\)\s+but log the message instead/);
    // `.again' is start's local label: in inner it names nothing (inner.again), so the condition has no value there.
    await start(client, { program: FRAMES }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   '), condition: '.again == 0', logMessage: 'x' }] });
    });
    const exited = await client.event<DebugProtocol.ExitedEvent>('exited');
    assert.equal(exited.body.exitCode, 6);
    assert.equal(client.events.filter((e) => e.event === 'stopped').length, 0);
    const logs = client.events.filter((e) => e.event === 'output' && (e as DebugProtocol.OutputEvent).body.category === 'console')
      .map((e) => (e as DebugProtocol.OutputEvent).body.output).filter((l) => !l.startsWith('guest wrote'));
    // inner runs three times (bump(3), bump(2), bump(1)).
    assert.equal(logs.length, 3, logs.join(''));
    for (const log of logs) assert.match(log, /^the condition `\.again == 0' could not be evaluated here \(.*\.again.*\), so it logged: x\n$/);
  });

  it('frames: stack trace through EBP frames, data breakpoint on the counter, conditional, hit-count and log breakpoints', async () => {
    const nopLine = lineOf(FRAMES, 'nop   ');
    const addLine = lineOf(FRAMES, 'add [counter], eax');
    let setBps: DebugProtocol.SetBreakpointsResponse | undefined;
    await start(client, { program: FRAMES, stopOnEntry: false }, async (c) => {
      setBps = await c.ok<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', {
        source: { path: FRAMES },
        breakpoints: [
          { line: nopLine, hitCondition: '2' },                       // the second call of inner
          { line: addLine, logMessage: 'bump adds {eax}' },           // never stops
        ],
      });
    });
    const first = await client.stopped(0);
    assert.equal(first.body.reason, 'breakpoint');
    assert.deepEqual(first.body.hitBreakpointIds, [setBps!.body.breakpoints[0].id]);
    // Second call: bump(2) (ECX counts 3, 2, 1), so the argument at [ebp+8] of bump... and EAX = 2.
    const regs = await registers(client);
    assert.equal(regs.get('EAX'), hex8(2));
    const st = await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
    // Callers are named by the label their return address follows (bump+0xb, start.again+0x6), their
    // line is the call's; the exact return addresses are the instruction pointer references:
    // push ebp (1) + mov ebp, esp (2) + mov eax, [ebp+8] (3) + call (5) = bump+0xb; push ecx (1) + call (5) = .again+6.
    assert.deepEqual(st.body.stackFrames.map((f) => f.name), ['inner+0x3', 'bump', 'start.again']);
    const address = async (e: string): Promise<number> => Number((await evaluate(client, e)).split(' ')[0]);
    assert.deepEqual(st.body.stackFrames.slice(1).map((f) => Number(f.instructionPointerReference)), [await address('bump') + 0xb, await address('start.again') + 6]);
    assert.deepEqual(st.body.stackFrames.map((f) => f.line), [nopLine, lineOf(FRAMES, 'call inner'), lineOf(FRAMES, 'call bump')]);
    assert.ok(st.body.stackFrames.every((f) => /^0x[0-9a-f]{8}$/.test(f.instructionPointerReference ?? '')));
    // The first log point ran once (bump(3) before this stop).
    const logs = client.events.filter((e) => e.event === 'output' && (e as DebugProtocol.OutputEvent).body.category === 'console')
      .map((e) => (e as DebugProtocol.OutputEvent).body.output);
    assert.deepEqual(logs, ['bump adds 0x3\n']);

    // Data breakpoint on `counter` fires on the write by `add [counter], eax`.
    const info = await client.ok<DebugProtocol.DataBreakpointInfoResponse>('dataBreakpointInfo', { name: 'counter' });
    assert.ok(info.body.dataId !== null);
    const setData = await client.ok<DebugProtocol.SetDataBreakpointsResponse>('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }] });
    assert.equal(setData.body.breakpoints[0].verified, true);
    await client.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [] });
    let from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    const data = await client.stopped(from);
    assert.equal(data.body.reason, 'data breakpoint');
    assert.deepEqual(data.body.hitBreakpointIds, [setData.body.breakpoints[0].id]);
    // Stopped after the writing instruction: counter = 3 + 2, next line `pop ebp`.
    assert.equal((await evaluate(client, '[counter]')).split(' ')[1], '(5)');
    assert.equal((await topFrame(client)).line, lineOf(FRAMES, 'pop ebp'));

    // Conditional breakpoint: only when EAX == 1 (the third call).
    await client.ok('setDataBreakpoints', { breakpoints: [] });
    await client.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: addLine, condition: 'eax == 1' }] });
    from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    await client.stopped(from);
    assert.equal((await registers(client)).get('EAX'), hex8(1));
    assert.equal((await evaluate(client, '[counter]')).split(' ')[1], '(5)');

    from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    const exited = await client.event<DebugProtocol.ExitedEvent>('exited', () => true, from);
    assert.equal(exited.body.exitCode, 6); // QEMU exits 13 = (6 << 1) | 1 for the same guest
  });

  it('hover and watch read a .local label as the code at EIP names it: the one of the label before it (NASM manual §3.9)', async () => {
    await start(client, { program: FRAMES }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'loop .again') }] });
    });
    await client.stopped(0);
    // In `start`: `.again` is start.again, its full name.
    for (const context of ['hover', 'watch', 'repl']) {
      const r = await client.ok<DebugProtocol.EvaluateResponse>('evaluate', { expression: '.again', context });
      assert.equal(r.body.result, await evaluate(client, 'start.again'), context);
    }
    await client.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   ') }] });
    const from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    await client.stopped(from);
    // In `inner`, which has no .again: none.
    assert.equal((await topFrame(client)).line, lineOf(FRAMES, 'nop   '));
    assert.equal((await client.request('evaluate', { expression: '.again', context: 'hover' })).success, false);
  });

  it('scopes of a frame id the stack trace did not give is an error, not the live registers (ScopesArguments.frameId)', async () => {
    await start(client, { program: FRAMES }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   ') }] });
    });
    await client.stopped(0);
    const st = await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
    const ids = new Set(st.body.stackFrames.map((f) => f.id));
    // The schema: "The `frameId` must have been obtained in the current suspended state"; 99 was not.
    assert.ok(!ids.has(99));
    const r = await client.request<DebugProtocol.ScopesResponse>('scopes', { frameId: 99 });
    assert.equal(r.success, false, `scopes of frame 99 answered ${JSON.stringify(r.body)}`);
    assert.match(r.message ?? '', /frame/);
    assert.match(r.message ?? '', /99/);
  });

  it('a frame id from an earlier stop names no frame of the next stop: scopes and evaluate refuse it, saying so', async () => {
    // The schema (ScopesArguments.frameId): "The `frameId` must have been obtained in the current suspended state".
    const lifetime = (schema.definitions.ScopesArguments as { properties: { frameId: { description: string } } }).properties.frameId.description;
    assert.match(lifetime, /must have been obtained in the current suspended state/);
    await start(client, { program: FRAMES }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   ') }] });
    });
    await client.stopped(0);
    const before = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
    assert.deepEqual(before.map((f) => f.name), ['inner+0x3', 'bump', 'start.again']);
    // The same breakpoint again, in bump(2): the same three routines at the same depths.
    const from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    await client.stopped(from);
    const after = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
    assert.deepEqual(after.map((f) => f.name), ['inner+0x3', 'bump', 'start.again']);
    assert.deepEqual(after.filter((f) => before.some((b) => b.id === f.id)), [], 'frame ids given again in the next stop');
    for (const stale of before) {
      const scopes = await client.request('scopes', { frameId: stale.id });
      assert.equal(scopes.success, false, `scopes of frame ${stale.id} from the earlier stop answered ${JSON.stringify(scopes.body)}`);
      assert.match(scopes.message ?? '', new RegExp(`frame id ${stale.id} is from an earlier stop`));
      const ev = await client.request('evaluate', { expression: 'esp', frameId: stale.id, context: 'watch' });
      assert.equal(ev.success, false, `esp in frame ${stale.id} from the earlier stop answered ${JSON.stringify(ev.body)}`);
      assert.match(ev.message ?? '', /from an earlier stop/);
    }
    // This stop's ids work, again and again while it lasts.
    for (let i = 0; i < 2; i++) assert.equal((await client.request('scopes', { frameId: after[1].id })).success, true);
  });

  it('a .local subroutine the entry routine called has it as its caller at its entry, and steps out to it: that is no outermost frame', async () => {
    const guest = path.join(ROOT, 'test', 'protocol', 'fixtures', 'local-call.asm');
    const rows = listedRows(guest.replace(/\.asm$/, '.lst'));
    const at = (text: string): string => hex8(0x100000 + (rows.find((r) => r.text === text)?.offset ?? NaN));
    await start(client, { program: guest }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: guest }, breakpoints: [{ line: lineOf(guest, 'xor ebx, ebx') }, { line: lineOf(guest, 'mov bl, 7') }] });
    });
    await client.stopped(0);
    // At its first instruction the return address on top of the stack follows a call of it: start is its caller, at that call.
    const entered = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
    assert.deepEqual(entered.map((f) => f.instructionPointerReference), [at('xor ebx, ebx'), at('mov al, bl')]);
    assert.equal(entered[1].line, lineOf(guest, 'call .helper'));
    let from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    await client.stopped(from);
    assert.equal((await topFrame(client)).instructionPointerReference, at('mov bl, 7'));
    from = client.events.length;
    await client.ok('stepOut', { threadId: 1 });
    await client.stopped(from);
    // Where nasm put the instruction after `call .helper`.
    assert.equal((await topFrame(client)).instructionPointerReference, at('mov al, bl'));
  });

  it('a data breakpoint\'s hit condition skips the hits before it, as a gdb watchpoint\'s ignore count does', async () => {
    // gdb on QEMU 7.2, `watch` on counter with `ignore 1 1` (record-frames-qemu.sh): where it stops, and counter there.
    const gdb = /^stopped: eip=(\w+) counter=(\d+)$/m.exec(fs.readFileSync(path.join(FIXTURES, 'frames-watch.qemu.txt'), 'utf8'));
    assert.ok(gdb !== null);
    await start(client, { program: FRAMES, stopOnEntry: true });
    await client.stopped(0);
    const info = await client.ok<DebugProtocol.DataBreakpointInfoResponse>('dataBreakpointInfo', { name: 'counter' });
    // DataBreakpoint.hitCondition: "An expression that controls how many hits of the breakpoint are ignored."
    const set = await client.ok<DebugProtocol.SetDataBreakpointsResponse>('setDataBreakpoints', {
      breakpoints: [{ dataId: info.body.dataId, accessType: 'write', hitCondition: '2' }],
    });
    assert.equal(set.body.breakpoints[0].verified, true);
    const from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    const stop = await client.stopped(from);
    assert.equal(stop.body.reason, 'data breakpoint');
    assert.equal((await topFrame(client)).instructionPointerReference, `0x${gdb[1]}`);
    assert.equal((await evaluate(client, '[counter]')).split(' ')[1], `(${gdb[2]})`);
    // One that cannot be read is not set, and says why.
    const bad = await client.ok<DebugProtocol.SetDataBreakpointsResponse>('setDataBreakpoints', {
      breakpoints: [{ dataId: info.body.dataId, accessType: 'write', hitCondition: 'twice' }],
    });
    assert.equal(bad.body.breakpoints[0].verified, false);
    assert.match(bad.body.breakpoints[0].message ?? '', /hit condition `twice'/);
  });

  it('a breakpoint whose condition cannot be evaluated where it is hit stops, and says why, as gdb does', async () => {
    // gdb on QEMU 7.2 (record-frames-qemu.sh): "Error in testing breakpoint condition:", its reason, and the stop there.
    const gdb = fs.readFileSync(path.join(FIXTURES, 'frames-condition.qemu.txt'), 'utf8');
    assert.match(gdb, /^Error in testing breakpoint condition:$/m);
    const stoppedAt = `0x${/^stopped: eip=(\w+)$/m.exec(gdb)?.[1]}`;
    // `.again' is start's local label: inner, where the breakpoint is, has none (NASM manual §3.9).
    await start(client, { program: FRAMES }, async (c) => {
      const set = await c.ok<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   '), condition: '.again == 0' }] });
      assert.equal(set.body.breakpoints[0].verified, true);
    });
    const stop = await client.stopped(0);
    assert.equal(stop.body.reason, 'breakpoint');
    assert.equal((await topFrame(client)).instructionPointerReference, stoppedAt);
    const said = client.events.filter((e) => e.event === 'output').map((e) => (e as DebugProtocol.OutputEvent).body.output).join('');
    assert.match(said, /the condition `\.again == 0' could not be evaluated here \(.*\.again.*\), so it stopped/);
    assert.match(stop.body.text ?? '', /could not be evaluated/);
  });

  it('evaluate gives a register\'s or a memory reference\'s value the type of its size as nasm sizes the operand, and a computed value dword', async () => {
    // nasm 2.16.01's bytes for `mov OPERAND, 1` (record-operand-sizes-nasm.sh): B0+r / C6 are 8-bit MOVs,
    // B8+r / C7 16-bit after a 66 prefix and 32-bit without (SDM Vol. 2 MOV).
    const sizes = fs.readFileSync(path.join(FIXTURES, 'operand-sizes.nasm.txt'), 'utf8').split('\n')
      .map((l) => /^([^#:]+): ([0-9a-f ]+)$/.exec(l)).filter((m) => m !== null).map((m) => {
        const bytes = m[2].split(' ').map((b) => parseInt(b, 16));
        const op = bytes[0] === 0x66 ? bytes[1] : bytes[0];
        const type = (op >= 0xb0 && op <= 0xb7) || op === 0xc6 ? 'byte' : bytes[0] === 0x66 ? 'word' : 'dword';
        return [m[1], type] as const;
      });
    assert.equal(sizes.length, 15);
    await start(client, { program: FRAMES }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   ') }] });
    });
    await client.stopped(0);
    const typeOf = async (expression: string): Promise<string | undefined> =>
      (await client.ok<DebugProtocol.EvaluateResponse>('evaluate', { expression, context: 'watch' })).body.type;
    for (const [operand, type] of sizes) {
      // (The memory references at the guest's counter rather than nasm's 0x1000, which it need not map.)
      assert.equal(await typeOf(operand.replace('0x1000', 'counter')), type, operand);
    }
    assert.equal(await typeOf('al + 1'), 'dword', 'a value computed in 32 bits');
  });

  it('setExpression stores into memory references in their sizes as nasm lays the values out, and sets registers of the innermost frame', async () => {
    const stores = fs.readFileSync(path.join(ROOT, 'test', 'protocol', 'fixtures', 'set-expression-stores.bin'));
    const init = await start(client, { program: FRAMES }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   ') }] });
    });
    assert.equal(init.body?.supportsSetExpression, true);
    await client.stopped(0);
    const read = async (expression: string, count: number): Promise<Buffer> => {
      const at = (await evaluate(client, expression)).split(' ')[0];
      return Buffer.from((await client.ok<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: at, count })).body?.data ?? '', 'base64');
    };
    for (const [expression, value] of [['dword [counter]', '0x12345678'], ['word [done_msg]', '0xbeef'], ['byte [done_msg+2]', '0x7f']]) {
      const r = await client.ok<DebugProtocol.SetExpressionResponse>('setExpression', { expression, value, context: 'watch' });
      assert.equal(r.body.value.split(' ')[0], hex8(Number(value)), expression);
    }
    assert.deepEqual(await read('counter', 4), stores.subarray(0, 4));
    assert.deepEqual(await read('done_msg', 3), stores.subarray(4, 7));
    // A register: AL is EAX's low byte (SDM Vol. 1 §3.4.1); EAX is 3 here (bump(3)).
    assert.equal(await evaluate(client, 'eax'), `${hex8(3)} (3)`);
    await client.ok('setExpression', { expression: 'al', value: '0x7f' });
    assert.equal(await evaluate(client, 'eax'), `${hex8(0x7f)} (127)`);
    // In a caller's frame, memory is the guest's as ever; its registers are not the CPU's, and are refused.
    const frames = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
    await client.ok('setExpression', { expression: 'dword [counter]', value: '7', frameId: frames[1].id });
    assert.equal((await evaluate(client, '[counter]')).split(' ')[1], '(7)');
    for (const [args, message] of [
      [{ expression: 'ebp', value: '0', frameId: frames[1].id }, /innermost frame only/],
      [{ expression: 'eax + 1', value: '2' }, /only a register or a memory reference/],
      [{ expression: 'nosuch', value: '2' }, /unknown register `nosuch'/],
      [{ expression: 'eax', value: '1 +' }, /`1 \+'/],
    ] as const) {
      const r = await client.request('setExpression', args);
      assert.equal(r.success, false, JSON.stringify(args));
      assert.match(r.message ?? '', message);
    }
    assert.equal(await evaluate(client, 'eax'), `${hex8(0x7f)} (127)`);
  });

  it('the Debug Console assigns `TARGET = VALUE` as setExpression does: memory in its size as nasm lays the values out, registers of the innermost frame', async () => {
    const stores = fs.readFileSync(path.join(ROOT, 'test', 'protocol', 'fixtures', 'set-expression-stores.bin'));
    await start(client, { program: FRAMES }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   ') }] });
    });
    await client.stopped(0);
    const read = async (expression: string, count: number): Promise<Buffer> => {
      const at = (await evaluate(client, expression)).split(' ')[0];
      return Buffer.from((await client.ok<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: at, count })).body?.data ?? '', 'base64');
    };
    for (const [assignment, value] of [['dword [counter] = 0x12345678', 0x12345678], ['word [done_msg]=0xbeef', 0xbeef], ['byte [done_msg+2] = 0x7f', 0x7f]] as const) {
      assert.equal((await evaluate(client, assignment)).split(' ')[0], hex8(value), assignment);
    }
    assert.deepEqual(await read('counter', 4), stores.subarray(0, 4));
    assert.deepEqual(await read('done_msg', 3), stores.subarray(4, 7));
    // AL is EAX's low byte (SDM Vol. 1 §3.4.1); EAX is 3 here (bump(3)). Comparisons stay comparisons.
    assert.equal(await evaluate(client, 'eax == 3'), `${hex8(1)} (1)`);
    assert.equal(await evaluate(client, 'al = 0x7f'), `${hex8(0x7f)} (127)`);
    assert.equal(await evaluate(client, 'eax'), `${hex8(0x7f)} (127)`);
    for (const [comparison, result] of [['eax != 0x7f', 0], ['eax <= 0x7f', 1], ['eax >= 0x80', 0]] as const) {
      assert.equal(await evaluate(client, comparison), `${hex8(result)} (${result})`, comparison);
    }
    const frames = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
    const refused = await client.request('evaluate', { expression: 'ebp = 0', frameId: frames[1].id, context: 'repl' });
    assert.equal(refused.success, false);
    assert.match(refused.message ?? '', /innermost frame only/);
    // Only the console assigns: a watch is read, never written.
    assert.equal((await client.request('evaluate', { expression: 'eax = 5', context: 'watch' })).success, false);
    assert.equal(await evaluate(client, 'eax'), `${hex8(0x7f)} (127)`);
  });

  it('a variables reference from an earlier stop names nothing in the next: variables and setVariable refuse it', async () => {
    // The schema (VariablesArguments.variablesReference points to the Overview's "Lifetime of Object References").
    const described = (schema.definitions.VariablesArguments as { properties: { variablesReference: { description: string } } }).properties.variablesReference.description;
    assert.match(described, /Lifetime of Object References/);
    await start(client, { program: FRAMES }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   ') }] });
    });
    await client.stopped(0);
    const scopesOf = async (depth: number): Promise<DebugProtocol.Scope[]> => {
      const frames = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
      return (await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: frames[depth].id })).body.scopes;
    };
    // bump's frame (its EIP, ESP and EBP) in the first stop; the innermost frame's registers in the next.
    const [bumpFrame] = await scopesOf(1);
    const from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    await client.stopped(from);
    const now = await scopesOf(0);
    assert.deepEqual(now.filter((s) => s.variablesReference === bumpFrame.variablesReference), [], 'a reference given again in the next stop');
    const eaxBefore = await evaluate(client, 'eax');
    const vars = await client.request('variables', { variablesReference: bumpFrame.variablesReference });
    assert.equal(vars.success, false, `variables of bump's Frame scope from the earlier stop answered ${JSON.stringify(vars.body)}`);
    assert.match(vars.message ?? '', new RegExp(`variables reference ${bumpFrame.variablesReference} is from an earlier stop`));
    const set = await client.request('setVariable', { variablesReference: bumpFrame.variablesReference, name: 'EAX', value: '0x1234' });
    assert.equal(set.success, false, 'setVariable through a reference from an earlier stop changed a register');
    assert.match(set.message ?? '', /from an earlier stop/);
    assert.equal(await evaluate(client, 'eax'), eaxBefore);
  });

  it('the call stack has the caller of a routine stopped before its frame is linked or after it is unlinked, with the registers QEMU has after each ret', async () => {
    // QEMU 7.2 stepping the same guest under gdb (record-frames-qemu.sh): EIP, ESP and EBP at each point.
    const qemu = new Map<string, number[]>();
    for (const line of fs.readFileSync(path.join(FIXTURES, 'frames-unwind.qemu.txt'), 'utf8').split('\n')) {
      const m = /^([a-z ]+): eip=(\w+) esp=(\w+) ebp=(\w+)$/.exec(line);
      if (m !== null) qemu.set(m[1], [m[2], m[3], m[4]].map((v) => Number(`0x${v}`)));
    }
    const at = (point: string): number[] => { const r = qemu.get(point); assert.ok(r, point); return r; };
    await start(client, { program: FRAMES }, async (c) => {
      await c.ok('setFunctionBreakpoints', { breakpoints: [{ name: 'inner' }] });
    });
    await client.stopped(0);
    await client.ok('setFunctionBreakpoints', { breakpoints: [] });
    const value = async (expression: string, frameId: number): Promise<number> =>
      Number((await client.ok<DebugProtocol.EvaluateResponse>('evaluate', { expression, frameId, context: 'watch' })).body.result.split(' ')[0]);
    const registersOf = async (frameId: number): Promise<number[]> => [await value('eip', frameId), await value('esp', frameId), await value('ebp', frameId)];
    const stepInstructions = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const from = client.events.length;
        await client.ok('stepIn', { threadId: 1, granularity: 'instruction' });
        await client.stopped(from);
      }
    };
    // Each point, the steps to it from the last, and the callers the stack must show there (as the CPU has them once each returns).
    const points: [string, number, string[]][] = [
      ['inner entry', 0, ['bump after inner returned', 'start after bump returned']],
      ['inner after push ebp', 1, ['bump after inner returned', 'start after bump returned']],
      ['inner at ret', 3, ['bump after inner returned', 'start after bump returned']],
      ['bump after inner returned', 1, ['start after bump returned']],
      ['bump at ret', 2, ['start after bump returned']],
    ];
    for (const [point, steps, callers] of points) {
      await stepInstructions(steps);
      const frames = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
      assert.deepEqual(await registersOf(frames[0].id), at(point), `${point}: the live registers`);
      assert.equal(frames.length, 1 + callers.length, `${point}: ${frames.map((f) => f.name).join(' <- ')}`);
      for (const [i, caller] of callers.entries()) {
        assert.deepEqual(await registersOf(frames[i + 1].id), at(caller), `${point}: frame ${i + 1} (${frames[i + 1].name}) as ${caller}`);
      }
    }
  });

  it('routines that keep no EBP frame and push registers have their callers in the stack, with the registers QEMU has after each ret', async () => {
    // QEMU 7.2 under gdb (record-kernel-stack-qemu.sh): the example kernel in serial_putc's wait loop the
    // first time, then just after serial_putc returns into serial_puts and just after serial_puts returns into start.
    const qemu = fs.readFileSync(path.join(FIXTURES, 'kernel-stack.qemu.txt'), 'utf8').split('\n')
      .map((l) => /^[a-z_ ]+: eip=(\w+) esp=(\w+) ebp=(\w+)$/.exec(l)).filter((m) => m !== null).map((m) => m.slice(1).map((v) => Number(`0x${v}`)));
    assert.equal(qemu.length, 3);
    await start(client, { program: KERNEL, includePaths: KERNEL_INCLUDES }, async (c) => {
      await c.ok('setInstructionBreakpoints', { breakpoints: [{ instructionReference: hex8(qemu[0][0]) }] });
    });
    await client.stopped(0);
    const frames = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
    assert.deepEqual(frames.map((f) => f.name), ['serial_putc.wait', 'serial_puts.next', 'start.multiboot_ok']);
    const value = async (expression: string, frameId: number): Promise<number> =>
      Number((await client.ok<DebugProtocol.EvaluateResponse>('evaluate', { expression, frameId, context: 'watch' })).body.result.split(' ')[0]);
    for (const [i, frame] of frames.entries()) {
      assert.deepEqual([await value('eip', frame.id), await value('esp', frame.id), await value('ebp', frame.id)], qemu[i], frame.name);
    }
    // EBP is 0 in every frame in QEMU: there is no EBP chain, so a register a caller has no value for is not said to be lost to one.
    assert.ok(qemu.every(([, , ebp]) => ebp === 0));
    for (const frame of frames.slice(1)) {
      const r = await client.request('evaluate', { expression: 'ecx', frameId: frame.id, context: 'watch' });
      assert.equal(r.success, false, frame.name);
      assert.match(r.message ?? '', /^ecx is not known in frame \d \(.*\): a return address found on the stack gives only/, frame.name);
      assert.doesNotMatch(r.message ?? '', /EBP chain/, frame.name);
    }
  });

  it('inside an interrupt or exception handler the code it interrupted is the next frame, with the EIP and ESP QEMU had there', async () => {
    // QEMU 7.2 under gdb (record-interrupted-qemu.sh): the example kernel at start's faulting mov and in
    // exception_common after its PUSHAD (the #PF; the int3's #BP reaches it first), then at user_entry's first
    // INT 0x80 and in syscall_entry at its `cmp`.
    const qemu = new Map(fs.readFileSync(path.join(FIXTURES, 'interrupted.qemu.txt'), 'utf8').split('\n')
      .map((l) => /^([a-z_ ]+): eip=(\w+) esp=(\w+)$/.exec(l)).filter((m) => m !== null)
      .map((m) => [m[1], [Number(`0x${m[2]}`), Number(`0x${m[3]}`)]] as [string, number[]]));
    const at = (point: string): number[] => { const r = qemu.get(point); assert.ok(r, point); return r; };
    await start(client, { program: KERNEL, includePaths: KERNEL_INCLUDES }, async (c) => {
      await c.ok('setInstructionBreakpoints', { breakpoints: [
        { instructionReference: hex8(at('exception_common after pushad')[0]), hitCondition: '2' },
        { instructionReference: hex8(at('syscall_entry at cmp')[0]) },
      ] });
    });
    const value = async (expression: string, frameId: number): Promise<number> =>
      Number((await client.ok<DebugProtocol.EvaluateResponse>('evaluate', { expression, frameId, context: 'watch' })).body.result.split(' ')[0]);
    await client.stopped(0);
    let frames = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
    assert.deepEqual([await value('eip', frames[0].id), await value('esp', frames[0].id)], at('exception_common after pushad'));
    // A #PF is a fault: the frame the CPU pushed holds the faulting instruction itself, ESP as it was (same ring).
    assert.deepEqual(frames.map((f) => f.name), ['exception_common+0x1', '<exception> start.multiboot_ok+0x138']);
    assert.deepEqual([await value('eip', frames[1].id), await value('esp', frames[1].id)], at('start at the faulting mov'));
    assert.equal(frames[1].line, lineOf(KERNEL, 'mov dword [DEMAND_BASE]'));
    const ebp = await client.request('evaluate', { expression: 'ebp', frameId: frames[1].id, context: 'watch' });
    assert.equal(ebp.success, false);
    assert.match(ebp.message ?? '', /ebp is not known in frame 1 .*interrupt frame/);
    const from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    await client.stopped(from);
    frames = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
    assert.deepEqual([await value('eip', frames[0].id), await value('esp', frames[0].id)], at('syscall_entry at cmp'));
    // INT n is a trap: the frame holds the instruction after it (CD 80, two bytes in nasm's listing), and from
    // ring 3 the user ESP, which the CPU pushed before switching to TSS.ESP0 (SDM Vol. 3A §6.12.1).
    assert.deepEqual(frames.map((f) => f.name), ['syscall_entry+0xb', '<interrupt 0x80> user_entry+0x11']);
    const [userInt, userEsp] = at('user_entry at int');
    assert.deepEqual([await value('eip', frames[1].id), await value('esp', frames[1].id)], [userInt + 2, userEsp]);
  });

  it('step out in the outermost frame is refused, saying why, and the guest stays where it is, as gdb\'s finish there', async () => {
    // gdb on QEMU 7.2 in start after its `xor ebp, ebp` (record-frames-qemu.sh): a backtrace of one
    // frame, `"finish" not meaningful in the outermost frame.`, and EIP as it was.
    const gdb = fs.readFileSync(path.join(FIXTURES, 'frames-finish.qemu.txt'), 'utf8');
    const eip = (what: string): string => `0x${/^(?:before|after) finish: eip=(\w+)$/m.exec(gdb.split('\n').find((l) => l.startsWith(what)) ?? '')?.[1]}`;
    assert.match(gdb, /^"finish" not meaningful in the outermost frame\.$/m);
    assert.equal(gdb.split('\n').filter((l) => /^#\d/.test(l)).length, 1);
    await start(client, { program: FRAMES, stopOnEntry: true });
    await client.stopped(0);
    for (let i = 0; i < 2; i++) {
      const from = client.events.length;
      await client.ok('stepIn', { threadId: 1, granularity: 'instruction' });
      await client.stopped(from);
    }
    const st = await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
    assert.deepEqual(st.body.stackFrames.map((f) => f.instructionPointerReference), [eip('before finish')]);
    const from = client.events.length;
    const out = await client.request('stepOut', { threadId: 1 });
    assert.equal(out.success, false, 'step out in the outermost frame ran the guest');
    assert.match(out.message ?? '', /cannot step out of start: it is the outermost frame/);
    assert.equal((await topFrame(client)).instructionPointerReference, eip('after finish'));
    // Nothing ran: the guest goes on from there to its end (counter 6) when continued.
    await client.ok('continue', { threadId: 1 });
    const exited = await client.event<DebugProtocol.ExitedEvent>('exited', () => true, from);
    assert.equal(exited.body.exitCode, 6);
    assert.equal(client.events.slice(from).filter((e) => e.event === 'stopped').length, 0);
  });

  it('evaluate in a caller frame reads its EIP, ESP and EBP as its callee\'s `pop ebp; ret` gives them back, and no other register', async () => {
    await start(client, { program: FRAMES }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   '), hitCondition: '2' }] });
    });
    await client.stopped(0);
    const st = await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
    const [, bump, start0] = st.body.stackFrames;
    const value = async (expression: string, frameId?: number, context = 'watch'): Promise<number> =>
      Number((await client.ok<DebugProtocol.EvaluateResponse>('evaluate', { expression, frameId, context })).body.result.split(' ')[0]);
    const top = await value('stack_top');
    // From the source: start pushes ECX (top-4) and calls bump (top-8); bump pushes EBP (top-12, its EBP)
    // and calls inner (top-16), which pushes EBP (top-20). inner's `pop ebp` gives bump its EBP back and
    // `ret` pops the return address, leaving ESP at top-12 (SDM Vol. 2 POP, RET); bump's give start
    // EBP 0 (`xor ebp, ebp`) and ESP top-4.
    assert.deepEqual([await value('eip', bump.id), await value('esp', bump.id), await value('ebp', bump.id)],
      [await value('bump') + 0xb, top - 12, top - 12]);
    assert.deepEqual([await value('eip', start0.id), await value('esp', start0.id), await value('ebp', start0.id)],
      [await value('start.again') + 6, top - 4, 0]);
    // bump's argument at [ebp+8] in its own frame: the second call's, 2; SP and BP are the low words.
    assert.equal(await value('[ebp+8]', bump.id, 'hover'), 2);
    assert.equal(await value('sp', bump.id), (top - 12) & 0xffff);
    // The Debug Console's commands read addresses in the frame too: x/1x at bump's EBP is start's saved EBP, 0.
    assert.match((await client.ok<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'x/1x ebp', frameId: bump.id, context: 'repl' })).body.result,
      new RegExp(`^${hex8(top - 12)}:  0x00000000$`));
    // `.again` is start's in start's frame; bump has none.
    assert.equal(await value('.again', start0.id, 'hover'), await value('start.again'));
    assert.equal((await client.request('evaluate', { expression: '.again', frameId: bump.id, context: 'hover' })).success, false);
    // EAX in bump's frame is not known (gdb's `<not saved>`): an error saying so, not inner's EAX.
    const eax = await client.request('evaluate', { expression: 'eax', frameId: bump.id, context: 'hover' });
    assert.equal(eax.success, false, `eax in bump's frame: ${JSON.stringify(eax.body)}`);
    assert.match(eax.message ?? '', /eax is not known in frame 1 \(bump\)/);
    // The innermost frame (and no frame) is the live registers: EAX = 2.
    assert.equal(await value('eax', st.body.stackFrames[0].id), 2);
    assert.equal(await value('eax'), 2);
    // bump's Frame scope shows the same values, and each evaluateName evaluates to its value there.
    const scopes = await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: bump.id });
    const vars = await client.ok<DebugProtocol.VariablesResponse>('variables', { variablesReference: scopes.body.scopes[0].variablesReference });
    assert.deepEqual(vars.body.variables.map((v) => v.name), ['EIP', 'ESP', 'EBP']);
    for (const v of vars.body.variables) assert.equal(await value(v.evaluateName ?? '', bump.id), Number(v.value), v.name);
    // Stepping out into bump gives the CPU those registers.
    const from = client.events.length;
    await client.ok('stepOut', { threadId: 1 });
    await client.stopped(from);
    assert.deepEqual([await value('eip'), await value('esp'), await value('ebp')], [await value('bump') + 0xb, top - 12, top - 12]);
    assert.equal((await client.request('evaluate', { expression: 'eax', frameId: 99, context: 'watch' })).success, false);
  });

  it('dataBreakpointInfo reads a memory reference in the frame it names (DAP: frameId), as evaluate does', async () => {
    await start(client, { program: FRAMES }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   '), hitCondition: '2' }] });
    });
    await client.stopped(0);
    const st = await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
    const [inner, bump] = st.body.stackFrames;
    const top = Number((await client.ok<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'stack_top', context: 'watch' })).body.result.split(' ')[0]);
    const watched = async (name: string, frameId?: number): Promise<string | null> =>
      (await client.ok<DebugProtocol.DataBreakpointInfoResponse>('dataBreakpointInfo', { name, frameId })).body.dataId;
    // From the source (see the test above): inner's EBP is top-20, bump's top-12; [ebp+8] is each one's argument.
    assert.equal(await watched('[ebp+8]', inner.id), `linear:${hex8(top - 12)}:4`);
    assert.equal(await watched('[ebp+8]'), `linear:${hex8(top - 12)}:4`);
    assert.equal(await watched('[ebp+8]', bump.id), `linear:${hex8(top - 4)}:4`);
    assert.equal(await watched('ebp', bump.id), `linear:${hex8(top - 12)}:4`);
    // A register the caller's frame does not know, and a frame that is not there, say so.
    const eax = await client.ok<DebugProtocol.DataBreakpointInfoResponse>('dataBreakpointInfo', { name: '[eax]', frameId: bump.id });
    assert.equal(eax.body.dataId, null);
    assert.match(eax.body.description, /eax is not known in frame 1/);
    const gone = await client.ok<DebugProtocol.DataBreakpointInfoResponse>('dataBreakpointInfo', { name: '[ebp+8]', frameId: 99 });
    assert.equal(gone.body.dataId, null);
    assert.match(gone.body.description, /99/);
  });

  it('completions offer the .local labels of the label before EIP, or before the selected frame\'s (NASM manual §3.9)', async () => {
    // start's local labels as frames.gasm defines them: the `.name:` lines between `start:` and `bump:`.
    const text = fs.readFileSync(FRAMES, 'utf8');
    const startLocals = [...text.slice(text.indexOf('\nstart:'), text.indexOf('\nbump:')).matchAll(/^(\.\w+):/gm)].map((m) => m[1]);
    assert.deepEqual(startLocals, ['.again', '.print', '.exit']);
    await start(client, { program: FRAMES }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'loop .again') }] });
    });
    await client.stopped(0);
    const locals = async (body: Record<string, unknown>): Promise<DebugProtocol.CompletionItem[]> =>
      (await client.ok<DebugProtocol.CompletionsResponse>('completions', body)).body.targets.filter((t) => t.label.startsWith('.'));
    // Column 2 is after the dot (1-based): each replaces the dot, from column 1.
    const dot = await locals({ text: '.', column: 2 });
    assert.deepEqual(dot.map((t) => t.label).sort(), [...startLocals].sort());
    assert.ok(dot.every((t) => t.start === 1 && t.length === 1), JSON.stringify(dot));
    assert.deepEqual((await locals({ text: 'x/4x .pr', column: 9 })).map((t) => [t.label, t.start, t.length]), [['.print', 6, 3]]);
    // Each is what evaluate reads there.
    for (const t of dot) assert.equal(await evaluate(client, t.label), await evaluate(client, `start${t.label}`));
    // In inner, which has none: none; with start's frame selected, start's again.
    await client.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   ') }] });
    const from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    await client.stopped(from);
    assert.deepEqual(await locals({ text: '.', column: 2 }), []);
    const st = await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
    assert.deepEqual((await locals({ text: '.', column: 2, frameId: st.body.stackFrames[2].id })).map((t) => t.label).sort(), [...startLocals].sort());
  });

  it('writeMemory over a return address on the stack invalidates the call stack as well as the variables', async () => {
    await start(client, { program: FRAMES }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: FRAMES }, breakpoints: [{ line: lineOf(FRAMES, 'nop   ') }] });
    });
    await client.stopped(0);
    const before = await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
    assert.equal(before.body.stackFrames.length, 3);
    // inner's frame: [ebp] = bump's EBP, [ebp+4] = the return into bump (SDM Vol. 1 §6.5.6); zero that return address.
    const ebp = (await evaluate(client, 'ebp')).split(' ')[0];
    const from = client.events.length;
    await client.ok('writeMemory', { memoryReference: ebp, offset: 4, data: Buffer.alloc(4).toString('base64') });
    const invalidated = await client.event<DebugProtocol.InvalidatedEvent>('invalidated', () => true, from);
    assert.ok(invalidated.body.areas?.includes('stacks'), `areas ${JSON.stringify(invalidated.body.areas)}`);
    const after = await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
    assert.equal(after.body.stackFrames.length, 1);
  });

  it('a data breakpoint from a watch expression `[counter]` watches counter\'s memory, not the address its value names', async () => {
    await start(client, { program: FRAMES, stopOnEntry: true });
    await client.stopped(0);
    const label = await client.ok<DebugProtocol.DataBreakpointInfoResponse>('dataBreakpointInfo', { name: 'counter' });
    const watch = await client.ok<DebugProtocol.DataBreakpointInfoResponse>('dataBreakpointInfo', { name: '[counter]' });
    // `[counter]` reads the dword at counter: the same 4 bytes the label names.
    assert.equal(watch.body.dataId, label.body.dataId);
    const byte = await client.ok<DebugProtocol.DataBreakpointInfoResponse>('dataBreakpointInfo', { name: 'byte [counter+1]' });
    assert.equal(byte.body.dataId, label.body.dataId?.replace(/0x([0-9a-f]+):4$/, (_m, a: string) => `${hex8(parseInt(a, 16) + 1)}:1`));
    await client.ok('setDataBreakpoints', { breakpoints: [{ dataId: watch.body.dataId, accessType: 'write' }] });
    const from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    const stop = await Promise.race([client.stopped(from), client.event('terminated', () => true, from)]);
    assert.equal(stop.event, 'stopped', 'the guest ran to its end: the write to counter was not watched');
    assert.equal((stop as DebugProtocol.StoppedEvent).body.reason, 'data breakpoint');
    // Stopped after the write: the instruction after `add [counter], eax`.
    assert.equal((await topFrame(client)).line, lineOf(FRAMES, 'add [counter], eax') + 1);
  });

  it('steps into the next instruction or line take no interrupt, as QEMU\'s gdbstub steps; running takes it', async () => {
    await start(client, { program: TIMER_IRQ }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: TIMER_IRQ }, breakpoints: [{ line: lineOf(TIMER_IRQ, 'inc eax') }] });
    });
    await client.stopped(0);
    await client.ok('setBreakpoints', { source: { path: TIMER_IRQ }, breakpoints: [] });
    // IRQ 0 comes every 168 instructions: 400 steps would meet it twice. QEMU 7.2's stepi (NOIRQ) never leaves the loop.
    const places = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const from = client.events.length;
      await client.ok('stepIn', { threadId: 1, granularity: i % 2 === 0 ? 'instruction' : 'line' });
      await client.stopped(from);
      places.add((await topFrame(client)).name.replace(/\+.*$/, ''));
    }
    assert.deepEqual([...places], ['loop']);
    assert.equal(await evaluate(client, 'ebx'), '0x00000000 (0)');
    // The interrupt held during the steps is taken once the guest runs.
    await client.ok('setFunctionBreakpoints', { breakpoints: [{ name: 'timer' }] });
    const from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    assert.equal((await client.stopped(from)).body.reason, 'function breakpoint');
  });

  it('shutdown: the #GP filter stops on a #GP that was raised but never delivered', async () => {
    // `int 0x82` with no IDT: QEMU's -d int log (test/fixtures/qemu/shutdown/int-no-idt.qemu.txt)
    // shows #GP(0x412) raised (SDM Vol. 3A §6.13: IDT=1, index 0x82), then #DF, then shutdown.
    // Nothing is ever delivered, yet the user asked to stop on #GP: the stop comes at the shutdown.
    const qemu = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'qemu', 'shutdown', 'int-no-idt.qemu.txt'), 'latin1');
    assert.match(qemu, /^v=0d e=0412 /m);
    await start(client, { program: path.join(ROOT, 'test', 'fixtures', 'qemu', 'shutdown', 'int-no-idt.bin') }, async (c) => {
      await c.ok('setExceptionBreakpoints', { filters: ['gp'] });
    });
    const stop = await client.stopped(0);
    assert.equal(stop.body.reason, 'exception');
    assert.match(stop.body.text ?? '', /^#GP\(0x412\) was raised but never delivered/);
    const info = await client.ok<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: 1 });
    assert.equal(info.body.exceptionId, '#GP');
    const from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    const exited = await client.event<DebugProtocol.ExitedEvent>('exited', () => true, from);
    assert.equal(exited.body.exitCode, 3);
  });

  it('gp-to-df: the #GP filter stops on a #GP whose delivery faulted and became #DF', async () => {
    // QEMU's -d int log (gp-to-df.qemu.txt): #GP(0x1230) raised, its gate not present, #DF delivered.
    const file = path.join(FIXTURES, 'gp-to-df.gasm');
    const qemu = fs.readFileSync(path.join(FIXTURES, 'gp-to-df.qemu.txt'), 'latin1');
    assert.match(qemu, /^v=0d e=1230 [^\n]*\n(?:check_exception[^\n]*\n)?v=08 e=0000 /m);
    await start(client, { program: file }, async (c) => {
      await c.ok('setExceptionBreakpoints', { filters: ['gp'] });
    });
    const stop = await client.stopped(0);
    assert.equal(stop.body.reason, 'exception');
    const badLoad = (await evaluate(client, 'bad_load')).split(' ')[0];
    // Delivering #GP raised #NP for the gate (vector 11, QEMU's `check_exception old: 0xd new 0xb`), with
    // error code 13 * 8 + IDT (2) + EXT (1) = 0x6b (SDM Vol. 3A §6.13); together they made #DF.
    assert.match(qemu, /^check_exception old: 0xd new 0xb$/m);
    const said = /^#GP\(0x1230\) at (0x[0-9a-f]+) \(mov ds, ?e?ax\) could not be delivered \(#GP\(0x1230\) -> #NP\(0x6b\)\), so #DF was/.exec(stop.body.text ?? '');
    assert.ok(said !== null, stop.body.text);
    assert.equal(Number(said[1]), Number(badLoad));
    assert.equal((await client.ok<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: 1 })).body.exceptionId, '#GP');
    // Stopped at the #DF handler, as after a delivered exception.
    assert.equal((await topFrame(client)).name.replace(/\+.*$/, ''), 'df_handler');
    const from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    assert.equal((await client.event<DebugProtocol.ExitedEvent>('exited', () => true, from)).body.exitCode, 8);
  });

  it('fault: the #GP filter with a condition stops on the second fault only, with exception info', async () => {
    await start(client, { program: FAULT }, async (c) => {
      const r = await c.ok<DebugProtocol.SetExceptionBreakpointsResponse>('setExceptionBreakpoints', { filters: [], filterOptions: [{ filterId: 'gp', condition: 'eax == 2' }] });
      assert.deepEqual(r.body?.breakpoints?.map((b) => b.verified), [true]);
    });
    const stop = await client.stopped(0);
    assert.equal(stop.body.reason, 'exception');
    const info = await client.ok<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: 1 });
    assert.equal(info.body.exceptionId, '#GP');
    assert.equal(info.body.breakMode, 'always');
    assert.equal(info.body.details?.fullTypeName, 'vector 13');
    // Error code = the selector with RPL cleared (SDM Vol. 3A §6.15, Interrupt 13), decoded per
    // Figure 6-7: 0x1230 = index 0x246, TI 0 (GDT), IDT 0, EXT 0. EIP at fault2.
    const description = info.body.description ?? '';
    const fault2 = (await evaluate(client, 'fault2')).split(' ')[0];
    assert.match(description, new RegExp(`^#GP General protection \\(vector 13, a fault\\) at ${fault2} fault2 \\(fault\\.gasm:${lineOf(FAULT, 'fault2:') + 1}\\): mov fs, ?e?bx$`, 'm'));
    assert.match(description, /^error code 0x1230: EXT=0 \(raised by the program\), IDT=0 \([^)]*\), TI=0 \(GDT\), index=0x246 \(selector 0x1230\)$/m);
    assert.ok(!/CR2/.test(description), 'CR2 only for #PF');
    // The top frame is the faulting instruction; the CPU stopped at the handler's first line, `inc byte [gp_count]`.
    const st = await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
    assert.deepEqual(st.body.stackFrames.slice(0, 2).map((f) => [f.name, f.line, Number(f.instructionPointerReference)]), [
      [`#GP at fault2 (fault.gasm:${lineOf(FAULT, 'fault2:') + 1})`, lineOf(FAULT, 'fault2:') + 1, Number(fault2)],
      ['gp_handler', lineOf(FAULT, 'inc byte [gp_count]'), Number((await evaluate(client, 'gp_handler')).split(' ')[0])],
    ]);
    const scopes = await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: st.body.stackFrames[0].id });
    assert.deepEqual(scopes.body.scopes.map((x) => x.name), ['Exception']);
    const vars = await client.ok<DebugProtocol.VariablesResponse>('variables', { variablesReference: scopes.body.scopes[0].variablesReference });
    const byName = new Map(vars.body.variables.map((v) => [v.name, v]));
    assert.equal(byName.get('vector')?.value, '13 (#GP)');
    assert.equal(byName.get('faulting EIP')?.value, fault2);
    const code = byName.get('error code');
    assert.equal(code?.value, '0x1230');
    const fields = await client.ok<DebugProtocol.VariablesResponse>('variables', { variablesReference: code!.variablesReference });
    assert.deepEqual(fields.body.variables.map((v) => v.name), ['EXT', 'IDT', 'TI', 'index']);
    // The handler frame (index 1) has the live registers.
    const handlerScopes = await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: st.body.stackFrames[1].id });
    assert.equal(handlerScopes.body.scopes[0].name, 'General registers');
    // The Rings view's tables: fault.gasm's GDT (flat code and data, DPL 0) and its one IDT gate, 13 -> 0x08:gp_handler.
    const rings = (await client.ok('ringside/rings', {})).body as RingsResponse;
    const tables = rings.vcpus[0].descriptorTables;
    assert.deepEqual(tables?.gdt.entries.map((e) => [e.selector, e.kind, e.dpl, e.base, e.limit]), [[0x08, 'code', 0, 0, 0xffff_ffff], [0x10, 'data', 0, 0, 0xffff_ffff]]);
    assert.deepEqual(tables?.idt.gates.map((g) => [g.vector, g.kind, g.dpl, g.target.selector, g.target.symbol, g.target.ring]), [[13, 'interrupt-gate', 0, 0x08, 'gp_handler', 0]]);
    assert.equal(tables?.tss, undefined);
    // A step into the handler leaves the faulting-instruction row behind.
    let from = client.events.length;
    await client.ok('stepIn', { threadId: 1, granularity: 'instruction' });
    await client.stopped(from);
    assert.equal((await topFrame(client)).name, 'gp_handler+0x6');
    assert.equal((await evaluate(client, 'byte [gp_count]')).split(' ')[1], '(2)');
    from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    const exited = await client.event<DebugProtocol.ExitedEvent>('exited', () => true, from);
    assert.equal(exited.body.exitCode, 2);
  });

  it('example kernel: the #PF stop shows the faulting MOV above the handler, with the error code decoded and CR2', async () => {
    await start(client, { program: KERNEL, includePaths: KERNEL_INCLUDES }, async (c) => {
      await c.ok('setExceptionBreakpoints', { filters: ['pf'] });
    });
    const stop = await client.stopped(0);
    assert.equal(stop.body.reason, 'exception');
    const movLine = lineOf(KERNEL, 'mov dword [DEMAND_BASE], 0x00C0FFEE');
    const st = await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
    const [fault, handler] = st.body.stackFrames;
    // Named by the nearest label (here one of the `print` macro's %%-labels) and the source line.
    assert.match(fault.name, new RegExp(`^#PF at \\S+\\+0x[0-9a-f]+ \\(kernel\\.gasm:${movLine}\\)$`));
    assert.equal(fault.line, movLine);
    assert.equal(fault.source?.path, KERNEL);
    // The CPU is at the #PF stub (exception_14), the handler frame below.
    assert.equal(handler.name, 'exception_14');
    const info = await client.ok<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: 1 });
    const description = info.body.description ?? '';
    // A supervisor write to a not-present page (SDM Vol. 3A §4.7): error code 0x2; CR2 = DEMAND_BASE (kernel.inc).
    assert.match(description, /^error code 0x2: P=0 \(page not present\), W\/R=1 \(write\), U\/S=0 \(supervisor-mode access\), RSVD=0 \([^)]*\), I\/D=0 \(data access\)$/m);
    assert.match(description, /^CR2 0x80000000 /m);
    assert.match(description, new RegExp(`^#PF Page fault \\(vector 14, a fault\\) at ${fault.instructionPointerReference} \\S+ \\(kernel\\.gasm:${movLine}\\): mov dword ?\\[(dword )?0x80000000\\], ?0xc0ffee$`, 'im'));
    await client.ok('disconnect', {});
  });

  it('console commands, completions, memory round trip, disassembly with locations, setVariable, goto and restart', async () => {
    await start(client, { program: HELLO, stopOnEntry: true });
    await client.stopped(0);
    assert.match(await evaluate(client, 'info registers'), /eax 0x2badb002/);
    assert.match(await evaluate(client, 'info tlb'), /hits \d+ {2}misses \d+/);
    assert.match(await evaluate(client, 'info pt'), /paging is off/);
    assert.match(await evaluate(client, 'translate message'), /paging is off, physical 0x001000/);
    assert.match(await evaluate(client, 'help'), /x\/NFU ADDR/);
    // (How help says to read a label named as a command.)
    assert.equal(await evaluate(client, '(message)'), await evaluate(client, 'message'));
    // The multiboot magic as the header's first dword (Multiboot §3.1.1), read with x/.
    assert.match(await evaluate(client, 'x/2x multiboot_header'), /0x1badb002 0x00010000/);
    assert.match(await evaluate(client, 'x/4xb message'), /0x48 0x65 0x6c 0x6c/); // "Hell"
    assert.match(await evaluate(client, 'x/1i start'), /mov esp,/);
    const bad = await client.request('evaluate', { expression: 'info nonsense', context: 'repl' });
    assert.equal(bad.success, false);

    const comp = await client.ok<DebugProtocol.CompletionsResponse>('completions', { text: 'info t', column: 7 });
    assert.ok(comp.body.targets.some((t) => t.label === 'info tlb'));
    const reg = await client.ok<DebugProtocol.CompletionsResponse>('completions', { text: 'x/4x es', column: 8 });
    assert.ok(reg.body.targets.some((t) => t.label === 'esi' && t.start === 6 && t.length === 2));
    const sym = await client.ok<DebugProtocol.CompletionsResponse>('completions', { text: 'serial_p', column: 9 });
    assert.ok(sym.body.targets.some((t) => t.label === 'serial_puts'));

    // Memory: read the message, overwrite its first byte, read it back.
    const addr = (await evaluate(client, 'message')).split(' ')[0];
    const read = await client.ok<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: addr, count: 5 });
    assert.equal(Buffer.from(read.body!.data!, 'base64').toString('latin1'), 'Hello');
    await client.ok('writeMemory', { memoryReference: addr, data: Buffer.from('J').toString('base64') });
    const again = await client.ok<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: addr, offset: 0, count: 5 });
    assert.equal(Buffer.from(again.body!.data!, 'base64').toString('latin1'), 'Jello');
    // Beyond RAM with paging off reads as 0xFF on a PC; unreadable only past 4 GiB.
    const edge = await client.ok<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: '0xfffffffe', count: 4 });
    assert.equal(edge.body!.unreadableBytes, 2);

    // Disassembly: instructions from `start` carry their source lines.
    const start0 = (await evaluate(client, 'start')).split(' ')[0];
    const dis = await client.ok<DebugProtocol.DisassembleResponse>('disassemble', { memoryReference: start0, instructionCount: 3, resolveSymbols: true });
    assert.deepEqual(dis.body!.instructions.map((i) => i.line), [lineOf(HELLO, 'mov esp, stack_top'), lineOf(HELLO, 'call serial_init'), lineOf(HELLO, 'mov esi, message')]);
    assert.equal(dis.body!.instructions[0].symbol, 'start');
    assert.equal(dis.body!.instructions[0].instructionBytes?.slice(0, 2), 'bc'); // MOV r32, imm32 = B8+rd (ESP = 4)
    assert.equal(dis.body!.instructions[0].location?.path, HELLO);

    // setVariable on a register and a flag.
    const frame = await topFrame(client);
    const scopes = await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: frame.id });
    const general = scopes.body.scopes.find((s) => s.name === 'General registers')!;
    const set = await client.ok<DebugProtocol.SetVariableResponse>('setVariable', { variablesReference: general.variablesReference, name: 'EBX', value: '0x1234' });
    assert.equal(set.body.value, hex8(0x1234));
    assert.equal((await registers(client)).get('EBX'), hex8(0x1234));
    const flags = (await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: frame.id })).body.scopes.find((s) => s.name === 'EFLAGS')!;
    await client.ok('setVariable', { variablesReference: flags.variablesReference, name: 'CF', value: '1' });
    assert.equal((await evaluate(client, 'cf')).split(' ')[1], '(1)');
    const system = (await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: frame.id })).body.scopes.find((s) => s.name === 'System')!;
    const sysVars = await client.ok<DebugProtocol.VariablesResponse>('variables', { variablesReference: system.variablesReference });
    // Multiboot hands over in protected mode with paging off (Multiboot §3.2): CR0.PE=1, PG=0.
    assert.match(sysVars.body.variables.find((v) => v.name === 'CR0')!.value, /\[PE[^\]]*\]/);
    assert.doesNotMatch(sysVars.body.variables.find((v) => v.name === 'CR0')!.value, /PG/);
    const cr = await client.request('setVariable', { variablesReference: system.variablesReference, name: 'CR0', value: '0' });
    assert.equal(cr.success, false);

    // goto: jump to `mov esi, message` without executing what is before it.
    const gotoLine = lineOf(HELLO, 'mov esi, message');
    const targets = await client.ok<DebugProtocol.GotoTargetsResponse>('gotoTargets', { source: { path: HELLO }, line: gotoLine });
    let from = client.events.length;
    await client.ok('goto', { threadId: 1, targetId: targets.body.targets[0].id });
    const g = await client.stopped(from);
    assert.equal(g.body.reason, 'goto');
    assert.equal((await topFrame(client)).line, gotoLine);
    // The response came before the stop (STYLE.md §6).
    const gotoResp = client.received.findIndex((m) => m.type === 'response' && (m as { command?: string }).command === 'goto');
    const gotoStop = client.received.findIndex((m, i) => i > gotoResp && m.type === 'event' && (m as { event?: string }).event === 'stopped');
    assert.ok(gotoResp >= 0 && gotoStop > gotoResp);

    // restart: back to the entry state (EAX = the multiboot magic again, memory restored).
    from = client.events.length;
    await client.ok('restart', {});
    const r = await client.stopped(from);
    assert.equal(r.body.reason, 'entry');
    assert.equal((await registers(client)).get('EAX'), hex8(0x2badb002));
    const restored = await client.ok<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: addr, count: 5 });
    assert.equal(Buffer.from(restored.body!.data!, 'base64').toString('latin1'), 'Hello');
    await client.ok('disconnect', {});
    assert.equal(await client.exited, 0);
  });

  it('disassembly before address 0 is padding marked invalid, never instructions wrapped round from the top of the linear space', async () => {
    await start(client, { program: HELLO, stopOnEntry: true });
    await client.stopped(0);
    // VS Code's first request around a place: 200 instructions before it, 400 in all.
    const r = await client.ok<DebugProtocol.DisassembleResponse>('disassemble', { memoryReference: '0x10', instructionOffset: -200, instructionCount: 400 });
    const shown = r.body?.instructions ?? [];
    // The schema: "An adapter must return exactly this number of instructions - any unavailable instructions
    // should be replaced with an implementation-defined 'invalid instruction' value"; presentationHint
    // `invalid` for "filler [that] cannot be reached by the program".
    assert.equal(shown.length, 400);
    assert.equal(shown[200].address, '0x00000010');
    const before = shown.slice(0, 200);
    const padding = before.filter((i) => i.address === '-1');
    // (-1: the address VS Code's disassembly view drops an invalid instruction at.)
    assert.ok(padding.length > 0 && padding.every((i) => i.presentationHint === 'invalid' && i.instructionBytes === undefined), JSON.stringify(padding.slice(0, 2)));
    // The padding comes first, then instructions from address 0 up to 0x10, in order: none wrapped below 0.
    const decoded = before.slice(padding.length);
    assert.ok(decoded.every((i) => i.address !== '-1'));
    const addresses = decoded.map((i) => Number(i.address));
    assert.ok(addresses.every((a, k) => a < 0x10 && (k === 0 || a > addresses[k - 1])), JSON.stringify(addresses));
    assert.equal(addresses[0], 0);
    assert.ok(shown.slice(200).every((i) => Number(i.address) >= 0x10));
    // Nor past the top: after the last bytes below 4 GiB, padding, not address 0 again.
    const top = (await client.ok<DebugProtocol.DisassembleResponse>('disassemble', { memoryReference: '0xfffffff8', instructionCount: 20 })).body?.instructions ?? [];
    assert.equal(top.length, 20);
    const last = top.findIndex((i) => i.address === '-1');
    assert.ok(last > 0 && top.slice(last).every((i) => i.address === '-1' && i.presentationHint === 'invalid'), JSON.stringify(top.map((i) => i.address)));
    assert.ok(top.slice(0, last).every((i) => Number(i.address) >= 0xfffffff8));
    // A byte offset taking the start below 0 is padding up to 0 too (DisassembleArguments.offset "Can be negative").
    const low = (await client.ok<DebugProtocol.DisassembleResponse>('disassemble', { memoryReference: '0x10', offset: -0x14, instructionCount: 6 })).body?.instructions ?? [];
    assert.deepEqual(low.slice(0, 5).map((i) => i.address), ['-1', '-1', '-1', '-1', '0x00000000']);
    assert.ok(Number(low[5].address) > 0 && Number(low[5].address) <= 15, low[5].address);
  });

  it('function and instruction breakpoints stop with their reasons', async () => {
    const second = client;
    {
      let fn: DebugProtocol.SetFunctionBreakpointsResponse | undefined;
      await start(second, { program: HELLO }, async (c) => {
        fn = await c.ok<DebugProtocol.SetFunctionBreakpointsResponse>('setFunctionBreakpoints', { breakpoints: [{ name: 'serial_init' }, { name: 'no_such_label' }] });
      });
      assert.deepEqual(fn!.body.breakpoints.map((b) => b.verified), [true, false]);
      assert.equal(fn!.body.breakpoints[0].line, lineOf(HELLO, 'mov dx, COM1 + 1'));
      const s = await second.stopped(0);
      assert.equal(s.body.reason, 'function breakpoint');
      const ret = (await second.ok<DebugProtocol.EvaluateResponse>('evaluate', { expression: '[esp]', context: 'watch' })).body.result.split(' ')[0];
      const ins = await second.ok<DebugProtocol.SetInstructionBreakpointsResponse>('setInstructionBreakpoints', { breakpoints: [{ instructionReference: ret }] });
      assert.equal(ins.body.breakpoints[0].verified, true);
      const from = second.events.length;
      await second.ok('continue', { threadId: 1 });
      const s2 = await second.stopped(from);
      assert.equal(s2.body.reason, 'instruction breakpoint');
      assert.equal((await topFrame(second)).line, lineOf(HELLO, 'mov esi, message'));
    }
  });

  it('pause while a guest runs gives stopped(pause) quickly; terminate ends the session', async () => {
    await start(client, { program: SPIN });
    const from = client.events.length;
    const t0 = process.hrtime.bigint();
    await client.ok('pause', { threadId: 1 });
    const s = await client.stopped(from);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.equal(s.body.reason, 'pause');
    assert.ok(ms < 1000, `pause took ${ms} ms`);
    assert.equal((await topFrame(client)).line > 0, true);
    const t = client.events.length;
    await client.ok('terminate', {});
    await client.event('terminated', () => true, t);
  });

  // Found by scripts/fuzz-dap.mjs: after terminate a continue or a step was answered success and ran
  // the guest again. The schema's terminate lets the debuggee veto; a guest cannot, so the session
  // is over and run commands are refused (restart loads it afresh).
  it('after terminate run commands are refused, the guest runs no more, and no stop follows terminated', async () => {
    await start(client, { program: SPIN });
    const t = client.events.length;
    await client.ok('terminate', {});
    await client.event('terminated', () => true, t);
    // The pause terminate makes lands at the end of a batch: once stackTrace answers, it has.
    while (!(await client.request('stackTrace', { threadId: 1 })).success) { /* still finishing its batch */ }
    const instructions = async (): Promise<number> => (await client.ok('ringside/rings', {})).body.vcpus[0].instructions as number;
    const before = await instructions();
    for (const [command, args] of [
      ['continue', { threadId: 1 }], ['next', { threadId: 1 }], ['stepIn', { threadId: 1, granularity: 'instruction' }], ['stepOut', { threadId: 1 }],
      ['goto', { threadId: 1, targetId: 1 }],
    ] as const) {
      const r = await client.request(command, args);
      assert.equal(r.success, false, command);
      assert.match(r.message ?? '', /^the session was terminated: it cannot run any more \(restart to run it again\)$/, command);
    }
    assert.equal(await instructions(), before);
    assert.deepEqual(client.events.slice(t).filter((e) => e.event === 'stopped' || e.event === 'continued'), []);
    // Restart loads the guest afresh and runs it (the launch had no stopOnEntry): pause stops it again.
    await client.ok('restart', {});
    const from = client.events.length;
    await client.ok('pause', { threadId: 1 });
    assert.equal((await client.stopped(from)).body.reason, 'pause');
  });

  it('a guest that has exited is not run again either', async () => {
    await start(client, { program: HELLO });
    await client.event('terminated');
    const r = await client.request('continue', { threadId: 1 });
    assert.equal(r.success, false);
    assert.match(r.message ?? '', /^the guest has exited \(wrote \d+ to isa-debug-exit\): it cannot run any more/);
  });

  // Found by scripts/fuzz-dap.mjs: cancel was answered success (the library's default) though
  // nothing was cancelled. Every request is answered before the next is read and no progress is
  // reported, so nothing is ever left to cancel: the capability stays unannounced and a cancel gets
  // the error the schema allows ("may return an error if it could not cancel an operation").
  it('cancel is not announced and answers an error: nothing is ever left to cancel', async () => {
    const init = await start(client, { program: HELLO, stopOnEntry: true });
    assert.notEqual(init.body?.supportsCancelRequest, true);
    await client.stopped(0);
    for (const [args, reason] of [
      [{ requestId: 1 }, /request 1 was answered before this cancel was read/], [{ progressId: 'p' }, /there is no progress `p'/], [{}, /no requestId or progressId/],
    ] as const) {
      const r = await client.request('cancel', args);
      assert.equal(r.success, false, JSON.stringify(args));
      assert.match(r.message ?? '', /^nothing to cancel: /);
      assert.match(r.message ?? '', reason);
    }
  });

  // Found by scripts/fuzz-dap.mjs: a data id above 4 GiB was taken (and watched the address modulo 2^32).
  it('data breakpoints above 4 GiB are refused: no data id for them, and not verified when set', async () => {
    await start(client, { program: HELLO, stopOnEntry: true });
    await client.stopped(0);
    const beyond = /lies beyond the 4 GiB an IA-32 guest can address \(addresses are 32-bit: 0x00000000 \.\. 0xffffffff\)/;
    for (const name of ['0x100000000', '4294967296', '0xffffffffffffffffffff']) {
      const info = await client.ok<DebugProtocol.DataBreakpointInfoResponse>('dataBreakpointInfo', { name, asAddress: true });
      assert.equal(info.body.dataId, null, name);
      assert.match(info.body.description, beyond);
    }
    const top = await client.ok<DebugProtocol.DataBreakpointInfoResponse>('dataBreakpointInfo', { name: '0xfffffffc', asAddress: true });
    const ok = await client.ok<DebugProtocol.DataBreakpointInfoResponse>('dataBreakpointInfo', { name: 'message' });
    assert.equal(top.body.dataId, 'linear:0xfffffffc:4');
    const set = await client.ok<DebugProtocol.SetDataBreakpointsResponse>('setDataBreakpoints', {
      breakpoints: [{ dataId: 'linear:0x100000000:4' }, { dataId: 'physical:0x1fffffffff:1' }, { dataId: ok.body.dataId }],
    });
    assert.deepEqual(set.body.breakpoints.map((b) => b.verified), [false, false, true]);
    assert.match(set.body.breakpoints[0].message ?? '', beyond);
    assert.match(set.body.breakpoints[1].message ?? '', beyond);
  });

  it('launch errors: assembly errors come back with file:line:col and as output events; nothing crashes', async () => {
    const bad = path.join(FIXTURES, 'bad.gasm');
    await client.ok('initialize', { adapterID: 'ringside', pathFormat: 'path' });
    const r = await client.request('launch', { program: bad });
    assert.equal(r.success, false);
    const line = lineOf(bad, 'movv');
    assert.match(r.message ?? '', new RegExp(`bad\\.gasm:${line}:\\d+: error: `));
    const out = client.events.filter((e) => e.event === 'output' && (e as DebugProtocol.OutputEvent).body.category === 'stderr') as DebugProtocol.OutputEvent[];
    assert.ok(out.some((o) => o.body.line === line && o.body.source?.path === bad));
    const missing = await client.request('launch', { program: path.join(FIXTURES, 'nope.gasm') });
    assert.equal(missing.success, false);
    const badTlb = await client.request('launch', { program: HELLO, tlb: { entries: 48 } });
    assert.equal(badTlb.success, false);
    assert.match(badTlb.message ?? '', /power of two/);
  });

  it('assemblerArguments ["-O0"]: the breakpoint after a near JMP is at nasm -O0\'s address, and the guest stops there', async () => {
    const flags = fs.readFileSync(O0_GUEST.replace(/\.asm$/, '.args'), 'utf8').trim().split(/\s+/);
    assert.deepEqual(flags, ['-O0']);
    const line = lineOf(O0_GUEST, 'mov ebx, 0x1234');
    const expected = listedAddress(O0_GUEST.replace(/\.asm$/, '.lst'), line, 0x100000);
    // (-Ox makes the JMP short: the MOV would be at 0x100028.)
    assert.equal(expected, 0x10002b);
    let bps: DebugProtocol.SetBreakpointsResponse | undefined;
    await start(client, { program: O0_GUEST, assemblerArguments: flags }, async (c) => {
      bps = await c.ok<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: O0_GUEST }, breakpoints: [{ line }] });
    });
    assert.equal(bps!.body.breakpoints[0].verified, true);
    assert.equal(Number(bps!.body.breakpoints[0].instructionReference), expected);
    const stop = await client.stopped(0);
    assert.equal(stop.body.reason, 'breakpoint');
    const frame = await topFrame(client);
    assert.deepEqual([frame.line, Number(frame.instructionPointerReference)], [line, expected]);
    assert.equal((await registers(client)).get('EIP'), hex8(expected));
  });

  it('restart runs the launch configuration the client sends with it: edited assemblerArguments take effect', async () => {
    const guest = path.join(ROOT, 'test', 'protocol', 'fixtures', 'restart-args.asm');
    await start(client, { program: guest, assemblerArguments: ['-DVALUE=5'] });
    assert.equal((await client.event<DebugProtocol.ExitedEvent>('exited')).body.exitCode, 5);
    // VS Code's restart sends launch.json's configuration as it is now (RestartArguments.arguments).
    const from = client.events.length;
    await client.ok('restart', { arguments: { type: 'ringside', request: 'launch', name: 'guest', program: guest, assemblerArguments: ['-DVALUE=7'] } });
    const exited = await client.event<DebugProtocol.ExitedEvent>('exited', () => true, from);
    assert.equal(exited.body.exitCode, 7);
    // The guest in memory is nasm's, assembled with -DVALUE=7 (restart-args.bin, recorded by record.sh).
    const image = fs.readFileSync(guest.replace(/\.asm$/, '.bin'));
    const read = await client.ok<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: '0x100000', count: image.length });
    assert.deepEqual(Buffer.from(read.body?.data ?? '', 'base64'), image);
  });

  it('assemblerArguments with a flag that is not for an assembly refuses the launch, naming it', async () => {
    await client.ok('initialize', { adapterID: 'ringside', pathFormat: 'path' });
    const output = await client.request('launch', { program: O0_GUEST, assemblerArguments: ['-O0', '-l', 'out.lst'] });
    assert.equal(output.success, false);
    assert.match(output.message ?? '', /`assemblerArguments`: `-l out\.lst': it names an output file/);
    const elf = await client.request('launch', { program: O0_GUEST, assemblerArguments: ['-felf'] });
    assert.equal(elf.success, false);
    assert.match(elf.message ?? '', /`-felf': unrecognised output format `elf'/);
    const notList = await client.request('launch', { program: O0_GUEST, assemblerArguments: '-O0' });
    assert.equal(notList.success, false);
    assert.match(notList.message ?? '', /`assemblerArguments` must be an array/);
    // Still answering: a good launch after the refused ones.
    await client.ok('launch', { program: O0_GUEST, assemblerArguments: ['-O0'] });
  });

  it('malformed and unknown requests get error responses, never a crash', async () => {
    await start(client, { program: HELLO, stopOnEntry: true });
    await client.stopped(0);
    const cases: [string, unknown][] = [
      ['noSuchCommand', {}],
      ['readMemory', { memoryReference: 'zzz', count: 4 }],
      ['disassemble', { memoryReference: '-1', instructionCount: 2 }],
      ['variables', { variablesReference: 999999 }],
      ['setVariable', { variablesReference: 999999, name: 'EAX', value: '1' }],
      ['evaluate', { expression: '((', context: 'watch' }],
      ['evaluate', { expression: 'x/0x esp', context: 'repl' }],
      ['goto', { threadId: 1, targetId: 42 }],
      ['setDataBreakpoints', { breakpoints: [{ dataId: 'garbage' }] }],
      ['setInstructionBreakpoints', { breakpoints: [{ instructionReference: 'nowhere' }] }],
      ['setBreakpoints', { source: { path: '/not/loaded.gasm' }, breakpoints: [{ line: 3 }] }],
      ['exceptionInfo', { threadId: 1 }],
      ['ringside/translate', {}],
      ['writeMemory', { memoryReference: '0xffffffff', offset: 5, data: 'AA==' }],
    ];
    for (const [command, args] of cases) {
      const r = await client.request(command, args);
      if (r.success) {
        // A success must be an honest "not placed" result.
        const bps = (r.body as { breakpoints?: DebugProtocol.Breakpoint[] } | undefined)?.breakpoints ?? [];
        assert.ok(bps.length > 0 && bps.every((b) => !b.verified), `${command} succeeded: ${JSON.stringify(r.body)}`);
      }
    }
    // Arguments of the wrong shape (found by scripts/fuzz-dap.mjs) are refused by field, never
    // with the library's report of a handler's TypeError and its stack.
    const illTyped: [string, unknown][] = [
      ['evaluate', {}], ['setFunctionBreakpoints', {}], ['setDataBreakpoints', { breakpoints: null }], ['setInstructionBreakpoints', { breakpoints: [null] }],
      ['setExceptionBreakpoints', undefined], ['completions', { text: 5, column: 1 }], ['gotoTargets', { source: null, line: 1 }], ['dataBreakpointInfo', { name: 7 }],
      // threadId, which the schema requires of these (StackTraceArguments, ContinueArguments, ...).
      ['stackTrace', {}], ['continue', {}], ['next', { granularity: 'instruction' }], ['pause', {}], ['exceptionInfo', {}],
    ];
    for (const [command, args] of illTyped) {
      const r = await client.request(command, args);
      assert.equal(r.success, false, command);
      assert.match(r.message ?? '', / must be an? [a-z]+/, `${command}: ${r.message}`);
    }
    // A thread the threads request never gave: the guest has one CPU.
    for (const command of ['stackTrace', 'continue', 'stepOut', 'pause']) {
      const r = await client.request(command, { threadId: 2 });
      assert.equal(r.success, false, `${command} of thread 2: ${JSON.stringify(r.body)}`);
      assert.match(r.message ?? '', /unknown thread 2/);
    }
    // WriteMemoryArguments.data: "Bytes to write, encoded using base64"; what is not base64 writes nothing.
    const message = (await evaluate(client, 'message')).split(' ')[0];
    const read = async (): Promise<string | undefined> => (await client.ok<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: message, count: 8 })).body?.data;
    const before = await read();
    for (const data of ['!!!', 'AAAA!AAA', 'AAAAA']) {
      const r = await client.request('writeMemory', { memoryReference: message, data });
      assert.equal(r.success, false, `writeMemory of \`${data}' answered ${JSON.stringify(r.body)}`);
      assert.match(r.message ?? '', /data is not base64/);
    }
    assert.equal(await read(), before);
    // (None of them ran the guest: it is still at its entry.)
    assert.equal((await topFrame(client)).line, lineOf(HELLO, 'mov esp, stack_top'));
    client.sendRaw('{ this is not json');
    const alive = await client.ok<DebugProtocol.ThreadsResponse>('threads');
    assert.deepEqual(alive.body.threads, [{ id: 1, name: 'CPU 0' }]);
    assert.equal(client.exitCode, null);
  });

  // Found by scripts/fuzz-dap.mjs (a mutated kernel): with an exception filter armed, each fault is
  // an event the runtime flushes serial output before, so a guest printing between faults sent one
  // output event per byte, over 100,000 in seconds, and the adapter answered nothing meanwhile.
  it('a guest printing between faults sends its serial output as a few events, and pause stops it', async () => {
    await start(client, { program: STORM }, async (c) => {
      await c.ok('setExceptionBreakpoints', { filters: ['gp'] });
    });
    const outputs = (): DebugProtocol.OutputEvent[] => client.events.filter((e): e is DebugProtocol.OutputEvent => e.event === 'output' && e.body.category === 'stdout');
    const printed = (): number => outputs().reduce((n, e) => n + e.body.output.length, 0);
    while (printed() < 20000) await client.event('output');
    assert.match(outputs().map((e) => e.body.output).join(''), /^u+$/);
    // Guards against one output event per serial byte (a ratio of 1): the adapter sends serial output
    // at most once per run batch. A batch ends by host time (BATCH_MS, 10 ms) at the first event past
    // it, so how many bytes it holds depends on the host: about 1000 at the 10 µs a fault with its
    // event costs here, a few hundred under load. The bound is loose so it holds on any host where
    // a fault with its event takes under 1 ms (100 times its cost here).
    assert.ok(outputs().length < printed() / 10, `${outputs().length} output events for ${printed()} bytes`);
    const from = client.events.length;
    await client.ok('pause', { threadId: 1 });
    assert.equal((await client.stopped(from)).body.reason, 'pause');
  });

  // Found by scripts/fuzz-dap.mjs: the library's defaults answered these with a success that did
  // nothing, for `source`, `breakpointLocations`, `setExpression` (now supported) and `stepInTargets` without the body
  // the schema requires (afterEach checks every message against it).
  it('source gives a guest file by path; unannounced requests are refused', async () => {
    await start(client, { program: HELLO, stopOnEntry: true });
    await client.stopped(0);
    const text = await client.ok<DebugProtocol.SourceResponse>('source', { source: { path: HELLO }, sourceReference: 0 });
    assert.equal(text.body.content, fs.readFileSync(HELLO, 'utf8'));
    const other = await client.request('source', { source: { path: '/not/loaded.gasm' }, sourceReference: 7 });
    assert.equal(other.success, false);
    for (const [command, args] of [
      ['breakpointLocations', { source: { path: HELLO }, line: 3 }],
      ['stepInTargets', { frameId: 0 }], ['stepBack', { threadId: 1 }], ['reverseContinue', { threadId: 1 }],
      ['restartFrame', { frameId: 0 }], ['terminateThreads', { threadIds: [1] }],
    ] as const) {
      const r = await client.request(command, args);
      assert.equal(r.success, false, command);
      assert.match(r.message ?? '', /not supported/);
    }
  });

  it('custom requests: rings, page tables, tlb, translate, trace events', async () => {
    await start(client, { program: HELLO, stopOnEntry: true });
    await client.stopped(0);
    const rings = await client.ok('ringside/rings', {});
    const v = (rings.body as RingsResponse).vcpus[0];
    assert.deepEqual([v.realCpl, v.protectedMode, v.pagingEnabled], [0, true, false]);
    assert.match(v.instruction, /^mov esp,/);
    // Before the guest loads its own GDT: the multiboot loader's flat ring 0 code and data (QEMU's option ROM table).
    assert.deepEqual(v.descriptorTables?.gdt.entries.slice(0, 2).map((e) => [e.selector, e.kind, e.dpl]), [[0x08, 'code', 0], [0x10, 'data', 0]]);
    const pt = await client.ok('ringside/pageTables', {});
    assert.deepEqual((pt.body as { pagingEnabled: boolean; directory: unknown[] }).directory, []);
    const tlb = await client.ok('ringside/tlb', {});
    assert.deepEqual((tlb.body as { shape: unknown }).shape, { entries: 64, ways: 4, policy: 'lru' });
    const tr = await client.ok('ringside/translate', { expression: 'message' });
    assert.equal((tr.body as { physical: number }).physical, Number((await evaluate(client, 'message')).split(' ')[0]));
    await client.ok('disconnect', {});
  });

  it('ringside/trace events carry the guest exceptions in order when tracing is on', async () => {
    await start(client, { program: FAULT, stopOnEntry: true }, async (c) => {
      await c.ok('ringside/setTrace', { enabled: true });
    });
    await client.stopped(0);
    const from = client.events.length;
    await client.ok('continue', { threadId: 1 });
    await client.event('terminated', () => true, from);
    const records = client.events.slice(from).filter((e) => e.event === 'ringside/trace')
      .flatMap((e) => (e.body as { records: { kind: string; vector?: number; errorCode?: number }[] }).records);
    const faults = records.filter((r) => r.kind === 'exception');
    assert.deepEqual(faults.map((r) => [r.vector, r.errorCode]), [[13, 0x1230], [13, 0x1230]]);
  });
});

/**
 * A guest nasm assembled with its listing (test/protocol/fixtures/record.sh): pushes between lines,
 * a one-line macro called twice in a row, a routine calling an stdcall callee (RET 4). The stops
 * are compared with the addresses nasm lists for the instructions.
 */
const STEPPING_GUEST = path.join(ROOT, 'test', 'protocol', 'fixtures', 'stepping-guest.asm');
const STEPPING_MACROS = path.join(ROOT, 'test', 'protocol', 'fixtures', 'stepping-macros.inc');

describe('debug adapter: line steps and breakpoints through pushes, macros and callees (addresses from nasm\'s listing)', function () {
  this.timeout(20000);
  let client: DapClient;
  const rows = listedRows(STEPPING_GUEST.replace(/\.asm$/, '.lst'));
  /** The address nasm lists for the `nth` instruction written `text`. */
  const listed = (text: string, nth = 0): string => {
    const row = rows.filter((r) => r.text === text)[nth];
    assert.ok(row !== undefined, `${text} (${nth}) is not in the listing`);
    return hex8(0x100000 + row.offset);
  };

  /** `use` given a copy of stepping-guest.asm (with its macros) in a folder of its own, to edit before a restart; removed after. */
  async function withSteppingCopy(use: (guest: string) => Promise<void>): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-restart-'));
    try {
      const guest = path.join(dir, 'guest.asm');
      fs.copyFileSync(STEPPING_GUEST, guest);
      fs.copyFileSync(STEPPING_MACROS, path.join(dir, path.basename(STEPPING_MACROS)));
      await use(guest);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  beforeEach(() => { client = new DapClient(); });
  afterEach(() => {
    client.kill();
    assert.deepEqual(client.invalid, [], 'messages that do not match the DAP schema');
  });

  /** Launches the guest with breakpoints on `lines` of `file` and returns the address of the first stop. */
  async function launchTo(file: string, lines: number[]): Promise<string | undefined> {
    await start(client, { program: STEPPING_GUEST }, async (c) => {
      await c.ok('setBreakpoints', { source: { path: file }, breakpoints: lines.map((line) => ({ line })) });
    });
    assert.equal((await client.stopped(0)).body.reason, 'breakpoint');
    return (await topFrame(client)).instructionPointerReference;
  }

  /** Runs a step (or continue) and returns the address it stopped at. */
  async function step(command: string, args: Record<string, unknown> = {}): Promise<string | undefined> {
    const from = client.events.length;
    await client.ok(command, { threadId: 1, ...args });
    const stop = await Promise.race([client.stopped(from), client.event('terminated', () => true, from)]);
    assert.equal(stop.event, 'stopped', `${command} ran the guest to its end`);
    return (await topFrame(client)).instructionPointerReference;
  }

  it('an instruction breakpoint inside an instruction (where the code starts none) is not verified and says where the instruction starts', async () => {
    await start(client, { program: STEPPING_GUEST, stopOnEntry: true });
    await client.stopped(0);
    // nasm lists `mov esp, stack_top` as BC[00040000], 5 bytes (MOV r32, imm32: B8+rd id, SDM Vol. 2), then `push eax` (50).
    const mov = listed('mov esp, stack_top');
    const inside = hex8(Number(mov) + 1);
    const r = await client.ok<DebugProtocol.SetInstructionBreakpointsResponse>('setInstructionBreakpoints', {
      breakpoints: [{ instructionReference: inside }, { instructionReference: mov, offset: 5 }],
    });
    const [mid, next] = r.body.breakpoints;
    // Breakpoint.verified: "the breakpoint could be set"; reason `failed`: "not able to be verified, and the adapter
    // does not believe it can be verified without intervention"; message: "why a breakpoint could not be verified".
    assert.equal(mid.verified, false);
    assert.equal(mid.reason, 'failed');
    assert.match(mid.message ?? '', new RegExp(`^${inside} is inside .*mov esp.* from ${mov}\\b`));
    // The one at the next instruction's start (offset 5 = the MOV's length) is set, where nasm put `push eax`.
    assert.equal(hex8(Number(mov) + 5), listed('push eax'));
    assert.equal(next.verified, true);
    assert.equal(next.reason, undefined);
    assert.equal(next.instructionReference, listed('push eax'));
  });

  it('next by line after a PUSH stops on the next line: the frame being stepped moves down with ESP', async () => {
    assert.equal(await launchTo(STEPPING_GUEST, [lineOf(STEPPING_GUEST, 'push eax')]), listed('push eax'));
    assert.equal(await step('next'), listed('push ebx'));
    assert.equal(await step('next'), listed('call outer'));
    // Over the call (its callee pushes and calls in turn), to the line after it.
    assert.equal(await step('next'), listed('pop ebx'));
    assert.equal(await step('next'), listed('pop eax'));
  });

  it('step out of a routine that pushed an argument for a callee returning with RET 4 returns to its caller', async () => {
    assert.equal(await launchTo(STEPPING_GUEST, [lineOf(STEPPING_GUEST, 'call add_stdcall')]), listed('call add_stdcall'));
    // The callee's RET 4 takes ESP above where it was at the step out: still `outer`'s frame.
    assert.equal(await step('stepOut'), listed('pop ebx'));
  });

  it('next and stepIn by line from one call of a one-line macro stop at its next call, on the next line', async () => {
    assert.equal(await launchTo(STEPPING_GUEST, [lineOf(STEPPING_GUEST, 'zero ecx')]), listed('xor %1, %1', 0));
    // `zero edx`: the macro's same body line, from the next call.
    assert.equal(await step('next'), listed('xor %1, %1', 1));
    assert.equal(await step('next'), listed('inc %1', 0));
    await client.ok('goto', { threadId: 1, targetId: (await client.ok<DebugProtocol.GotoTargetsResponse>('gotoTargets', { source: { path: STEPPING_GUEST }, line: lineOf(STEPPING_GUEST, 'zero ecx') })).body.targets[0].id });
    assert.equal((await topFrame(client)).instructionPointerReference, listed('xor %1, %1', 0));
    assert.equal(await step('stepIn'), listed('xor %1, %1', 1));
  });

  it('a breakpoint on a macro\'s body line stops in every call of the macro', async () => {
    const body = lineOf(STEPPING_MACROS, 'xor %1, %1');
    assert.equal(await launchTo(STEPPING_MACROS, [body]), listed('xor %1, %1', 0));
    assert.equal((await topFrame(client)).line, body);
    // `zero edx`, the next line: the same body line's code at the second call.
    assert.equal(await step('continue'), listed('xor %1, %1', 1));
    assert.equal((await topFrame(client)).line, body);
  });

  it('every register\'s evaluateName evaluates to the value shown, IOPL\'s too, and IOPL is set as EFLAGS bits 12-13', async () => {
    await launchTo(STEPPING_GUEST, [lineOf(STEPPING_GUEST, 'push eax')]);
    const scopes = await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: (await topFrame(client)).id });
    const named: DebugProtocol.Variable[] = [];
    const walk = async (ref: number, depth: number): Promise<void> => {
      for (const v of (await client.ok<DebugProtocol.VariablesResponse>('variables', { variablesReference: ref })).body.variables) {
        if (v.evaluateName !== undefined) named.push(v);
        if (v.variablesReference > 0 && depth < 2) await walk(v.variablesReference, depth + 1);
      }
    };
    for (const scope of scopes.body.scopes) await walk(scope.variablesReference, 0);
    assert.ok(named.some((v) => v.evaluateName === 'iopl'));
    // DAP Variable.evaluateName: an expression the evaluate request can fetch the variable's value with.
    for (const v of named) {
      const r = await client.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: v.evaluateName, context: 'watch' });
      assert.equal(r.success, true, `${v.name}: \`${v.evaluateName}' does not evaluate: ${r.message}`);
      assert.equal(Number(r.body.result.split(' ')[0]), Number(v.value.split(' ')[0]), `${v.name} (${v.evaluateName})`);
    }
    const value = async (e: string): Promise<number> => Number((await evaluate(client, e)).split(' ')[0]);
    const eflags = await value('eflags');
    const flags = scopes.body.scopes.find((sc) => sc.name === 'EFLAGS');
    assert.ok(flags !== undefined);
    await client.ok('setVariable', { variablesReference: flags.variablesReference, name: 'IOPL', value: '3' });
    // IOPL is EFLAGS bits 12 and 13 (SDM Vol. 1 §3.4.3.3); nothing else changes.
    assert.equal(await value('eflags'), (eflags | 0x3000) >>> 0);
    assert.equal(await value('iopl'), 3);
    const refused = await client.request('setVariable', { variablesReference: flags.variablesReference, name: 'IOPL', value: '4' });
    assert.equal(refused.success, false);
  });

  it('restart after the source changed places its source breakpoints again, from their lines, in the new code', async () => {
    await withSteppingCopy(async (guest) => {
      const line = lineOf(STEPPING_GUEST, 'add eax, 1');
      await start(client, { program: guest }, async (c) => { await c.ok('setBreakpoints', { source: { path: guest }, breakpoints: [{ line }] }); });
      await client.stopped(0);
      assert.equal((await topFrame(client)).instructionPointerReference, listed('add eax, 1'));
      // An edit that keeps every line where it was (VS Code sends no setBreakpoints for it, nor on restart): the code after `push 500` moves.
      fs.copyFileSync(STEPPING_GUEST.replace(/\.asm$/, '-edited.asm'), guest);
      const edited = listedRows(STEPPING_GUEST.replace(/\.asm$/, '-edited.lst')).find((r) => r.text === 'add eax, 1');
      assert.ok(edited !== undefined);
      const from = client.events.length;
      await client.ok('restart', {});
      const stop = await Promise.race([client.stopped(from), client.event('terminated', () => true, from)]);
      assert.equal(stop.event, 'stopped', 'the restarted guest ran to its end without stopping at the breakpoint');
      assert.equal((stop as DebugProtocol.StoppedEvent).body.reason, 'breakpoint');
      const top = await topFrame(client);
      assert.deepEqual([top.instructionPointerReference, top.line], [hex8(0x100000 + edited.offset), line]);
      const changed = await client.event<DebugProtocol.BreakpointEvent>('breakpoint', () => true, from);
      assert.deepEqual([changed.body.reason, changed.body.breakpoint.line, changed.body.breakpoint.instructionReference], ['changed', line, hex8(0x100000 + edited.offset)]);
    });
  });

  it('restart after the source changed places its function breakpoints at their names\' new addresses', async () => {
    await withSteppingCopy(async (guest) => {
      await start(client, { program: guest }, async (c) => { await c.ok('setFunctionBreakpoints', { breakpoints: [{ name: 'add_stdcall' }] }); });
      await client.stopped(0);
      assert.equal((await topFrame(client)).instructionPointerReference, listed('mov eax, [esp+4]'));
      fs.copyFileSync(STEPPING_GUEST.replace(/\.asm$/, '-edited.asm'), guest);
      const edited = listedRows(STEPPING_GUEST.replace(/\.asm$/, '-edited.lst')).find((r) => r.text === 'mov eax, [esp+4]');
      assert.ok(edited !== undefined);
      const from = client.events.length;
      await client.ok('restart', {});
      const stop = await Promise.race([client.stopped(from), client.event('terminated', () => true, from)]);
      assert.equal(stop.event, 'stopped', 'the restarted guest ran to its end without stopping at the function breakpoint');
      assert.equal((stop as DebugProtocol.StoppedEvent).body.reason, 'function breakpoint');
      assert.equal((await topFrame(client)).instructionPointerReference, hex8(0x100000 + edited.offset));
      const changed = await client.event<DebugProtocol.BreakpointEvent>('breakpoint', () => true, from);
      assert.equal(changed.body.breakpoint.instructionReference, hex8(0x100000 + edited.offset));
    });
  });

  it('restart after the source changed checks its instruction breakpoints again: one the new code has an instruction across is not set, and says so', async () => {
    await withSteppingCopy(async (guest) => {
      // An instruction of the old code whose address the edited code (push 5 made push 500) has inside an instruction, per nasm's two listings.
      const edited = listedRows(STEPPING_GUEST.replace(/\.asm$/, '-edited.lst')).filter((r) => r.bytes !== '' && !r.bytes.startsWith('<'));
      const size = (r: { bytes: string }): number => r.bytes.replace(/[^0-9a-f]/gi, '').length / 2;
      const across = (offset: number) => edited.find((r) => r.offset < offset && offset < r.offset + size(r));
      const old = rows.find((r) => r.bytes !== '' && !r.bytes.startsWith('<') && !/^(d[bwd]|times)\b/.test(r.text) && r.offset > 0 && across(r.offset) !== undefined && !/^d[bwd]\b/.test(across(r.offset)!.text));
      assert.ok(old !== undefined);
      const address = hex8(0x100000 + old.offset);
      let set: DebugProtocol.SetInstructionBreakpointsResponse | undefined;
      await start(client, { program: guest, stopOnEntry: true }, async (c) => {
        set = await c.ok<DebugProtocol.SetInstructionBreakpointsResponse>('setInstructionBreakpoints', { breakpoints: [{ instructionReference: address }] });
      });
      assert.equal(set?.body.breakpoints[0].verified, true);
      await client.stopped(0);
      fs.copyFileSync(STEPPING_GUEST.replace(/\.asm$/, '-edited.asm'), guest);
      const from = client.events.length;
      await client.ok('restart', {});
      const changed = await client.event<DebugProtocol.BreakpointEvent>('breakpoint', (e) => e.body.breakpoint.id === set?.body.breakpoints[0].id, from);
      assert.equal(changed.body.reason, 'changed');
      assert.equal(changed.body.breakpoint.verified, false);
      assert.equal(changed.body.breakpoint.reason, 'failed');
      assert.match(changed.body.breakpoint.message ?? '', new RegExp(`^${address} is inside \`${across(old.offset)!.text.split(' ')[0]}`));
    });
  });

  it('the disassembly VS Code asks for around the PC shows each instruction where nasm put it, after the header\'s data too', async () => {
    const pc = await launchTo(STEPPING_GUEST, [lineOf(STEPPING_GUEST, 'call outer')]);
    // VS Code's disassembly view first asks for 400 instructions, 200 of them before the PC.
    const r = await client.ok<DebugProtocol.DisassembleResponse>('disassemble', { memoryReference: pc, offset: 0, instructionOffset: -200, instructionCount: 400, resolveSymbols: true });
    const shown = r.body?.instructions ?? [];
    assert.equal(shown.length, 400);
    assert.equal(shown[200].address, pc);
    // Every instruction nasm lists from `start` on is shown at its address, with its bytes: after_banner's too,
    // which follows a string whose "i" decodes as the start of a 6-byte IMUL.
    const code = rows.slice(rows.findIndex((row) => row.text === 'mov esp, stack_top'))
      .filter((row) => row.bytes !== '' && !row.bytes.startsWith('<') && !/^d[bwd]\b/.test(row.text));
    assert.ok(code.length >= 20);
    for (const row of code) {
      const at = shown.find((i) => i.address === hex8(0x100000 + row.offset));
      assert.ok(at !== undefined, `${row.text} at ${hex8(0x100000 + row.offset)} is not shown: ${JSON.stringify(shown.filter((i) => Math.abs(Number(i.address) - 0x100000 - row.offset) < 8))}`);
      if (!row.bytes.includes('[')) assert.equal(at.instructionBytes?.replace(/ /g, ''), row.bytes.toLowerCase(), row.text);
    }
  });
});

describe('debug adapter: COM1 input, in the Debug Console or a terminal of its own', function () {
  this.timeout(20000);
  let client: DapClient;
  const terminals: ChildProcess[] = [];

  beforeEach(() => { client = new DapClient(); });
  afterEach(() => {
    client.kill();
    for (const t of terminals.splice(0)) t.kill();
    assert.deepEqual(client.invalid, [], 'messages that do not match the DAP schema');
  });

  const outputs = (category: string): string => client.events
    .filter((e): e is DebugProtocol.OutputEvent => e.event === 'output' && (e.body.category ?? 'console') === category)
    .map((e) => e.body.output).join('');
  async function until(test: () => boolean): Promise<void> {
    while (!test()) await client.event('output');
  }
  /** A Debug Console line the adapter refuses, saying `message`. */
  async function refused(expression: string, message: RegExp): Promise<void> {
    const r = await client.request('evaluate', { expression, context: 'repl' });
    assert.deepEqual([r.success, message.test(r.message ?? '')], [false, true], r.message);
  }
  const initialize = (supportsRunInTerminalRequest: boolean): Promise<DebugProtocol.Response> =>
    client.ok('initialize', { adapterID: 'ringside', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsRunInTerminalRequest });
  async function launch(args: Record<string, unknown>): Promise<void> {
    const initialized = client.event('initialized');
    await client.ok('launch', args);
    await initialized;
    await client.ok('configurationDone');
  }
  /**
   * Answers runInTerminal as a client does: runs its command (here with pipes for the terminal),
   * `delayMs` later (VS Code starts a shell first), its output read unless `unread`.
   */
  function runTerminals({ delayMs = 0, unread = false } = {}): { asked: DebugProtocol.RunInTerminalRequestArguments[]; output: () => string; type: (text: string) => void; exited: Promise<number | null> } {
    const asked: DebugProtocol.RunInTerminalRequestArguments[] = [];
    let out = '';
    let started: (t: ChildProcess) => void = () => undefined;
    const child = new Promise<ChildProcess>((resolve) => { started = resolve; });
    client.answer = (r) => {
      const a = r.arguments as DebugProtocol.RunInTerminalRequestArguments;
      asked.push(a);
      const env = { ...process.env };
      for (const [k, v] of Object.entries(a.env ?? {})) {
        if (v === null) delete env[k];
        else env[k] = v;
      }
      setTimeout(() => {
        const t: ChildProcess = spawn(a.args[0], a.args.slice(1), { cwd: a.cwd, env, stdio: ['pipe', 'pipe', 'inherit'] });
        if (!unread) t.stdout!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
        terminals.push(t);
        started(t);
      }, delayMs);
      return { body: {} };
    };
    return {
      asked, output: () => out,
      type: (text) => { void child.then((t) => t.stdin!.write(text)); },
      exited: child.then((t) => new Promise((resolve) => t.on('exit', resolve))),
    };
  }

  it('the launch types serialInput; `serial TEXT` types more while the guest sleeps for it, running', async () => {
    await initialize(false);
    await launch({ program: ECHO_IRQ, serialInput: 'hello, ' });
    await until(() => /waiting for input on COM1/.test(outputs('console')));
    assert.match(outputs('console'), /^the guest is halted at 0x[0-9a-f]+ with interrupts on, waiting for input on COM1 \(type here: serial TEXT, with \\r for Enter\)\n$/m);
    assert.equal(outputs('stdout'), 'hello, ');
    assert.ok(!client.events.some((e) => e.event === 'terminated' || e.event === 'stopped'), 'the guest waits, running');
    assert.equal(await evaluate(client, 'serial irq'), 'typed 3 bytes into COM1');
    await refused('serial \\q', /unknown escape `\\q' at column 8\b/);
    await refused('serial', /needs the text/);
    const exited = client.event<DebugProtocol.ExitedEvent>('exited');
    assert.equal(await evaluate(client, 'serial \\x2e'), 'typed 1 byte into COM1');
    assert.equal((await exited).body.exitCode, 10);
    assert.equal(outputs('stdout'), 'hello, irq');
  });

  it('restart types serialInput again into the restarted guest', async () => {
    await initialize(false);
    await launch({ program: ECHO_IRQ, serialInput: 'ab', stopOnEntry: true });
    await client.stopped(0);
    await client.ok('continue', { threadId: 1 });
    await until(() => /waiting for input/.test(outputs('console')));
    let from = client.events.length;
    await client.ok('pause', { threadId: 1 });
    await client.stopped(from);
    from = client.events.length;
    await client.ok('restart', {});
    await client.stopped(from);
    const exited = client.event<DebugProtocol.ExitedEvent>('exited');
    await client.ok('continue', { threadId: 1 });
    while (outputs('stdout') !== 'abab') await client.event('output');
    assert.equal(await evaluate(client, 'serial .'), 'typed 1 byte into COM1');
    // The count is the restarted guest's alone: `ab` typed again, then `.`.
    assert.equal((await exited).body.exitCode, 2);
  });

  it('"console": "integratedTerminal" puts COM1 in a terminal through runInTerminal: keys in, output out', async () => {
    await initialize(true);
    const terminal = runTerminals();
    await launch({ program: ECHO_IRQ, console: 'integratedTerminal', serialInput: 'hel' });
    while (terminal.output() !== 'hel') await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual([terminal.asked.length, terminal.asked[0].kind, terminal.asked[0].title], [1, 'integrated', 'COM1: echo-irq.gasm']);
    const exited = client.event<DebugProtocol.ExitedEvent>('exited');
    terminal.type('lo, irq.');
    assert.equal((await exited).body.exitCode, 10);
    // (The terminal's program passes the echo on after the adapter has sent it: it may come after the exit.)
    // The guest's echo, then Ringside's farewell on a line of its own.
    const farewell = 'hello, irq\r\n[Ringside: guest wrote 10 to isa-debug-exit; exit code 10]\r\n';
    while (terminal.output() !== farewell) await new Promise((r) => setTimeout(r, 10));
    assert.equal(outputs('stdout'), '', 'none of COM1 in the Debug Console');
    await client.ok('disconnect', {});
    assert.equal(await terminal.exited, 0, 'the terminal\'s program ends with the session');
  });

  it('COM1 comes back to the Debug Console, saying why, where the terminal cannot be had or is closed', async () => {
    await initialize(false);
    await launch({ program: ECHO_IRQ, console: 'integratedTerminal', serialInput: 'a' });
    await until(() => outputs('stdout') === 'a');
    assert.match(outputs('console'), /COM1 is in the Debug Console \(type into it with `serial TEXT`\): this client cannot open a terminal for it \(no runInTerminal\)/);
    client.kill();

    client = new DapClient();
    await initialize(true);
    client.answer = () => ({ message: 'no terminal here' });
    await launch({ program: ECHO_IRQ, console: 'integratedTerminal', serialInput: 'b' });
    await until(() => outputs('stdout') === 'b');
    assert.match(outputs('console'), /COM1 is in the Debug Console now \(type into it with `serial TEXT`\): the client could not start it \(no terminal here\)/);
    client.kill();

    client = new DapClient();
    await initialize(true);
    const terminal = runTerminals();
    await launch({ program: ECHO_IRQ, console: 'integratedTerminal', serialInput: 'c' });
    while (terminal.output() !== 'c') await new Promise((r) => setTimeout(r, 10));
    terminals[0].kill();
    await until(() => /the COM1 terminal was closed/.test(outputs('console')));
    await evaluate(client, 'serial d');
    await until(() => outputs('stdout') === 'd');
  });

  it('the guest starts once its terminal is there: a guest done before a slow terminal starts loses nothing', async () => {
    await initialize(true);
    const terminal = runTerminals({ delayMs: 1500 });
    const exited = client.event<DebugProtocol.ExitedEvent>('exited');
    await launch({ program: ECHO_POLL, console: 'integratedTerminal', serialInput: 'hello, guest.' });
    assert.equal((await exited).body.exitCode, 12);
    assert.equal(terminals.length, 1, 'the guest ran to its end before its terminal was started');
    const expected = 'HELLO, GUEST\r\n[Ringside: guest wrote 12 to isa-debug-exit; exit code 12]\r\n';
    while (terminal.output() !== expected) await new Promise((r) => setTimeout(r, 10));
    assert.equal(outputs('stdout'), '');
  });

  it('a restart after the exit goes on in the same terminal', async () => {
    await initialize(true);
    const terminal = runTerminals();
    let exited = client.event<DebugProtocol.ExitedEvent>('exited');
    await launch({ program: ECHO_IRQ, console: 'integratedTerminal', serialInput: 'ab.' });
    assert.equal((await exited).body.exitCode, 2);
    exited = client.event<DebugProtocol.ExitedEvent>('exited', () => true, client.events.length);
    await client.ok('restart', {});
    assert.equal((await exited).body.exitCode, 2);
    const line = 'ab\r\n[Ringside: guest wrote 2 to isa-debug-exit; exit code 2]\r\n';
    while (terminal.output() !== line + line) await new Promise((r) => setTimeout(r, 10));
  });

  it('a terminal that does not keep up holds the guest back, as a slow pipe holds a program', async () => {
    await initialize(true);
    runTerminals({ unread: true });
    await launch({ program: PRINT_FOREVER, console: 'integratedTerminal' });
    const instructions = async (): Promise<number> => ((await client.ok('ringside/rings', {})).body as RingsResponse).vcpus[0].instructions;
    // Once the terminal's pipe and the socket are full, the guest waits: a few batches at most in
    // a second, where it runs hundreds of millions of instructions a second unheld.
    await new Promise((r) => setTimeout(r, 1500));
    const before = await instructions();
    await new Promise((r) => setTimeout(r, 1000));
    const after = await instructions();
    assert.ok(after - before < 2_000_000, `${after - before} instructions in a second while held`);
    const from = client.events.length;
    await client.ok('pause', { threadId: 1 });
    assert.equal((await client.stopped(from)).body.reason, 'pause');
  });

  it('shows guest output in the Debug Console as UTF-8, the bytes `serial` types', async () => {
    await initialize(false);
    await launch({ program: ECHO_IRQ, serialInput: 'é→' });
    await until(() => /waiting for input/.test(outputs('console')));
    assert.equal(outputs('stdout'), 'é→');
    const exited = client.event<DebugProtocol.ExitedEvent>('exited');
    assert.equal(await evaluate(client, 'serial \\xe2\\x82\\xac.'), 'typed 4 bytes into COM1');
    // The byte count: é (2), → (3), € (3).
    assert.equal((await exited).body.exitCode, 8);
    assert.equal(outputs('stdout'), 'é→€');
  });

  it('`serial` says where its text is wrong, and types nothing once the session has ended', async () => {
    await initialize(false);
    await launch({ program: ECHO_IRQ, stopOnEntry: true });
    await client.stopped(0);
    await refused('serial abc\\', /unknown escape `\\' at column 11\b/);
    await refused('serial \\x4', /`\\x' needs two hex digits at column 8\b/);
    await client.ok('terminate', {});
    await refused('serial a', /the session was terminated: nothing reads COM1 any more/);
  });

  it('pause while the guest waits for its terminal stops it there, before it has run', async () => {
    await initialize(true);
    client.answer = () => ({ body: {} });
    await launch({ program: ECHO_IRQ, console: 'integratedTerminal' });
    await client.ok('pause', { threadId: 1 });
    const stop = await client.stopped(0);
    assert.deepEqual([stop.body.reason, stop.body.text], ['pause', 'paused before the guest started (its COM1 terminal had not joined yet)']);
    assert.equal((await topFrame(client)).line, lineOf(ECHO_IRQ, 'mov esp, stack_top'));
  });

  it('a restart while the guest waits for its terminal takes over from that start', async () => {
    await initialize(true);
    runTerminals({ delayMs: 1500 });
    const initialized = client.event('initialized');
    await client.ok('launch', { program: SPIN, console: 'integratedTerminal' });
    await initialized;
    await client.ok('setBreakpoints', { source: { path: SPIN }, breakpoints: [{ line: lineOf(SPIN, 'inc eax') }] });
    await client.ok('configurationDone');
    await client.ok('restart', {});
    assert.equal((await client.stopped(0)).body.reason, 'breakpoint');
    // The terminal joins later: the guest stays where it stopped.
    while (terminals.length === 0) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await topFrame(client)).line, lineOf(SPIN, 'inc eax'));
    assert.equal(client.events.filter((e) => e.event === 'stopped').length, 1);
  });

  it('leaves no socket file behind when it ends before the terminal joined', async () => {
    await initialize(true);
    let address = '';
    client.answer = (r) => {
      address = (r.arguments as DebugProtocol.RunInTerminalRequestArguments).args[2];
      return { body: {} };
    };
    await launch({ program: ECHO_IRQ, console: 'integratedTerminal' });
    while (address === '') await new Promise((r) => setTimeout(r, 10));
    assert.ok(fs.existsSync(address), 'listening');
    client.kill();
    await client.exited;
    assert.equal(fs.existsSync(address), false);
  });

  it('refuses a launch whose serialInput or console is not one', async () => {
    await initialize(false);
    for (const [args, message] of [
      [{ serialInput: 7 }, /`serialInput` must be a string/],
      [{ console: 'externalTerminal' }, /`console` must be "internalConsole" .* or "integratedTerminal"/],
    ] as const) {
      const r = await client.request('launch', { program: ECHO_IRQ, ...args });
      assert.deepEqual([r.success, message.test(r.message ?? '')], [false, true], r.message);
    }
  });
});

describe('debug adapter: its bundle loaded through the code cache (core/src/startup/codeCache.ts)', function () {
  this.timeout(20000);
  let folder: string;
  beforeEach(() => { folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-adapter-cache-')); });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  /** A session in a fresh adapter: stopped on entry at hello.gasm's first line; the adapter ended as VS Code ends it. */
  async function session(args: string[]): Promise<DebugProtocol.StackFrame> {
    const client = new DapClient(args);
    try {
      const stopped = client.stopped();
      await start(client, { program: HELLO, stopOnEntry: true });
      await stopped;
      const frame = await topFrame(client);
      await client.ok('disconnect', {});
      await client.exited;
      assert.deepEqual(client.invalid, []);
      return frame;
    } finally {
      client.kill();
    }
  }
  const caches = (): fs.Stats[] => fs.readdirSync(folder).filter((n) => /^debugAdapter-main\.js-[0-9a-f]{32}\.v8-code-cache$/.test(n)).map((n) => fs.statSync(path.join(folder, n)));

  it('the first adapter writes it as it ends; the next takes it (and so does not write it again), and debugs the same', async () => {
    const first = await session([`--code-cache=${folder}`]);
    const [written] = caches();
    assert.ok(written !== undefined, 'a cache is written');
    const second = await session([`--code-cache=${folder}`]);
    assert.deepEqual(caches().map((c) => c.mtimeMs), [written.mtimeMs], 'V8 took the cache: it is not written anew');
    assert.deepEqual(second, first);
    assert.equal(first.source?.path, HELLO);
  });

  it('none with --no-code-cache', async () => {
    await session(['--no-code-cache', `--code-cache=${folder}`]);
    assert.deepEqual(caches(), []);
  });
});
