// Fuzzes the debug adapter (dist/debugAdapter.js) for as long as asked: one adapter per launch, as
// VS Code starts them, each launching a guest made by mutating the examples and the runtime/DAP test
// guests (lines deleted, duplicated, changed; random data bytes; faulting and privileged snippets;
// techniques), or a mutated multiboot image, with random launch attributes good and bad; then a random
// sequence of every request the adapter supports, with arguments in and out of range and stale
// handles. Every message is validated against the DAP schema (../shared/spec/debugAdapterProtocol.json).
// Reports what the protocol test's fixed cases cannot see: the adapter's exit, anything on its stderr,
// an error response that is a JS exception (the library turns a handler's throw into one), a schema
// violation, a request unanswered for 10 s, and a pause that does not stop the guest (STYLE.md §6).
// Usage: node scripts/fuzz-dap.mjs [SEED] [LAUNCHES]   (npm run fuzz:dap -- SEED LAUNCHES)
// Exit status 1 when it found anything; the findings, with the guests, go to a JSON file.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = Number(process.argv[2] ?? Date.now() % 100000);
const LAUNCHES = Number(process.argv[3] ?? 30);
const REQUESTS = 40;
const TIMEOUT_MS = 10_000;
/** How long a run command may go before the fuzzer pauses it. */
const RUN_MS = 400;

let state = SEED >>> 0 || 1;
function rand(n) {
  state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
  return state % Math.max(1, n);
}
const pick = (a) => a[rand(a.length)];
const chance = (n) => rand(n) === 0;

// ---- schema ------------------------------------------------------------------------------------

const Ajv = AjvModule.default ?? AjvModule;
const schema = JSON.parse(readFileSync(join(root, '..', 'shared', 'spec', 'debugAdapterProtocol.json'), 'utf8'));
delete schema.$schema;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ ...schema, $id: 'dap' });
const validators = new Map();
function validate(m) {
  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  let def = 'ProtocolMessage';
  if (m.type === 'response') def = m.success === false ? 'ErrorResponse' : schema.definitions[`${cap(m.command ?? '')}Response`] ? `${cap(m.command)}Response` : 'Response';
  else if (m.type === 'event') def = schema.definitions[`${cap(m.event ?? '')}Event`] ? `${cap(m.event)}Event` : 'Event';
  let v = validators.get(def);
  if (v === undefined) validators.set(def, v = ajv.compile({ $ref: `dap#/definitions/${def}` }));
  return v(m) ? undefined : `${def}: ${ajv.errorsText(v.errors)}`;
}

// ---- guests ------------------------------------------------------------------------------------

const workspace = mkdtempSync(join(tmpdir(), 'ringside-fuzz-dap-'));
const INCLUDES = [join(root, 'examples/include'), join(root, 'examples/kernel'), join(root, 'examples/pv')];
const corpus = [];
for (const dir of ['examples/hello', 'examples/kernel', 'examples/pv', 'examples/sensitive', 'test/fixtures/dap', 'test/fixtures/runtime']) {
  for (const f of readdirSync(join(root, dir))) if (/\.(gasm|asm)$/.test(f)) corpus.push({ name: f, text: readFileSync(join(root, dir, f), 'latin1') });
}
/** Images nasm makes from the corpus, to mutate byte-wise. */
const images = [];
for (const { name, text } of corpus) {
  const src = join(workspace, `img-${name}`), out = join(workspace, `img-${name}.bin`);
  writeFileSync(src, text, 'latin1');
  const r = spawnSync('nasm', ['-f', 'bin', ...INCLUDES.map((i) => `-I${i}/`), src, '-o', out]);
  if (r.status === 0 && existsSync(out)) images.push(new Uint8Array(readFileSync(out)));
}

