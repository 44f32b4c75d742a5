// The CPU's fast paths change nothing: Cpu.run (blocks, specialised handlers, fetch window) must
// leave exactly the state the same number of Cpu.step() calls leaves — the step path is the one
// the QEMU traces verify. Guests: the QEMU reference guests, the benchmark loop (paging off and
// on) and a guest made of what blocks must stop for (self-modifying code inside a block, #PF in
// the middle of one, TLB evictions of the code page, CR3 reloads). All assembled by nasm.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../core/src/machine/machine';

const QEMU_DIR = join(__dirname, '..', 'fixtures', 'qemu', 'cpu');
const PERF_DIR = join(__dirname, '..', 'fixtures', 'cpu-perf');
const GUESTS: readonly [string, string][] = [
  ['blocks', join(PERF_DIR, 'blocks.bin')],
  ['cpu-loop', join(PERF_DIR, 'cpu-loop.bin')],
  ['cpu-loop-paging', join(PERF_DIR, 'cpu-loop-paging.bin')],
  ...['alu', 'shift-mul', 'bits-stack-string', 'protection', 'paging'].map((n): [string, string] => [n, join(QEMU_DIR, `${n}.bin`)]),
];
const MAX_STEPS = 400_000;

function boot(image: Uint8Array): Machine {
  const r = Machine.fromMultiboot(image, { memoryBytes: 16 << 20 });
  assert.ok(r.ok);
  return r.machine;
}

/** Everything step() and run() may touch that a later instruction or a debugger can see. */
function state(m: Machine): unknown {
  const c = m.cpu;
  return {
    regs: Array.from(c.regs), eip: c.eip, eflags: c.getEflags(), instret: c.instret, condition: c.condition,
    sel: Array.from(c.segSel), base: Array.from(c.segBase), limit: Array.from(c.segLimit), cpl: c.cpl,
    cr: [c.cr0, c.cr2, c.cr3, c.cr4], dr6: c.dr[6], shadow: c.interruptShadow, fault: c.fault,
    lastVector: c.lastVector, last: c.lastInstruction?.spec?.mnemonic ?? null,
    tlb: { ...m.mmu.tlb.counters }, mmu: { ...m.mmu.counters }, exit: m.debugExit.request, serial: m.serial.length,
  };
}

function sameMemory(a: Machine, b: Machine, where: string): void {
  for (let pa = 0; pa < a.memory.sizeBytes; pa += 4096) {
    const x = a.memory.readBytes(pa, 4096), y = b.memory.readBytes(pa, 4096);
    if (!Buffer.from(x).equals(Buffer.from(y))) assert.fail(`${where}: RAM differs in the frame at 0x${pa.toString(16)}`);
  }
}

/**
 * Runs `code` (at 0x200000, stack at 0x280000) through Cpu.run in batches of 64 and through
 * single steps, comparing after each batch; the loop at `loopHead` must have run as a block.
 */
function snippetMatchesSteps(code: Uint8Array, loopHead: number): void {
  const image = new Uint8Array(readFileSync(join(PERF_DIR, 'blocks.bin')));
  const [ran, stepped] = [boot(image), boot(image)];
  for (const m of [ran, stepped]) {
    m.memory.writeBytes(0x200000, code);
    m.cpu.flushCodeCache();
    m.cpu.eip = 0x200000;
    m.cpu.regs[4] = 0x280000;
  }
  let steps = 0;
  while (ran.cpu.condition === 'running' && steps < 10_000) {
    const n = ran.cpu.run(ran.cpu.instret + 64, 64, false);
    for (let i = 0; i < n; i++) stepped.cpu.step();
    steps += n;
    assert.deepEqual(state(ran), state(stepped), `after ${steps} steps`);
  }
  assert.equal(ran.cpu.condition, 'halted');
  ran.cpu.eip = loopHead;
  const head = ran.cpu.fetch();
  assert.ok(head !== null && head.block !== null && head.block.instructions.length >= 3, 'the loop ran as blocks');
}

