// Breakpoints, data watches and event hooks on the block engine: Machine.run (Cpu.run's blocks)
// must stop exactly where single steps stop. The reference is a second machine driven by
// Cpu.step() (the path the QEMU traces verify), checking the breakpoint before every instruction.
// Guest: cpu-loop.bin (nasm-built, test/fixtures/cpu-perf/README.md); its inner loop at 0x10002e
// is eleven straight-line instructions ending in JC (ndisasm -b32 -o 0x100000), which a block
// traces through (the JC back to the loop head is followed taken).

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../core/src/machine/machine';
import { DataWatchPages, type CpuEventHooks, type DeliveryKind } from '../../core/src/machine/cpu/hooks';

const IMAGE = new Uint8Array(readFileSync(join(__dirname, '..', 'fixtures', 'cpu-perf', 'cpu-loop.bin')));
const LOOP = 0x10002e;
/** `mov [ebx*4+0x100084], eax`, the inner loop's store, seventh instruction of its block. */
const STORE = 0x100042;
const AFTER_STORE = 0x100049;
/** `shr esi, 3`, fifth instruction of the block. */
const SHIFT = 0x10003b;
const TABLE = 0x100084;

function boot(): Machine {
  const r = Machine.fromMultiboot(IMAGE, { memoryBytes: 4 << 20 });
  assert.ok(r.ok);
  return r.machine;
}

function state(m: Machine): unknown {
  const c = m.cpu;
  return { regs: Array.from(c.regs), eip: c.eip, eflags: c.getEflags(), instret: c.instret, table: Array.from(m.memory.readBytes(TABLE, 256)) };
}

/** Steps `m` as Machine.run with `breakpoints` would: the first instruction unchecked when resuming. */
function stepToBreakpoint(m: Machine, breakpoints: ReadonlySet<number>, resume: boolean): void {
  let first = resume;
  for (let i = 0; i < 1_000_000 && m.debugExit.request === null; i++) {
    if (!first && breakpoints.has(m.cpu.eip)) return;
    first = false;
    m.cpu.step();
  }
  assert.fail('reference never reached a breakpoint');
}

/** Instructions in the block the CPU has for the code at `eip` (0: none built). */
function blockLength(m: Machine, eip: number): number {
  const saved = m.cpu.eip;
  m.cpu.eip = eip;
  const c = m.cpu.fetch();
  m.cpu.eip = saved;
  return c?.block?.instructions.length ?? 0;
}

describe('machine: breakpoints on the block engine', () => {
  it('a breakpoint inside a hot block stops before that instruction with the state single steps reach', () => {
    const ran = boot(), stepped = boot();
    assert.equal(ran.run(3000).reason, 'budget');
    for (let i = 0; i < 3000; i++) stepped.cpu.step();
    assert.deepEqual(state(ran), state(stepped));
    assert.ok(blockLength(ran, LOOP) >= 11, 'the inner loop runs as one block');

    const bps = new Set([STORE]);
    for (let hit = 0; hit < 12; hit++) {
      const s = ran.run(1_000_000, { breakpoints: bps, resume: hit > 0 });
      assert.equal(s.reason, 'breakpoint', Machine.describe(s));
      stepToBreakpoint(stepped, bps, hit > 0);
      assert.deepEqual(state(ran), state(stepped), `hit ${hit}`);
      assert.equal(ran.cpu.eip, STORE);
    }
    // Each hit resumes at the store; once that entry is hot (eight entries) hits come out of a
    // block built there: the store, the loop's tail, the JC taken and the loop head up to the
    // instruction before the breakpoint again.
    assert.equal(blockLength(ran, STORE), 11, 'the block ends before the breakpoint');

    // Moving the breakpoint rebuilds the blocks around the new address.
    const moved = new Set([SHIFT]);
    for (let hit = 0; hit < 3; hit++) {
      const s = ran.run(1_000_000, { breakpoints: moved, resume: true });
      assert.equal(s.reason, 'breakpoint', Machine.describe(s));
      stepToBreakpoint(stepped, moved, true);
      assert.deepEqual(state(ran), state(stepped), `moved, hit ${hit}`);
    }

    // Without breakpoints the guest finishes as single steps finish it.
    const end = ran.run(10_000_000, { resume: true });
    assert.equal(end.reason, 'debug-exit');
    while (stepped.debugExit.request === null) stepped.cpu.step();
    assert.deepEqual(state(ran), state(stepped));
    assert.equal(ran.debugExit.request?.value, stepped.debugExit.request?.value);
  });

  it('a breakpoint on a block start that is also the resume point does not stop twice', () => {
    const m = boot();
    const bps = new Set([LOOP]);
    assert.equal(m.run(1_000_000, { breakpoints: bps }).reason, 'breakpoint');
    const first = m.cpu.instret;
    const s = m.run(1_000_000, { breakpoints: bps, resume: true });
    assert.equal(s.reason, 'breakpoint');
    // One pass of the inner loop: eleven instructions (ndisasm of the fixture).
    assert.equal(m.cpu.instret - first, 11);
  });
});