/** Instructions that meet the machine, the runtime and the adapter in ways the guests do not. */
const SNIPPETS = [
  'int3', 'ud2', 'hlt', 'cli\n hlt', 'jmp $', 'nop', 'int 0x80', 'int 0x82', 'into', 'iret', 'retf', 'ret', 'ret 0xfffc', 'sysenter', 'sysexit',
  'xor ecx, ecx\n div ecx', 'mov eax, [0xfffffff0]', 'mov dword [0xfffffffc], 1', 'mov eax, [esp+0x7fffffff]', 'lidt [0]', 'lgdt [0]',
  'mov eax, cr0\n or eax, 0x80000000\n mov cr0, eax', 'mov eax, 0x1000\n mov cr3, eax', 'xor eax, eax\n mov cr0, eax', 'mov cr4, eax',
  'invlpg [eax]', 'ltr ax', 'lldt ax', 'mov ss, ax', 'mov ds, ax', 'mov eax, 0x23\n mov ds, ax', 'push 0x1b\n push 0\n retf', 'call $+5',
  'call 0', 'jmp 0x8:0', 'jmp 0xffffffff', 'mov esp, 0', 'mov esp, 1', 'push eax', 'pop eax', 'pushf\n pop eax', 'popf', 'sti', 'cld\n std',
  'mov ecx, 0xffffffff\n rep stosd', 'mov ecx, 0x40000000\n rep movsb', 'repne scasb', 'mov dx, 0xf4\n out dx, al', 'mov al, 0x41\n mov dx, 0x3f8\n out dx, al',
  'in al, 0x60', 'out 0x80, al', 'loop $', 'bound eax, [eax]', 'arpl ax, bx', 'mov dr7, eax', 'mov eax, dr6', 'wbinvd', 'rdtsc', 'cpuid', 'rdmsr', 'wrmsr',
  'mov [ebp-4], esp', 'push ebp\n mov ebp, esp', 'leave', 'enter 0xffff, 31', 'jmp short $+2', 'lock add [eax], eax', 'lock nop', 'db 0x0f, 0xff',
  'db 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0x90', 'times 20 db 0x66', 'db 0xcd',
  'mov byte [$+7], 0x90', 'fld1', 'fninit', 'movd mm0, eax', 'clts', 'smsw ax', 'lmsw ax', 'pushad\n popad', 'xchg esp, eax', 'aam 0',
];
const TECHNIQUES = ['bt', 'pv', 'te', 'hw', 'native', 'none', 'bogus', '', 'constructor', '__proto__'];
const MNEMONICS = ['mov', 'add', 'sub', 'jmp', 'call', 'push', 'pop', 'int', 'out', 'in', 'lea', 'cmp', 'xor', 'iret', 'ret', 'hlt', 'nop', 'inc', 'dec', 'div'];

function mutateSource(text) {
  const lines = text.split('\n');
  for (let k = 1 + rand(5); k > 0; k--) {
    const i = rand(lines.length), l = lines[i] ?? '';
    switch (rand(8)) {
      case 0: lines.splice(i, 1 + rand(3)); break;
      case 1: lines.splice(i, 0, ...lines.slice(i, i + 1 + rand(3))); break;
      case 2: lines.splice(i, 0, `        ${pick(SNIPPETS)}`); break;
      case 3: lines[i] = l.replace(/^(\s*(?:[\w.]+:\s*)?)([a-z]+)/i, (_, a) => `${a}${pick(MNEMONICS)}`); break;
      case 4: lines.splice(i, 0, `        db ${Array.from({ length: 1 + rand(16) }, () => `0x${rand(256).toString(16)}`).join(', ')}`); break;
      case 5: lines.splice(rand(Math.min(lines.length, 20)), 0, `%pragma ringside technique ${pick(TECHNIQUES)}`); break;
      case 6: lines[i] = l.replace(/\b(0x[0-9a-f]+|\d+)\b/i, () => pick(['0', '1', '0xffffffff', '0x80000000', `${rand(65536)}`, '-1'])); break;
      default: lines[i] = l.slice(0, rand(l.length + 1));
    }
  }
  return lines.join('\n');
}

function mutateImage(bytes) {
  const b = new Uint8Array(rand(4) === 0 ? bytes.slice(0, rand(bytes.length + 1)) : bytes);
  for (let k = rand(20); k > 0 && b.length > 0; k--) b[rand(b.length)] = rand(256);
  return b;
}

let guestCount = 0;
/** A program to launch: its path and, for sources, its lines (to aim breakpoints). */
function makeGuest() {
  const n = guestCount++;
  const roll = rand(10);
  if (roll === 0 && images.length > 0) {
    const file = join(workspace, `g${n}.${pick(['bin', 'bin', 'img', 'elf', 'kernel'])}`);
    writeFileSync(file, chance(8) ? new Uint8Array(Array.from({ length: rand(64) }, () => rand(256))) : mutateImage(pick(images)));
    return { file, text: undefined };
  }
  const base = pick(corpus);
  const text = roll === 1 ? base.text : mutateSource(base.text);
  const file = join(workspace, `g${n}-${base.name}`);
  writeFileSync(file, text, 'latin1');
  return { file, text };
}

