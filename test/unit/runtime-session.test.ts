// GuestSession on the bundled hello guest: breakpoints from source lines, conditions, hit counts
// and log points, line steps into and over calls, step out, data breakpoints, pause, restart from
// the snapshot, exception stops, and the expression language. Expected values come from the guest
// source (addresses and line numbers as nasm assembles it) and the SDM, not from our own output.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { GuestSession, type RunOutcome } from '../../core/src/runtime/session';
import type { RuntimeEvent } from '../../core/src/runtime/events';
import { SymbolTable } from '../../core/src/runtime/symbols';
import { assemble } from '../../core/src/asm/index';
import { parseExpression, evaluateExpression, interpolate, type EvalScope } from '../../core/src/runtime/expression';

const ROOT = path.join(__dirname, '..', '..');
const HELLO = path.join(ROOT, 'examples', 'hello', 'hello.gasm');
const KERNEL = path.join(ROOT, 'examples', 'kernel', 'kernel.gasm');
const helloLines = fs.readFileSync(HELLO, 'utf8').split('\n');
const lineOf = (text: string): number => helloLines.findIndex((l) => l.includes(text));

function load(file = HELLO) {
  const r = GuestSession.load({ source: { file, includePaths: [path.join(ROOT, 'examples', 'include')] } });
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.session;
}
function stopped(o: RunOutcome) {
  assert.equal(o.kind, 'stopped', JSON.stringify(o));
  return o as Extract<RunOutcome, { kind: 'stopped' }>;
}

