// Paging and TLB against the Intel SDM Vol. 3A rules: §4.3 (32-bit paging, 4 KiB and 4 MiB
// pages), §4.6 (U/S, R/W, CR0.WP), §4.7 (#PF error code), §4.8 (A/D), §4.10 (TLB behaviour).
import * as assert from 'node:assert/strict';
import { PhysicalMemory } from '../../core/src/machine/memory/physical-memory';
import { Mmu, TRANSLATION_FAULT } from '../../core/src/machine/mmu/mmu';
import { Tlb } from '../../core/src/machine/mmu/tlb';
import {
  ACCESS_READ, ACCESS_WRITE, ACCESS_USER_READ, ACCESS_USER_WRITE, CR0_PG, CR0_WP, CR4_PSE, CR4_PGE,
} from '../../core/src/machine/mmu/paging-bits';

const PD = 0x10000;
const PT = 0x11000;
const P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;

function setup(cr0 = CR0_PG | CR0_WP, cr4 = 0) {
  const mem = new PhysicalMemory(8 << 20);
  const mmu = new Mmu(mem);
  mem.write32(PD + 0 * 4, PT | P | RW | US); // 0x00000000-0x003FFFFF via PT
  mmu.setCr4(cr4);
  mmu.setCr3(PD);
  mmu.setCr0(cr0);
  return { mem, mmu };
}

const pte = (mem: PhysicalMemory, page: number, value: number) => mem.write32(PT + page * 4, value);