// ---- launch attributes ---------------------------------------------------------------------------

const FLAGS = ['-O0', '-O1', '-Ox', '-DDEBUG', '-DX=1', '-UX', '-I', 'inc/', '-Pmissing.inc', '-w+all', '-Werror', '-o', 'x.bin', '-felf',
  '-fbin', '--limit-rep', '2', '--before', 'bits 16', '--pragma', 'x', '-E', '--no-line', '-', '', '-O', '-D'];
const maybe = (v) => (chance(2) ? v : undefined);
function launchArguments(guest) {
  const good = !chance(5);
  const odd = (values) => (good ? undefined : pick(values));
  const args = {
    program: good || chance(2) ? guest.file : pick(['', 5, null, join(workspace, 'missing.gasm'), workspace, 'relative.gasm']),
    stopOnEntry: maybe(good ? chance(2) : pick([true, 'yes', 1])),
    noDebug: chance(12) ? true : undefined,
    memory: odd([1, 0, 3841, 2.5, '32', -1, 1e9, null]) ?? maybe(pick([2, 3, 4, 16, 32, 256])),
    tlb: odd([{ entries: 3 }, { entries: 64, ways: 3 }, { ways: 0 }, { policy: 'mru' }, 'lru', [], { entries: 131072 }, { entries: 1, ways: 2 }, { policy: 'constructor' }, { policy: '__proto__' }])
      ?? maybe({ entries: maybe(pick([1, 2, 4, 16, 64, 1024, 65536])), ways: maybe(pick([1, 2, 4])), policy: maybe(pick(['lru', 'fifo', 'random'])) }),
    maxInstructions: odd([0, -1, 1.5, '10', null]) ?? maybe(pick([1, 2, 10, 100, 1000, 100000, 1e7, Number.MAX_SAFE_INTEGER, 1e300])),
    assemblerArguments: odd([[5], 'x', [null]]) ?? (chance(4) ? Array.from({ length: rand(4) }, () => pick(FLAGS)) : undefined),
    includePaths: odd([[1], 'inc', {}]) ?? (chance(6) ? [] : INCLUDES),
    commandLine: odd([5, {}]) ?? maybe(pick(['', 'quiet', 'x'.repeat(70000), '\u0000\uffff'])),
    serialInput: odd([5, {}, 'x'.repeat(2 ** 20 + 1)]) ?? maybe(pick(['', 'ab.', 'hello\r', '\u00e9\u2192', '\u0000\u0003', 'x'.repeat(5000)])),
    console: odd(['externalTerminal', 5, '']) ?? maybe(pick(['internalConsole', 'integratedTerminal'])),
    cwd: chance(10) ? pick([workspace, '/nonexistent', 7]) : undefined,
  };
  if (args.tlb !== undefined && typeof args.tlb === 'object') for (const k of Object.keys(args.tlb)) if (args.tlb[k] === undefined) delete args.tlb[k];
  return args;
}

// ---- a DAP client ----------------------------------------------------------------------------------