describe('CPU fast paths: run() leaves what the same number of step() calls leaves', () => {
  for (const [name, path] of GUESTS) {
    it(`${name}: in batches of 1, 7, 100 and 5000 instructions`, () => {
      const image = new Uint8Array(readFileSync(path));
      for (const batch of [1, 7, 100, 5000]) {
        const stepped = boot(image), ran = boot(image);
        let steps = 0, blocksUsed = 0;
        while (steps < MAX_STEPS && ran.debugExit.request === null && ran.cpu.condition === 'running') {
          const before = ran.cpu.instret;
          const n = ran.cpu.run(before + batch, batch, false);
          assert.ok(n >= 1 && n <= batch, `${name}: run() took ${n} steps for a batch of ${batch}`);
          for (let i = 0; i < n; i++) stepped.cpu.step();
          steps += n;
          if (ran.cpu.lastInstruction?.block !== null) blocksUsed++;
          assert.deepEqual(state(ran), state(stepped), `${name}, batch ${batch}: after ${steps} steps`);
        }
        assert.ok(ran.debugExit.request !== null || ran.cpu.condition !== 'running', `${name}: guest did not finish`);
        sameMemory(ran, stepped, `${name}, batch ${batch}`);
        assert.deepEqual(ran.mmu.tlb.entries(), stepped.mmu.tlb.entries(), `${name}, batch ${batch}: TLB entries`);
        if (batch >= 100 && name.startsWith('cpu-loop')) assert.ok(blocksUsed > 0, `${name}: no block ran`);
      }
    });
  }

  it('a write next to cached code keeps it, a write over it takes effect at the next instruction', () => {
    // At 0x200000: mov [0x200041], eax / mov [0x200060], eax; at 0x200040: mov ebx, imm32.
    const image = new Uint8Array(0x80);
    image.set([0xa3, 0x41, 0x00, 0x20, 0x00, 0xa3, 0x60, 0x00, 0x20, 0x00], 0);
    image.set([0xbb, 0, 0, 0, 0], 0x40);
    const m = boot(new Uint8Array(readFileSync(join(PERF_DIR, 'blocks.bin'))));
    m.memory.writeBytes(0x200000, image);
    m.cpu.flushCodeCache();
    const cpu = m.cpu;
    cpu.eip = 0x200040;
    cpu.step(); // caches mov ebx, 0
    assert.equal(cpu.regs[3], 0);
    cpu.eip = 0x200000;
    cpu.regs[0] = 0x12345678;
    cpu.step(); // writes over the immediate of the cached mov at 0x200040
    cpu.step(); // writes at 0x200060, next to no code
    cpu.eip = 0x200040;
    cpu.step();
    assert.equal(cpu.regs[3] >>> 0, 0x12345678);
  });
  it('a write beyond RAM is dropped, through step() and through blocks', () => {
    // At 0x200000: mov [0xf0000000], eax / push eax (ESP = 0xf0000100) / hlt.
    const code = new Uint8Array([0xa3, 0x00, 0x00, 0x00, 0xf0, 0x50, 0xf4]);
    for (const run of [false, true]) {
      const m = boot(new Uint8Array(readFileSync(join(PERF_DIR, 'blocks.bin'))));
      m.memory.writeBytes(0x200000, code);
      m.cpu.flushCodeCache();
      m.cpu.eip = 0x200000;
      m.cpu.regs[4] = 0xf0000100 | 0;
      if (run) m.cpu.run(m.cpu.instret + 10, 10, false);
      else for (let i = 0; i < 3; i++) m.cpu.step();
      assert.equal(m.cpu.condition, 'halted');
      assert.equal(m.cpu.regs[4] >>> 0, 0xf00000fc);
    }
  });

  it('IMUL r32 forms written inline in blocks leave the flags and products step() leaves', () => {
    // nasm -f bin (org 0x200000): mov ecx, 40 / mov esi, 0x7fff0001 / xor edi, edi / .loop:
    // imul eax, esi, 1103515245 / adc edi, eax / imul ebx, eax, -3 / adc edi, ebx / mov edx, ecx /
    // imul edx, esi / adc edi, edx / imul esi, esi / adc edi, 0 / add esi, ecx / imul eax, ebx /
    // pushf / pop edx / add edi, edx / dec ecx / jnz .loop / hlt — products that overflow and
    // products that fit, each CF (and, through PUSHF, OF) consumed.
    const code = new Uint8Array([
      0xb9, 0x28, 0x00, 0x00, 0x00, 0xbe, 0x01, 0x00, 0xff, 0x7f, 0x31, 0xff,
      0x69, 0xc6, 0x6d, 0x4e, 0xc6, 0x41, 0x11, 0xc7, 0x6b, 0xd8, 0xfd, 0x11,
      0xdf, 0x89, 0xca, 0x0f, 0xaf, 0xd6, 0x11, 0xd7, 0x0f, 0xaf, 0xf6, 0x83,
      0xd7, 0x00, 0x01, 0xce, 0x0f, 0xaf, 0xc3, 0x9c, 0x5a, 0x01, 0xd7, 0x49,
      0x75, 0xda, 0xf4,
    ]);
    snippetMatchesSteps(code, 0x20000c);
  });

  it('ROL/ROR r32, imm in blocks: CF/OF kept when read later, skipped only when the next instruction overwrites them', () => {
    // nasm -f bin (org 0x200000): mov ecx, 40 / mov eax, 0x9e3779b9 / mov edx, 0x80000001 /
    // xor edi, edi / .loop: rol eax, 5 / xor ebx, eax / ror ebx, 3 / adc edi, ebx / rol edx, 9 /
    // pushf / pop esi / add edi, esi / ror eax, 31 / test eax, ebx / ror edx, 7 / pushf / pop esi /
    // add edi, esi / adc edi, edx / add eax, ecx / dec ecx / jnz .loop / hlt
    const code = new Uint8Array([
      0xb9, 0x28, 0x00, 0x00, 0x00, 0xb8, 0xb9, 0x79, 0x37, 0x9e, 0xba, 0x01,
      0x00, 0x00, 0x80, 0x31, 0xff, 0xc1, 0xc0, 0x05, 0x31, 0xc3, 0xc1, 0xcb,
      0x03, 0x11, 0xdf, 0xc1, 0xc2, 0x09, 0x9c, 0x5e, 0x01, 0xf7, 0xc1, 0xc8,
      0x1f, 0x85, 0xd8, 0xc1, 0xca, 0x07, 0x9c, 0x5e, 0x01, 0xf7, 0x11, 0xd7,
      0x01, 0xc8, 0x49, 0x75, 0xdc, 0xf4,
    ]);
    snippetMatchesSteps(code, 0x200011);
  });
});