describe('machine: paging (SDM 4.3, 4.6-4.8)', () => {
  it('is the identity while CR0.PG = 0', () => {
    const { mmu } = setup(0);
    assert.equal(mmu.translate(0xdeadbeef, ACCESS_WRITE), 0xdeadbeef);
  });

  it('translates a 4 KiB page, sets A in PDE and PTE, D only on a write, and counts references', () => {
    const { mem, mmu } = setup();
    pte(mem, 5, 0x200000 | P | RW | US);
    assert.equal(mmu.translate(0x5123, ACCESS_READ), 0x200123);
    assert.equal(mem.read32(PD) & (A | D), A);
    assert.equal(mem.read32(PT + 20) & (A | D), A);
    assert.equal(mmu.counters.walkReferences, 4, 'PDE read, PTE read, PDE A write, PTE A write');
    assert.equal(mmu.translate(0x5ffc, ACCESS_WRITE), 0x200ffc);
    assert.equal(mem.read32(PT + 20) & (A | D), A | D);
    assert.equal(mem.read32(PD) & D, 0, 'D is not a PDE bit for a page table');
    assert.equal(mmu.counters.walks, 2, 'first write through a clean entry walks to set D');
    assert.equal(mmu.counters.walkReferences, 4 + 3);
    mmu.translate(0x5000, ACCESS_WRITE);
    assert.equal(mmu.counters.walks, 2, 'dirty entry: writes hit');
  });

  it('reports not-present faults with P=0 and the W/R and U/S bits, CR2 = the linear address', () => {
    const { mem, mmu } = setup();
    const cases: [number, number][] = [[ACCESS_READ, 0], [ACCESS_WRITE, 2], [ACCESS_USER_READ, 4], [ACCESS_USER_WRITE, 6]];
    for (const [access, code] of cases) {
      assert.equal(mmu.translate(0x7abc, access), TRANSLATION_FAULT);
      assert.equal(mmu.faultAddress, 0x7abc);
      assert.equal(mmu.faultErrorCode, code);
    }
    assert.equal(mmu.translate(0x00400000, ACCESS_READ), TRANSLATION_FAULT, 'PDE 1 not present');
    assert.equal(mmu.faultErrorCode, 0);
    // PDE 0 was used to find the not-present PTEs: its A is set all the same (SDM Vol. 3A §4.8;
    // QEMU does so: test/fixtures/qemu/serial/page-walk-accessed); the not-present PDE 1 is left.
    assert.equal(mem.read32(PD) & A, A, 'A of a directory entry a failed walk used');
    assert.equal(mem.read32(PD + 4) & A, 0, 'no A for a not-present entry');
  });

  it('applies U/S and R/W from both levels and CR0.WP for supervisor writes', () => {
    const { mem, mmu } = setup();
    pte(mem, 1, 0x300000 | P);               // supervisor, read-only
    pte(mem, 2, 0x301000 | P | US);          // user, read-only
    pte(mem, 3, 0x302000 | P | RW | US);     // user, writable
    assert.equal(mmu.translate(0x1000, ACCESS_USER_READ), TRANSLATION_FAULT);
    assert.equal(mmu.faultErrorCode, 5);
    assert.equal(mmu.translate(0x1000, ACCESS_WRITE), TRANSLATION_FAULT, 'WP=1: supervisor write to read-only');
    assert.equal(mmu.faultErrorCode, 3);
    assert.equal(mmu.translate(0x2000, ACCESS_USER_WRITE), TRANSLATION_FAULT);
    assert.equal(mmu.faultErrorCode, 7);
    assert.equal(mmu.translate(0x2000, ACCESS_USER_READ), 0x301000);
    assert.equal(mmu.translate(0x3000, ACCESS_USER_WRITE), 0x302000);
    assert.equal(mem.read32(PT + 4) & A, 0, 'protection fault leaves A clear');
    mmu.setCr0(CR0_PG);                      // WP=0: supervisor may write read-only pages
    assert.equal(mmu.translate(0x1000, ACCESS_WRITE), 0x300000);
    assert.equal(mmu.translate(0x2000, ACCESS_USER_WRITE), TRANSLATION_FAULT, 'WP never relaxes user writes');
    // PDE without U/S: every user access below 4 MiB faults even though the PTE allows it.
    mem.write32(PD, PT | P | RW);
    mmu.setCr3(PD);
    assert.equal(mmu.translate(0x3000, ACCESS_USER_READ), TRANSLATION_FAULT);
    assert.equal(mmu.faultErrorCode, 5);
  });

  it('maps 4 MiB pages with CR4.PSE, sets A/D in the PDE, and checks reserved bits 21:13', () => {
    const { mem, mmu } = setup(CR0_PG | CR0_WP, CR4_PSE);
    mem.write32(PD + 4 * 4, 0x00400000 | P | RW | PS);     // 0x01000000 -> 0x00400000
    assert.equal(mmu.translate(0x01234567, ACCESS_WRITE), 0x00634567);
    assert.equal(mem.read32(PD + 16) & (A | D), A | D);
    assert.equal(mmu.counters.walkReferences, 2, 'one PDE read, one A/D write-back');
    mem.write32(PD + 5 * 4, 0x00400000 | 0x2000 | P | PS);
    assert.equal(mmu.translate(0x01400000, ACCESS_READ), TRANSLATION_FAULT);
    assert.equal(mmu.faultErrorCode, 9, 'P | RSVD');
    assert.equal(mmu.translate(0x01400000, ACCESS_USER_WRITE), TRANSLATION_FAULT);
    assert.equal(mmu.faultErrorCode, 0xf);
  });

  it('ignores PS when CR4.PSE = 0 and uses the PDE as a page-table pointer', () => {
    const { mem, mmu } = setup(CR0_PG | CR0_WP, 0);
    mem.write32(PD, PT | P | RW | US | PS);
    pte(mem, 9, 0x123000 | P);
    mmu.setCr3(PD);
    assert.equal(mmu.translate(0x9010, ACCESS_READ), 0x123010);
  });
});