class Adapter {
  constructor(onInvalid) {
    this.onInvalid = onInvalid;
    this.child = spawn(process.execPath, [join(root, 'dist/debugAdapter.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.buffer = Buffer.alloc(0);
    this.seq = 1;
    this.pending = new Map();
    this.events = [];
    this.waiters = [];
    this.stderr = '';
    this.exited = undefined;
    this.terminals = [];
    this.child.stdout.on('data', (d) => this.data(d));
    this.child.stderr.on('data', (d) => { this.stderr += d; });
    this.child.stdin.on('error', () => undefined);
    this.child.on('exit', (code, signal) => {
      this.exited = `${code ?? signal}`;
      for (const w of this.waiters) w.resolve(undefined);
      for (const p of this.pending.values()) p(undefined);
    });
  }

  data(d) {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString('ascii'));
      if (!m) { this.onInvalid(`a header without Content-Length: ${this.buffer.subarray(0, end)}`); this.buffer = this.buffer.subarray(end + 4); continue; }
      const len = Number(m[1]);
      if (this.buffer.length < end + 4 + len) return;
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + len).toString('utf8'));
      this.buffer = this.buffer.subarray(end + 4 + len);
      const bad = validate(message);
      if (bad !== undefined) this.onInvalid(`${bad} in ${JSON.stringify(message).slice(0, 600)}`);
      if (message.type === 'response') {
        this.pending.get(message.request_seq)?.(message);
        this.pending.delete(message.request_seq);
      } else if (message.type === 'event') {
        this.events.push(message);
        for (const w of this.waiters.filter((x) => x.test(message))) { this.waiters.splice(this.waiters.indexOf(w), 1); w.resolve(message); }
      } else if (message.type === 'request') {
        this.reverse(message);
      }
    }
  }

  /**
   * The adapter's runInTerminal (COM1's terminal): refused, answered without a terminal ever
   * coming, or run with pipes for the terminal (typed into, its output read), at random.
   */
  reverse(message) {
    const reply = (success, body) => {
      const text = JSON.stringify({ seq: this.seq++, type: 'response', request_seq: message.seq, command: message.command, success, ...(success ? { body } : { message: 'refused by the fuzzer' }) });
      this.child.stdin.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    };
    const how = message.command === 'runInTerminal' ? rand(3) : 0;
    if (how === 0) { reply(false); return; }
    if (how === 2) {
      const [command, ...args] = message.arguments.args;
      const terminal = spawn(command, args, { cwd: message.arguments.cwd, env: { ...process.env, ...message.arguments.env }, stdio: ['pipe', 'pipe', 'ignore'] });
      terminal.on('error', () => undefined);
      terminal.stdin.on('error', () => undefined);
      terminal.stdout.on('data', () => undefined);
      terminal.stdin.write(pick(['ab.', 'hello\r', '\x03', 'x'.repeat(10000)]));
      this.terminals.push(terminal);
    }
    reply(true, {});
  }

  /** The response, or undefined (adapter gone) — or 'timeout'. */
  request(command, args) {
    if (this.exited !== undefined) return Promise.resolve(undefined);
    const seq = this.seq++;
    const text = JSON.stringify({ seq, type: 'request', command, arguments: args });
    const answer = new Promise((resolve) => this.pending.set(seq, resolve));
    this.child.stdin.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS); });
    return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
  }

  /** The next event from index `from` on whose name is in `names`, or undefined after `ms`. */
  event(names, ms, from = this.events.length) {
    const test = (e) => names.includes(e.event);
    const seen = this.events.slice(from).find(test);
    if (seen !== undefined || this.exited !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const w = { test, resolve: (e) => { clearTimeout(timer); resolve(e); } };
      const timer = setTimeout(() => { this.waiters.splice(this.waiters.indexOf(w), 1); resolve(undefined); }, ms);
      this.waiters.push(w);
    });
  }

  /** SIGKILL: a hung adapter's event loop never runs the library's SIGTERM handler. */
  kill() {
    if (this.exited === undefined) this.child.kill('SIGKILL');
    for (const t of this.terminals) t.kill('SIGKILL');
  }
}

// ---- one launch ------------------------------------------------------------------------------------