describe('runtime: GuestSession', function () {
  this.timeout(20000);

  it('stops at a source-line breakpoint and reports the source location (0-based lines)', async () => {
    const s = load();
    const line = lineOf('call serial_puts');
    const [addr] = s.addressesForLine(HELLO, line);
    assert.ok(addr !== undefined);
    const [bp] = s.setBreakpoints([{ address: addr }]);
    assert.ok(bp.ok);
    const o = stopped(await s.continue());
    assert.equal(o.reason, 'breakpoint');
    assert.equal(s.registers().eip, addr);
    assert.equal(s.sourceLocation(addr)?.line, line);
    // ESI was just loaded with the message's address (`mov esi, message` on the line before).
    assert.equal(s.registers().esi, s.symbols.lookup('message'));
  });

  it('steps over a call by line, into it by line, and out of it', async () => {
    const s = load();
    s.setBreakpoints([{ address: s.symbols.lookup('start')! }]);
    stopped(await s.continue());
    stopped(await s.stepLine()); // mov esp, stack_top -> call serial_init
    assert.equal(s.sourceLocation(s.registers().eip)?.line, lineOf('call serial_init'));
    stopped(await s.stepOver());
    assert.equal(s.sourceLocation(s.registers().eip)?.line, lineOf('mov esi, message'));
    stopped(await s.stepLine());
    stopped(await s.stepLine()); // into serial_puts
    assert.equal(s.registers().eip, s.symbols.lookup('serial_puts'));
    const esp = s.registers().esp;
    stopped(await s.stepOut());
    // RET pops the return address: back after the call, ESP 4 higher (SDM Vol. 2 RET).
    assert.equal(s.registers().esp, esp + 4);
    assert.equal(s.sourceLocation(s.registers().eip)?.line, lineOf('mov al, EXIT_SUCCESS'));
  });

  it('evaluates conditions, hit counts and log points at a breakpoint', async () => {
    const s = load();
    const at = s.symbols.lookup('serial_puts.next')!;
    const events: RuntimeEvent[] = [];
    s.onEvent((e) => events.push(e), { detailed: false });
    // Third character of "Hello from ring 0!" is 'l' (0x6c): [esi] is the byte lodsb loads next.
    const r = s.setBreakpoints([
      { address: at, logMessage: 'char {byte [esi]}' },
      { address: at, condition: 'byte [esi] == 0x6c', hitCondition: '2' },
    ]);
    assert.ok(r.every((x) => x.ok));
    const o = stopped(await s.continue());
    assert.deepEqual(o.breakpointIds, [r[1].ok ? r[1].id : -1]);
    assert.deepEqual(s.evaluate('byte [esi]'), { ok: true, value: 0x6c });
    assert.deepEqual(s.evaluate('esi - message'), { ok: true, value: 3 });
    const logs = events.filter((e) => e.kind === 'output' && e.category === 'log').map((e) => (e as { text: string }).text);
    assert.deepEqual(logs, ['char 0x48\n', 'char 0x65\n', 'char 0x6c\n', 'char 0x6c\n']);
    assert.equal(s.setBreakpoints([{ address: at, condition: 'eax ==' }])[0].ok, false);
  });

  it('stops on a data write and restarts from the load snapshot', async () => {
    const s = load();
    const top = s.symbols.lookup('stack_top')!;
    // The first CALL pushes its return address at stack_top - 4.
    s.setDataBreakpoints([{ address: top - 4, length: 4, access: 'write', space: 'linear' }]);
    const o = stopped(await s.continue());
    assert.equal(o.reason, 'data-breakpoint');
    assert.equal(s.registers().eip, s.symbols.lookup('serial_init'));
    const ret = s.readMemory(top - 4, 4).bytes;
    assert.equal(Buffer.from(ret).readUInt32LE(0), s.addressesForLine(HELLO, lineOf('mov esi, message'))[0]);
    s.setDataBreakpoints([]);
    const exit = await s.continue();
    assert.equal(exit.kind, 'exited');
    const r = stopped(await s.restart());
    assert.equal(r.reason, 'entry');
    assert.equal(s.registers().eip, s.symbols.lookup('start'));
    assert.equal(s.machine.serial.length, 0);
    const again = await s.continue();
    assert.equal(again.kind === 'exited' && again.value, 0x10);
    assert.equal(Buffer.from(s.machine.serial.tail()).toString(), 'Hello from ring 0!\r\n');
  });

  it('counts only the TLB flushes the guest made, and restart brings the counters back to the load', async () => {
    // SDM Vol. 3A §4.10.4.1: the TLB is invalidated by MOV to CR3, INVLPG, MOV to CR0/CR4 changing
    // PG/PGE, task switches and page faults. The example kernel runs `mov cr3, eax` once and
    // `invlpg [eax]` once (and takes one #PF); loading a guest runs none of them.
    const kernelText = fs.readFileSync(KERNEL, 'utf8');
    assert.equal(kernelText.match(/^\s*mov cr3, /gm)?.length, 1);
    assert.equal(kernelText.match(/^\s*invlpg /gm)?.length, 1);
    const r = GuestSession.load({ source: { file: KERNEL, includePaths: [path.join(ROOT, 'examples', 'include'), path.join(ROOT, 'examples', 'kernel')] } });
    assert.ok(r.ok, r.ok ? '' : r.message);
    const s = r.session;
    const none = { hits: 0, misses: 0, pageInvalidations: 0, flushes: 0, nonGlobalFlushes: 0, evictions: 0 };
    assert.deepEqual(s.tlbCounters(), none, 'nothing has run');
    const exit = await s.continue();
    assert.equal(exit.kind === 'exited' && exit.value, 42);
    const first = { tlb: s.tlbCounters(), mmu: s.mmuCounters() };
    assert.equal(first.tlb.nonGlobalFlushes + first.tlb.flushes, 1, 'one MOV CR3, CR4.PGE never changed');
    assert.equal(first.tlb.pageInvalidations, 1, 'one INVLPG');
    assert.equal(first.mmu.pageFaults, 1);
    stopped(await s.restart());
    assert.deepEqual(s.tlbCounters(), none, 'as right after loading');
    assert.deepEqual(s.mmuCounters(), { walks: 0, walkReferences: 0, pageFaults: 0 });
    assert.deepEqual(s.tlbEntries(), []);
    await s.continue();
    assert.deepEqual({ tlb: s.tlbCounters(), mmu: s.mmuCounters() }, first, 'the same run again');
  });

  it('stops on #PF with a condition on CR2, then on the ring transition to ring 3', async () => {
    const s = load(KERNEL);
    const events: RuntimeEvent[] = [];
    s.onEvent((e) => events.push(e));
    assert.ok(s.setExceptionStops({ exceptions: [{ vector: 14, condition: 'cr2 == 0x80000000' }] }).ok);
    const o = stopped(await s.continue());
    assert.equal(o.reason, 'exception');
    assert.equal(o.vector, 14);
    assert.equal(s.systemRegisters().cr2, 0x80000000);
    // The kernel's first exception is its own int3 (a trap), reported before the #PF.
    const ex = events.filter((e) => e.kind === 'exception');
    assert.deepEqual(ex.map((e) => e.kind === 'exception' && [e.vector, e.type]), [[3, 'trap'], [14, 'fault']]);
    const pf = ex[1];
    assert.ok(pf.kind === 'exception' && pf.errorCode === 2); // write to a not-present page: W/R=1, P=0 (SDM §4.7)
    s.setExceptionStops({ ringTransition: true });
    const ring = stopped(await s.continue());
    assert.equal(ring.reason, 'ring-transition');
    assert.equal(s.systemRegisters().cpl, 3);
    assert.equal(s.segments()[1].selector & 3, 3);
    assert.equal(s.translate(0x80000000).ok, true);
  });

  // The debugger's writes beyond RAM go nowhere (reads there give 0xFF, as an open bus does), so
  // they are reported as a partial write of the bytes that were in RAM, not as written.
  it('reports a memory write that runs past the end of RAM as partial', () => {
    const s = load();
    const end = s.machine.memory.sizeBytes;
    const w = s.writeMemory(end - 16, new Uint8Array(64).fill(0xa5));
    assert.deepEqual(w, { ok: false, written: 16, message: `address 0x${end.toString(16)} is beyond the end of physical memory (0x${end.toString(16)})` });
    assert.deepEqual([...s.readMemory(end - 17, 2).bytes], [0, 0xa5]);
    assert.deepEqual(s.writeMemory(end - 16, new Uint8Array(16).fill(1)), { ok: true, written: 16 });
  });

  it('pauses a running guest between batches', async () => {
    const s = load();
    // Spin forever at `start`: overwrite the first instruction with `jmp $` (EB FE).
    s.writeMemory(s.symbols.lookup('start')!, new Uint8Array([0xeb, 0xfe]));
    const running = s.continue();
    setImmediate(() => assert.equal(s.pause(), true));
    const o = stopped(await running);
    assert.equal(o.reason, 'pause');
    assert.ok(o.instructions > 0);
    assert.equal(s.disassemble(s.registers().eip, 0, 1)[0].text, 'jmp short 0x100020');
  });

  // Found by scripts/fuzz-dap.mjs: `rep stosd` with ECX = 0xFFFFFFFF ran all its iterations in one
  // step, so no pause (no request at all) reached the adapter for minutes. A REP is interruptible
  // between iterations with EIP still on it and ECX/EDI showing its progress (SDM Vol. 2B, REP).
  it('pauses inside a REP string instruction with a huge count, and a short REP is still one instruction', async () => {
    const text = ['bits 32', 'org 0x100000', '%include "multiboot.inc"', 'start:', '  multiboot_header end, end, entry', 'entry:',
      '  mov ecx, 3', '  mov edi, 0x200000', '  rep stosb', '  mov ecx, 0xffffffff', '  mov edi, 0x200000', 'fill:', '  rep stosd', 'end:'].join('\n');
    const r = GuestSession.load({ source: { file: path.join(ROOT, 'examples', 'rep.gasm'), text, includePaths: [path.join(ROOT, 'examples', 'include')] } });
    assert.ok(r.ok, r.ok ? '' : r.message);
    const s = r.session;
    for (let i = 0; i < 2; i++) await s.stepInstruction();
    const before = s.machine.cpu.instret;
    await s.stepInstruction();
    assert.deepEqual([s.machine.cpu.instret - before, s.registers().ecx, s.registers().edi], [1, 0, 0x200003]);
    const running = s.continue();
    setImmediate(() => assert.equal(s.pause(), true));
    const o = stopped(await running);
    assert.equal(o.reason, 'pause');
    const regs = s.registers();
    assert.equal(regs.eip, s.symbols.lookup('fill'));
    assert.ok(regs.ecx > 0 && regs.ecx < 0xffffffff, regs.ecx.toString(16));
    assert.equal(regs.edi, 0x200000 + 4 * (0xffffffff - regs.ecx));
  });

  // Found by scripts/fuzz-dap.mjs: a disassemble request with instructionOffset -2147483647 decoded
  // ever longer runs backwards (the adapter stopped answering, then V8 died of an invalid array size);
  // a huge positive offset decoded every skipped instruction. `count` instructions come back at once.
  it('disassembles windows far from EIP without decoding up to them', () => {
    const s = load();
    const eip = s.registers().eip;
    const far = s.disassemble(eip, -0x7fffffff, 3);
    // (EIP is below 2 GiB: that far back is before address 0, padding one unit each, not wrapped round from the top.)
    assert.deepEqual(far.map((i) => [i.address, i.valid]), [[eip - 0x7fffffff, false], [eip - 0x7ffffffe, false], [eip - 0x7ffffffd, false]]);
    assert.equal(s.disassemble(eip, 0x7fffffff, 2)[0].address, (eip + 0x7fffffff) >>> 0);
    // Near EIP the window is still found by decoding: two instructions on, and back again.
    const [first, second, third] = s.disassemble(eip, 0, 3);
    assert.deepEqual(s.disassemble(eip, 2, 1).map((i) => i.address), [third.address]);
    assert.deepEqual(s.disassemble(third.address, -2, 3).map((i) => i.address), [first.address, second.address, third.address]);
  });
});