describe('machine: TLB (SDM 4.10)', () => {
  it('keeps translating through a stale entry until INVLPG', () => {
    const { mem, mmu } = setup();
    pte(mem, 4, 0x200000 | P | RW);
    assert.equal(mmu.translate(0x4000, ACCESS_READ), 0x200000);
    pte(mem, 4, 0x500000 | P | RW);
    assert.equal(mmu.translate(0x4000, ACCESS_READ), 0x200000, 'stale');
    pte(mem, 4, 0);
    assert.equal(mmu.translate(0x4000, ACCESS_READ), 0x200000, 'still stale although not present');
    mmu.invlpg(0x4fff);
    assert.equal(mmu.translate(0x4000, ACCESS_READ), TRANSLATION_FAULT);
    assert.equal(mmu.tlb.counters.pageInvalidations, 1);
  });

  it('a CR3 write drops non-global entries; global ones survive with CR4.PGE until PGE changes', () => {
    const { mem, mmu } = setup(CR0_PG | CR0_WP, CR4_PGE);
    pte(mem, 1, 0x201000 | P | G);
    pte(mem, 2, 0x202000 | P | G);
    mmu.translate(0x1000, ACCESS_READ);
    mmu.translate(0x2000, ACCESS_READ);
    pte(mem, 1, 0x301000 | P | G);
    pte(mem, 2, 0x302000 | P);
    const before = { ...mmu.tlb.counters };
    mmu.setCr3(PD);
    assert.equal(mmu.tlb.counters.nonGlobalFlushes - before.nonGlobalFlushes, 1, 'a flush that keeps global entries');
    assert.equal(mmu.tlb.counters.flushes - before.flushes, 0);
    assert.equal(mmu.translate(0x1000, ACCESS_READ), 0x201000, 'global entry survives CR3 write');
    assert.equal(mmu.translate(0x2000, ACCESS_READ), 0x202000, 'G was set when the entry was cached');
    mmu.setCr4(0);
    assert.equal(mmu.translate(0x1000, ACCESS_READ), 0x301000, 'PGE change flushes globals');
    assert.equal(mmu.translate(0x2000, ACCESS_READ), 0x302000);
  });

  it('without CR4.PGE the G bit is ignored and CR3 writes drop everything', () => {
    const { mem, mmu } = setup();
    pte(mem, 1, 0x201000 | P | G);
    mmu.translate(0x1000, ACCESS_READ);
    pte(mem, 1, 0x301000 | P);
    const before = { ...mmu.tlb.counters };
    mmu.setCr3(PD);
    assert.equal(mmu.translate(0x1000, ACCESS_READ), 0x301000);
    // With CR4.PGE = 0 there are no global pages (SDM Vol. 3A §4.10.2.4), so this MOV to CR3
    // flushes every entry: a full flush, as the TLB view's counters define one (tlbModel.ts),
    // not one that keeps global entries.
    assert.equal(mmu.tlb.counters.flushes - before.flushes, 1);
    assert.equal(mmu.tlb.counters.nonGlobalFlushes - before.nonGlobalFlushes, 0);
  });

  it('faults on the stale rights of a cached entry, and the fault drops it so the retry walks', () => {
    const { mem, mmu } = setup();
    pte(mem, 6, 0x206000 | P | US);
    assert.equal(mmu.translate(0x6000, ACCESS_USER_READ), 0x206000);
    pte(mem, 6, 0x206000 | P | RW | US);
    assert.equal(mmu.translate(0x6000, ACCESS_USER_WRITE), TRANSLATION_FAULT);
    assert.equal(mmu.faultErrorCode, 7);
    // The fault dropped the entry (SDM Vol. 3A §4.10.4.1): one page invalidation, as the TLB view's
    // counter defines it ("entries dropped by INVLPG or by a page fault on their page").
    assert.equal(mmu.tlb.counters.pageInvalidations, 1);
    assert.equal(mmu.translate(0x6000, ACCESS_USER_WRITE), 0x206000);
    // A fault where no entry was cached drops nothing, and counts nothing.
    assert.equal(mmu.translate(0x7000, ACCESS_READ), TRANSLATION_FAULT);
    assert.equal(mmu.tlb.counters.pageInvalidations, 1);
  });

  it('toggling CR0.WP changes supervisor-write checks of cached entries without a flush', () => {
    const { mem, mmu } = setup(CR0_PG);
    pte(mem, 1, 0x300000 | P | D);
    assert.equal(mmu.translate(0x1000, ACCESS_WRITE), 0x300000);
    const flushes = mmu.tlb.counters.flushes;
    mmu.setCr0(CR0_PG | CR0_WP);
    assert.equal(mmu.translate(0x1000, ACCESS_WRITE), TRANSLATION_FAULT);
    assert.equal(mmu.tlb.counters.flushes, flushes);
  });

  it('INVLPG anywhere in a 4 MiB page drops all of its cached 4 KiB pieces', () => {
    const { mem, mmu } = setup(CR0_PG | CR0_WP, CR4_PSE);
    mem.write32(PD + 4, 0x00400000 | P | RW | PS);
    mmu.translate(0x00400000, ACCESS_READ);
    mmu.translate(0x00401000, ACCESS_READ);
    mem.write32(PD + 4, 0x00800000 | P | RW | PS);
    assert.equal(mmu.translate(0x00401000, ACCESS_READ), 0x00401000, 'stale');
    mmu.invlpg(0x007ff000);
    assert.equal(mmu.translate(0x00400000, ACCESS_READ), 0x00800000);
    assert.equal(mmu.translate(0x00401000, ACCESS_READ), 0x00801000);
  });

  it('never caches frames outside RAM (device memory)', () => {
    const { mem, mmu } = setup();
    pte(mem, 7, 0xfee00000 | P | RW);
    mmu.translate(0x7000, ACCESS_READ);
    mmu.translate(0x7000, ACCESS_READ);
    assert.equal(mmu.tlb.counters.misses, 2);
    assert.equal(mmu.tlb.counters.hits, 0);
  });

  it('tags entries with the VPID', () => {
    const { mem, mmu } = setup();
    pte(mem, 1, 0x201000 | P);
    mmu.tlb.setVpid(1);
    mmu.translate(0x1000, ACCESS_READ);
    pte(mem, 1, 0x301000 | P);
    mmu.tlb.setVpid(2);
    assert.equal(mmu.translate(0x1000, ACCESS_READ), 0x301000);
    mmu.tlb.setVpid(1);
    assert.equal(mmu.translate(0x1000, ACCESS_READ), 0x201000, 'VPID 1 entry survives the switch');
    assert.throws(() => mmu.tlb.setVpid(256), RangeError);
  });

  it('counts hits and misses', () => {
    const { mem, mmu } = setup();
    for (let i = 0; i < 4; i++) pte(mem, i, (0x100000 + i * 0x1000) | P | RW | D | A);
    for (let r = 0; r < 3; r++) for (let i = 0; i < 4; i++) mmu.translate(i << 12, ACCESS_READ);
    assert.deepEqual([mmu.tlb.counters.misses, mmu.tlb.counters.hits], [4, 8]);
  });
});