const findings = [];
let requestCount = 0;
const EXCEPTION = /TypeError|RangeError|ReferenceError|SyntaxError|Maximum call stack|is not a function|Cannot read|undefined|NaN|\bat .*\.(js|ts):\d+|\[object /;
const ADDRESSES = ['0x00100000', '0x0', '0', '0xffffffff', '0xfffffffc', '0x100000000', '-1', '-0x10', 'x', '', '0x7fffffff', '0xb8000', '99999999999999999999', '0x80000000', ' 0x1000 ', '1e3'];
const EXPRESSIONS = ['eax', 'eip', 'esp', '[esp]', '[eax]', 'byte [0xffffffff]', 'dword [0xfffffffe]', 'cr0', 'cr2', 'cr3', 'cpl', 'zf', 'eflags', 'cs', 'start',
  'start+4', '$', '1/0', '1%0', '-2147483648/-1', '0x7fffffff*0x7fffffff', '~0', '!0', '1<<40', '1>>-1', '(', ')', '[', ']', '[[[[[[[[esp]]]]]]]]', "'A'",
  "'", '"x"', '0b', '0x', '1Fh', 'eax ? 1 : 2', 'eax == 1 && ebx', 'eax = 5', 'foo', '', ' ', '\n', 'info registers', 'info tlb', 'info pt', 'info pt 0xffffffff',
  'info pt x', 'info bogus', 'info', 'help', 'translate', 'translate 0x100000', 'translate -1', 'translate [esp]', 'x/4xw esp', 'x/100000000xb 0', 'x/4i eip',
  'x/0i eip', 'x/3dh 0xfffffffe', 'x esp', 'x/', 'x/4q esp', 'x/i 0xfffffff0', `${'('.repeat(5000)}1${')'.repeat(5000)}`, '1+'.repeat(5000) + '1',
  'word [esp+ebp*4]', 'ax', 'al+ah', 'multiboot_header', 'load_end-start', '.forever', 'start.forever', 'dr7', 'tr', 'gdtr', 'idtr', '__proto__', 'constructor', 'toString', 'info constructor', 'info pt __proto__', 'x/4toString esp', 'hasOwnProperty+1',
  'serial', 'serial ', 'serial a', 'serial \\r', 'serial \\x', 'serial \\x4g', 'serial \\q', 'serial \\', `serial ${'y'.repeat(70000)}`, 'serial\t.', ' serial x'];
const CONTEXTS = ['repl', 'watch', 'hover', 'clipboard', 'variables', undefined, 'bogus'];
const LOGS = ['eax={eax}', '{', '}', '{}', '{bad(}', '{[esp]} {cr2}', 'plain', '{{eax}}', '{1/0}', '{x/4i eip}'];
const CONDITIONS = ['eax == 0', 'eax', '1', '0', '', '(', '[0xffffffff]', '1/0', 'foo', 'cpl == 3', 'cr2 >= 0x80000000'];
const HITS = ['1', '2', '>2', '>=3', '%2', '==1', '0', '-1', 'x', '', '1e9', '< 4', '%0'];
const FILTERS = ['de', 'db', 'bp', 'of', 'br', 'ud', 'nm', 'df', 'ts', 'np', 'ss', 'gp', 'pf', 'ac', 'ring-transition', 'triple-fault', 'bogus', ''];
const CUSTOM = ['ringside/rings', 'ringside/pageTables', 'ringside/tlb', 'ringside/translate', 'ringside/setTrace', 'ringside/bogus', 'bogus'];

function randomInt() {
  return pick([0, 1, 2, -1, 3, 7, 100, 1000, 0x7fffffff, 0xffffffff, -0x80000000, 2 ** 53, rand(20)]);
}

async function fuzzLaunch(n) {
  const guest = makeGuest();
  const launch = launchArguments(guest);
  const context = { launch: n, guest: guest.text ?? `(image ${guest.file})`, launchArguments: { ...launch, commandLine: typeof launch.commandLine === 'string' ? launch.commandLine.slice(0, 100) : launch.commandLine }, requests: [] };
  const report = (kind, message) => findings.push({ kind, message: message.slice(0, 3000), ...context, requests: context.requests.slice(-200) });
  let invalid = 0;
  const dap = new Adapter((message) => { if (invalid++ < 3) report('schema', message); });
  /** Handles seen in responses: the fuzzer reuses them, fresh and stale. */
  const seen = { frames: [0], refs: [0, 1, 999999], memory: ['0x00100000'], gotos: [1], dataIds: ['linear:0x00100000:4', 'physical:0x0:4096', 'linear:0xfffffffe:4', 'x'], instr: ['0x00100000'] };
  const lines = guest.text?.split('\n').length ?? 10;

  async function ask(command, args, illTyped = false) {
    requestCount++;
    context.requests.push({ command, arguments: JSON.stringify(args)?.slice(0, 300) });
    const r = await dap.request(command, args);
    if (r === 'timeout') { report('hang', `no answer to ${command} in ${TIMEOUT_MS} ms`); return undefined; }
    if (r === undefined) return undefined;
    if (r.success === false && (EXCEPTION.test(r.message ?? '') || r.body?.error?.id === 1104)) {
      report(illTyped ? 'exception (ill-typed request)' : 'exception', `${command}: ${r.message} ${JSON.stringify(r.body?.error ?? '')}`);
    }
    if (r.success && command !== 'source' && /\bNaN\b|\bundefined\b|\[object |Infinity|0x-/.test(JSON.stringify(r.body ?? {}))) report('garbage', `${command} answered ${JSON.stringify(r.body).slice(0, 1500)}`);
    if (r.success) harvest(command, r.body);
    return r;
  }

  function harvest(command, body) {
    if (body === undefined || body === null) return;
    if (command === 'stackTrace') for (const f of body.stackFrames ?? []) { seen.frames.push(f.id); if (f.instructionPointerReference) seen.instr.push(f.instructionPointerReference); }
    if (command === 'scopes') for (const s of body.scopes ?? []) seen.refs.push(s.variablesReference);
    if (command === 'variables') for (const v of body.variables ?? []) { if (v.variablesReference > 0) seen.refs.push(v.variablesReference); if (v.memoryReference) seen.memory.push(v.memoryReference); }
    if (command === 'evaluate' && body.memoryReference) seen.memory.push(body.memoryReference);
    if (command === 'gotoTargets') for (const t of body.targets ?? []) seen.gotos.push(t.id);
    if (command === 'dataBreakpointInfo' && body.dataId) seen.dataIds.push(body.dataId);
    if (command === 'disassemble') for (const i of (body.instructions ?? []).slice(0, 3)) seen.instr.push(i.address);
  }

  /** A run command: waits for the stop; pauses a guest that keeps running, and that pause must work. */
  async function run(command, args) {
    const from = dap.events.length;
    const r = await ask(command, args);
    if (r?.success !== true) return;
    const e = await dap.event(['stopped', 'terminated', 'exited'], RUN_MS, from);
    // A finished guest's session is over: run commands then end it again, with nothing to stop.
    if (e !== undefined || dap.exited !== undefined || ended()) return;
    if (chance(3)) await randomRequest(true);
    const at = dap.events.length;
    await ask('pause', { threadId: 1 });
    const stop = await dap.event(['stopped', 'terminated', 'exited'], TIMEOUT_MS, from);
    if (stop === undefined && dap.exited === undefined) report('hang', `the guest did not stop within ${TIMEOUT_MS} ms of a pause after ${command} (events since: ${JSON.stringify(dap.events.slice(at)).slice(0, 500)})`);
  }

  let restartedAt = 0;
  const ended = () => dap.events.slice(restartedAt).some((e) => e.event === 'terminated');
  const source = () => ({ path: chance(8) ? pick(['/nonexistent.gasm', '', join(root, 'examples/include/pc.inc')]) : guest.file, name: basename(guest.file) });
  const line = () => pick([1, lines, lines + 5, 0, -3, 1 + rand(lines), 1 + rand(lines), 1 + rand(lines), 2 ** 31]);
  const reference = () => (chance(6) ? randomInt() : pick(seen.refs));

  async function randomRequest(running = false) {
    switch (rand(running ? 12 : 38)) {
      case 0: return ask('threads');
      case 1: return ask('stackTrace', { threadId: 1, startFrame: maybe(randomInt()), levels: maybe(randomInt()) });
      case 2: return ask('scopes', { frameId: chance(4) ? randomInt() : pick(seen.frames) });
      case 3: return ask('variables', { variablesReference: reference(), start: maybe(randomInt()), count: maybe(randomInt()), format: maybe({ hex: chance(2) }), filter: maybe(pick(['indexed', 'named'])) });
      case 4: return ask('evaluate', { expression: pick(EXPRESSIONS), context: pick(CONTEXTS), frameId: maybe(pick(seen.frames)), format: maybe({ hex: chance(2) }) });
      case 5: return ask('readMemory', { memoryReference: chance(2) ? pick(seen.memory) : pick(ADDRESSES), offset: maybe(randomInt()), count: pick([0, 1, 4, 16, 4096, 0x100001, rand(300)]) });
      case 6: return ask('disassemble', { memoryReference: chance(2) ? pick(seen.instr) : pick(ADDRESSES), offset: maybe(randomInt()), instructionOffset: maybe(pick([0, -1, -10, -200, 5, -0x7fffffff, 1000])), instructionCount: pick([0, 1, 10, 50, 10001]), resolveSymbols: maybe(chance(2)) });
      case 7: return ask('setBreakpoints', { source: source(), breakpoints: Array.from({ length: rand(4) }, () => ({ line: line(), condition: maybe(pick(CONDITIONS)), hitCondition: maybe(pick(HITS)), logMessage: chance(3) ? pick(LOGS) : undefined })), sourceModified: false });
      case 8: return ask('dataBreakpointInfo', { name: chance(2) ? pick(EXPRESSIONS) : pick(ADDRESSES), variablesReference: maybe(reference()), asAddress: maybe(chance(2)), bytes: maybe(pick([1, 4, 0, -1, 0x10001, 4096])), frameId: maybe(pick(seen.frames)) });
      case 9: return ask('completions', { text: pick(EXPRESSIONS), column: pick([0, 1, 3, 100, -1]), line: maybe(pick([1, 2, 0])) });
      case 10: return ask(pick(CUSTOM), pick([undefined, {}, { space: pick(['guest', 'shadow', 'ept', 'bogus']), pdeIndex: maybe(pick([0, 1, 1023, 1024, -1, 1.5])) }, { address: maybe(randomInt()), expression: maybe(pick(EXPRESSIONS)) }, { enabled: chance(2) }, 5]));
      case 11: return ask('exceptionInfo', { threadId: 1 });
      case 12: return ask('setInstructionBreakpoints', { breakpoints: Array.from({ length: rand(4) }, () => ({ instructionReference: chance(2) ? pick(seen.instr) : pick(ADDRESSES), offset: maybe(randomInt()), condition: maybe(pick(CONDITIONS)), hitCondition: maybe(pick(HITS)) })) });
      case 13: return ask('setFunctionBreakpoints', { breakpoints: Array.from({ length: rand(3) }, () => ({ name: pick(EXPRESSIONS), condition: maybe(pick(CONDITIONS)), hitCondition: maybe(pick(HITS)) })) });
      case 14: return ask('setDataBreakpoints', { breakpoints: Array.from({ length: rand(4) }, () => ({ dataId: pick(seen.dataIds), accessType: maybe(pick(['read', 'write', 'readWrite'])), condition: maybe(pick(CONDITIONS)), hitCondition: maybe(pick(HITS)) })) });
      case 15: return ask('setExceptionBreakpoints', { filters: FILTERS.filter(() => chance(3)), filterOptions: maybe(FILTERS.filter(() => chance(4)).map((filterId) => ({ filterId, condition: maybe(pick(CONDITIONS)) }))) });
      case 16: case 17: return run('continue', { threadId: 1 });
      case 18: return run('next', { threadId: 1, granularity: maybe(pick(['instruction', 'line', 'statement'])) });
      case 19: case 20: return run('stepIn', { threadId: 1, granularity: maybe(pick(['instruction', 'line'])) });
      case 21: return run('stepOut', { threadId: 1 });
      case 22: return ask('pause', { threadId: 1 });
      case 23: return ask('setVariable', { variablesReference: reference(), name: pick(['eax', 'eip', 'esp', 'cf', 'zf', 'if', 'iopl', 'vm', 'tf', 'cs', 'cr0', 'bogus', 'EAX', '', '__proto__', 'constructor', 'toString']), value: pick(EXPRESSIONS), format: maybe({ hex: chance(2) }) });
      case 24: return ask('writeMemory', { memoryReference: chance(2) ? pick(seen.memory) : pick(ADDRESSES), offset: maybe(randomInt()), data: pick(['', 'AAAA', 'kJCQkA==', '!!notbase64', Buffer.alloc(rand(9000), rand(256)).toString('base64')]), allowPartial: maybe(chance(2)) });
      case 25: {
        const t = await ask('gotoTargets', { source: source(), line: line() });
        if (t?.success && chance(2)) return ask('goto', { threadId: 1, targetId: pick(seen.gotos) });
        return t;
      }
      case 26: return ask('goto', { threadId: 1, targetId: chance(2) ? randomInt() : pick(seen.gotos) });
      case 27: {
        // An edited source makes restart assemble again (and maybe fail).
        if (guest.text !== undefined && chance(2)) writeFileSync(guest.file, mutateSource(guest.text), 'latin1');
        const from = dap.events.length;
        const r = await ask('restart', maybe({ arguments: launch }));
        if (r?.success) restartedAt = from;
        if (r?.success) await dap.event(['stopped', 'terminated'], RUN_MS, from);
        return r;
      }
      case 28: return ask('loadedSources', {});
      case 29: return ask('source', { source: source(), sourceReference: chance(2) ? 0 : randomInt() });
      case 30: return ask('stepBack', { threadId: 1 });
      case 31: return ask('reverseContinue', { threadId: 1 });
      case 32: return ask('configurationDone', {});
      case 33: return ask('terminate', {});
      case 36: {
        // Requests in flight together, as VS Code sends stackTrace, scopes and variables after a stop.
        const from = dap.events.length;
        const r = await Promise.all(Array.from({ length: 2 + rand(4) }, () => randomRequest(true)));
        if (chance(3)) { await ask('continue', { threadId: 1 }); await Promise.all([ask('pause', { threadId: 1 }), ask('pause', { threadId: 1 }), randomRequest(true)]); await dap.event(['stopped', 'terminated'], RUN_MS, from); }
        return r;
      }
      case 35: return ask(pick(['breakpointLocations', 'setExpression', 'stepInTargets', 'restartFrame', 'terminateThreads', 'modules', 'cancel', 'attach', 'runInTerminal']),
        pick([{ source: source(), line: line(), endLine: maybe(line()) }, { expression: pick(EXPRESSIONS), value: pick(EXPRESSIONS) }, { frameId: pick(seen.frames) }, { threadIds: [1] }, {}, { requestId: 1 }]));
      case 34: {
        // Ill-typed arguments: a client the schema does not bind.
        const command = pick(['readMemory', 'disassemble', 'setBreakpoints', 'evaluate', 'variables', 'scopes', 'setVariable', 'setExpression', 'writeMemory', 'stackTrace', 'dataBreakpointInfo', 'setDataBreakpoints', 'setInstructionBreakpoints', 'setExceptionBreakpoints', 'gotoTargets', 'completions', 'setFunctionBreakpoints', 'next', 'stepIn']);
        return ask(command, pick([undefined, null, {}, { memoryReference: 5, count: 'x' }, { breakpoints: null }, { breakpoints: [null] }, { source: null }, { expression: 5 }, { variablesReference: 'x' }, { filters: null }, { text: 5 }, { data: 5, memoryReference: '0' }]), true);
      }
      default: return ask('threads');
    }
  }

  try {
    const init = await ask('initialize', { adapterID: 'ringside', clientID: 'fuzz', linesStartAt1: chance(8) ? false : true, columnsStartAt1: true, pathFormat: 'path', supportsMemoryReferences: true, supportsInvalidatedEvent: true, supportsRunInTerminalRequest: chance(2) });
    if (init?.success !== true) return;
    const initialized = dap.event(['initialized'], 2000);
    const launched = await ask('launch', launch);
    if (launched?.success === true) {
      if ((await initialized) === undefined) report('protocol', 'launch succeeded but no initialized event came');
      for (let k = rand(4); k > 0; k--) await randomRequest();
      const from = dap.events.length;
      await ask('configurationDone', {});
      const e = await dap.event(['stopped', 'terminated'], RUN_MS, from);
      if (e === undefined && dap.exited === undefined && !ended()) {
        await ask('pause', { threadId: 1 });
        if ((await dap.event(['stopped', 'terminated', 'exited'], TIMEOUT_MS, from)) === undefined && dap.exited === undefined) report('hang', 'the guest did not stop within 10 s of a pause after configurationDone');
      }
    }
    for (let k = 0; k < REQUESTS && dap.exited === undefined; k++) await randomRequest();
    if (dap.exited === undefined) await ask('disconnect', { terminateDebuggee: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    if (dap.exited !== undefined && dap.exited !== '0') report('exit', `the adapter exited (${dap.exited}): ${dap.stderr.slice(-2000)}`);
    else if (dap.stderr.trim() !== '') report('stderr', dap.stderr.slice(-2000));
    dap.kill();
  }
}

for (let n = 0; n < LAUNCHES; n++) await fuzzLaunch(n);

const report = join(workspace, 'findings.json');
writeFileSync(report, JSON.stringify(findings, null, 1));
const counts = new Map();
for (const f of findings) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
const kinds = [...counts].map(([kind, k]) => `${k} ${kind}`).join(', ');
console.log(`seed ${SEED}, ${LAUNCHES} launches, ${requestCount} requests: ${findings.length === 0 ? 'nothing found' : `${kinds} (${report})`}`);
process.exit(findings.length === 0 ? 0 : 1);