describe('machine: data watch and event hooks on the block engine', () => {
  it('a watched store inside a block stops right after it, as a debug-register trap would', () => {
    const ran = boot(), stepped = boot();
    // Warm the blocks first: the watch must work inside compiled blocks, not only in step().
    assert.equal(ran.run(5000).reason, 'budget');
    for (let i = 0; i < 5000; i++) stepped.cpu.step();
    const index = 5;
    const hits: [number, number, boolean, number][] = [];
    const watch = new DataWatchPages((la, size, write) => {
      if (la === TABLE + 4 * index && write) { hits.push([la, size, write, ran.cpu.eip]); ran.requestStop(); }
    }, ran.memory.frameCount);
    watch.watchLinear(TABLE + 4 * index, TABLE + 4 * index + 4);
    ran.cpu.dataWatch = watch;
    for (let round = 0; round < 3; round++) {
      const s = ran.run(1_000_000);
      assert.equal(s.reason, 'requested', Machine.describe(s));
      // Reference: the step that executed the store with EBX = index.
      for (;;) {
        const eip = stepped.cpu.eip, ebx = stepped.cpu.regs[3];
        stepped.cpu.step();
        if (eip === STORE && ebx === index) break;
      }
      assert.deepEqual(state(ran), state(stepped), `round ${round}`);
      assert.equal(ran.cpu.eip, AFTER_STORE);
      assert.deepEqual(hits[round], [TABLE + 4 * index, 4, true, STORE]);
    }
    assert.equal(hits.length, 3);
  });

  it('unwatched pages never reach the hook', () => {
    const m = boot();
    let calls = 0;
    const watch = new DataWatchPages(() => { calls++; }, m.memory.frameCount);
    watch.watchLinear(0x300000, 0x300004);
    watch.watchPhysical(0x310000, 0x310001);
    m.cpu.dataWatch = watch;
    assert.equal(m.run(10_000_000).reason, 'debug-exit');
    assert.equal(calls, 0);
  });

  it('tells cpu.hooks of an INT3 trap and a #UD fault with their EIPs, and nothing per instruction', () => {
    const m = boot();
    const cpu = m.cpu;
    // At 0x100065 (after the loops): int3; ud2 (SDM Vol. 2: CC, 0F 0B).
    m.memory.writeBytes(0x100065, new Uint8Array([0xcc, 0x0f, 0x0b]));
    // An IDT at 0x300000: 32-bit interrupt gates (type 0xE, P=1, DPL 0) through the loader's CS
    // (SDM Vol. 3A Figure 6-2): vector 3 -> IRET at 0x300800, vector 6 -> mov al, 7; out 0xf4, al.
    const gate = (vector: number, offset: number): void => {
      m.memory.write32(0x300000 + vector * 8, (cpu.segSel[1] << 16) | (offset & 0xffff));
      m.memory.write32(0x300000 + vector * 8 + 4, (offset & 0xffff0000) | 0x8e00);
    };
    gate(3, 0x300800);
    gate(6, 0x300810);
    m.memory.writeBytes(0x300800, new Uint8Array([0xcf]));
    m.memory.writeBytes(0x300810, new Uint8Array([0xb0, 0x07, 0xe6, 0xf4, 0xf4]));
    cpu.idtrBase = 0x300000;
    cpu.idtrLimit = 0x7ff;
    cpu.flushCodeCache();
    const seen: [number, DeliveryKind, number, number, number, number][] = [];
    const hooks: CpuEventHooks = {
      delivered: (vector, kind, code, eip, cplBefore) => { seen.push([vector, kind, code, eip, cplBefore, cpu.eip]); },
      cplChanged: () => { assert.fail('CPL stays 0'); },
    };
    cpu.hooks = hooks;
    const s = m.run(10_000_000);
    assert.equal(s.reason, 'debug-exit', Machine.describe(s));
    assert.equal(m.debugExit.request?.value, 7);
    // INT3 is a trap reported at its own EIP; #UD a fault at UD2's, neither pushes an error code.
    assert.deepEqual(seen, [[3, 'trap', -1, 0x100065, 0, 0x300800], [6, 'fault', -1, 0x100066, 0, 0x300810]]);
  });
});