describe('machine: TLB replacement', () => {
  // 2 entries, 2 ways: one set; pages 1, 2, touch 1, then 3 evicts the victim.
  function run(policy: 'lru' | 'fifo' | 'random', seed = 1): number[] {
    const tlb = new Tlb({ entries: 2, ways: 2, policy, seed });
    const fill = (page: number) => tlb.fill(page << 12, page << 12, false, true, true, false, false, true);
    fill(1); fill(2);
    tlb.lookup(1 << 12, ACCESS_READ);
    fill(3);
    return tlb.entries().map((e) => e.linearPage >>> 12).sort();
  }
  it('LRU evicts the least recently used entry', () => assert.deepEqual(run('lru'), [1, 3]));
  it('FIFO evicts the oldest fill regardless of use', () => assert.deepEqual(run('fifo'), [2, 3]));
  it('random replacement is deterministic for a seed', () => {
    for (const seed of [1, 2, 3, 99]) assert.deepEqual(run('random', seed), run('random', seed));
    const outcomes = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => run('random', s).join()));
    assert.equal(outcomes.size, 2, 'different seeds pick different victims');
  });
  it('direct-mapped: two pages of the same set evict each other', () => {
    const tlb = new Tlb({ entries: 4, ways: 1, policy: 'lru' });
    tlb.fill(0x1000, 0x1000, false, true, true, false, false, true);
    tlb.fill(0x5000, 0x9000, false, true, true, false, false, true);
    assert.equal(tlb.lookup(0x1000, ACCESS_READ), -1);
    assert.equal(tlb.lookup(0x5004, ACCESS_READ), 0x9004);
    assert.equal(tlb.counters.evictions, 1);
  });
  it('rejects a shape whose set count is not a power of two', () => {
    assert.throws(() => new Tlb({ entries: 12, ways: 4, policy: 'lru' }), RangeError);
  });
});