describe('runtime: expressions', () => {
  const scope: EvalScope = {
    register: (n) => ({ eax: 5, esp: 0x1000 } as Record<string, number>)[n],
    symbol: (n) => (n === 'table' ? 0x2000 : undefined),
    readMemory: (a, size) => (a === 0x1000 ? 0x12345678 & (size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff) : undefined),
  };
  it('disassembles LOCK with the instruction it prefixes, as ndisasm does, and the CPU still faults there', async () => {
    // F0 90 and F0 F7 D8: ndisasm -b 32 prints `lock nop` and `lock neg eax`; the SDM (LOCK) has
    // the CPU raise #UD for LOCK on a non-lockable instruction or a register operand.
    const text = ['bits 32', 'org 0x100000', '%include "multiboot.inc"', 'start:', '  multiboot_header end, end, entry', 'entry:', '  lock nop', '  lock neg eax', 'end:'].join('\n');
    const r = GuestSession.load({ source: { file: path.join(ROOT, 'examples', 'lock.gasm'), text, includePaths: [path.join(ROOT, 'examples', 'include')] } });
    assert.ok(r.ok, r.ok ? '' : r.message);
    const s = r.session;
    const eip = s.registers().eip;
    assert.deepEqual(s.disassemble(eip, 0, 2).map((i) => [i.text, i.bytes.length]), [['lock nop', 2], ['lock neg eax', 3]]);
    assert.deepEqual(s.disassemble((eip + 2) >>> 0, -1, 1).map((i) => i.address), [eip]);
    // No IDT here: the #UD cannot be delivered, and the machine shuts down at that instruction.
    const o = await s.continue();
    assert.deepEqual([o.kind, o.kind === 'exited' && o.how, o.guestEip], ['exited', 'triple-fault', eip]);
  });

  it('evaluates C precedence, NASM numbers and memory', () => {
    assert.deepEqual(evaluateExpression('eax == 5 && [esp] > 0x100', scope), { ok: true, value: 1 });
    assert.deepEqual(evaluateExpression('byte [esp] + 10h * 2', scope), { ok: true, value: 0x78 + 32 });
    assert.deepEqual(evaluateExpression('word [esp]', scope), { ok: true, value: 0x5678 });
    assert.deepEqual(evaluateExpression('table + 1 << 4', scope), { ok: true, value: 0x20010 });
    assert.deepEqual(evaluateExpression('-1', scope), { ok: true, value: 0xffffffff });
    assert.deepEqual(evaluateExpression("'AB'", scope), { ok: true, value: 0x4241 });
  });
  it('reports errors as values with columns', () => {
    const p = parseExpression('eax + * 2');
    assert.ok(!p.ok && p.column === 6);
    assert.equal(evaluateExpression('[0] == 1', scope).ok, false);
    assert.equal(evaluateExpression('nope', scope).ok, false);
    assert.equal(evaluateExpression('1 / 0', scope).ok, false);
    assert.deepEqual(evaluateExpression('0 && [0]', scope), { ok: true, value: 0 });
    assert.equal(interpolate('eax={eax} {{x}} {bad}', scope), 'eax=0x5 {x} <unknown register or symbol `bad\'>');
  });
  // Found by scripts/fuzz-dap.mjs: a function breakpoint named `((((…1…))))` overflowed the host's
  // stack in the parser (RangeError), and a long `1+1+…` chain in the evaluator.
  it('refuses expressions nested or long enough to exhaust the stack, as values', () => {
    const nested = evaluateExpression(`${'('.repeat(500)}1${')'.repeat(500)}`, scope);
    assert.deepEqual(nested, { ok: false, message: 'expression nested more than 200 deep (column 201)' });
    assert.equal(evaluateExpression(`${'-'.repeat(100000)}1`, scope).ok, false);
    assert.equal(evaluateExpression(`${'byte ['.repeat(300)}0${']'.repeat(300)}`, scope).ok, false);
    const chain = evaluateExpression(`${'1+'.repeat(200000)}1`, scope);
    assert.deepEqual(chain, { ok: false, message: 'expression longer than 2000 tokens (column 2001)' });
    // Within the limits both still evaluate.
    assert.deepEqual(evaluateExpression(`${'('.repeat(190)}eax${')'.repeat(190)}`, scope), { ok: true, value: 5 });
    assert.deepEqual(evaluateExpression(`${'1+'.repeat(999)}1`, scope), { ok: true, value: 1000 });
  });
});

describe('runtime: symbol names', () => {
  it('names addresses after the enclosing label, never a macro-local ..@ label', () => {
    // nasm -f bin: org 0x1000, `spin` at 0x1000, the macro's %%again at 0x1001 (after one nop).
    const text = 'org 0x1000\n%macro wait 0\n%%again: pause\n jmp %%again\n%endmacro\nspin: nop\n wait\n ret\n';
    const r = assemble({ file: '/t.asm', text, host: { readFile: () => undefined } });
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    const table = new SymbolTable(r.symbols);
    const local = r.symbols.find((s) => s.name.startsWith('..@'));
    assert.ok(local, 'the macro-local label is among the assembler symbols');
    assert.equal(table.lookup(local.name), 0x1001);
    assert.equal(table.symbolize(0x1001), 'spin+0x1');
    assert.equal(table.symbolize(0x1003), 'spin+0x3');
    assert.ok(table.all.every((s) => !s.name.startsWith('..@')));
  });
});
