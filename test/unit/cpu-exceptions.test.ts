// CPU exception behaviour the QEMU traces cannot show or where QEMU departs from the SDM: the
// double-fault classes of SDM Vol. 3A Table 6-5, shutdown, error-code formats (§6.13: EXT, IDT,
// TI), ICEBP, segment checks (§5.3-§5.4), the accessed bit of code descriptors (§3.4.5.1) and
// global TLB entries across MOV CR3 (§4.10.2.4, §4.10.4.1), and the multi-byte and reserved NOPs
// (0F 1F /0, 0F 19-0F 1F), which fault on none of their operand's addresses (Vol. 2B "NOP").
// Instruction bytes are as ndisasm decodes them (shown beside each).
import * as assert from 'node:assert/strict';
import { Machine } from '../../core/src/machine/machine';
import type { InitialCpuState, SegmentLoad } from '../../core/src/machine/loader/initial-state';
import { movToCr } from '../../core/src/machine/cpu/system';
import type { Cpu } from '../../core/src/machine/cpu/cpu';

const GDT = 0x1000, IDT = 0x2000, HANDLERS = 0x3000, TSS = 0x4000, CODE = 0x10000, STACK = 0x9000;
const DESCRIPTORS: [number, number][] = [
  [0, 0],
  [0x0000ffff, 0x00cf9a00], // 0x08 code, DPL 0
  [0x0000ffff, 0x00cf9200], // 0x10 data, DPL 0
  [0x0000ffff, 0x00cffa00], // 0x18 code, DPL 3
  [0x0000ffff, 0x00cff200], // 0x20 data, DPL 3
  [(TSS << 16) | 0x67, 0x00008b00], // 0x28 busy 32-bit TSS
  [0x00000fff, 0x00409000], // 0x30 read-only data, limit 0xfff
];

/** The handler address of vector v: execution lands there when v is delivered. */
const handler = (v: number): number => HANDLERS + v * 16;

/** A ring 0 machine with flat segments, a TSS (ESP0 = STACK) and 32 present DPL 0 interrupt gates. */
function machine(code: number[]): { m: Machine; cpu: Cpu } {
  const seg = (selector: number): SegmentLoad => ({ selector, descriptorLow: DESCRIPTORS[selector >> 3][0], descriptorHigh: DESCRIPTORS[selector >> 3][1] });
  const state: InitialCpuState = {
    eax: 0, ebx: 0, ecx: 0, edx: 0, esi: 0, edi: 0, ebp: 0, esp: STACK, eip: CODE, eflags: 2, cr0: 0x11, cr3: 0, cr4: 0,
    cs: seg(0x08), ds: seg(0x10), es: seg(0x10), fs: seg(0x10), gs: seg(0x10), ss: seg(0x10),
    gdtr: { base: GDT, limit: DESCRIPTORS.length * 8 - 1 }, idtr: { base: IDT, limit: 256 * 8 - 1 }, cpl: 0,
  };
  const m = Machine.fromImage(new Uint8Array(code), CODE, state);
  const mem = m.memory;
  DESCRIPTORS.forEach(([lo, hi], i) => { mem.write32(GDT + i * 8, lo); mem.write32(GDT + i * 8 + 4, hi); });
  for (let v = 0; v < 32; v++) {
    mem.write32(IDT + v * 8, (0x08 << 16) | (handler(v) & 0xffff));
    mem.write32(IDT + v * 8 + 4, (handler(v) & 0xffff0000) | 0x8e00);
  }
  mem.write32(TSS + 4, STACK);
  mem.write32(TSS + 8, 0x10);
  const cpu = m.cpu;
  cpu.trSel = 0x28; cpu.trBase = TSS; cpu.trLimit = 0x67; cpu.trHigh = DESCRIPTORS[5][1];
  return { m, cpu };
}

function notPresent(m: Machine, vector: number): void {
  m.memory.write32(IDT + vector * 8 + 4, m.memory.read32(IDT + vector * 8 + 4) & ~0x8000);
}

/** The dword on top of the (ring 0, flat) stack: the error code right after delivery. */
const top = (cpu: Cpu): number => cpu.memory.read32(cpu.regs[4] >>> 0);

const UD2 = [0x0f, 0x0b];
const MOV_DS_AX = [0x8e, 0xd8];

describe('CPU: double fault and shutdown (SDM Vol. 3A Table 6-5)', () => {
  it('contributory during contributory: #GP whose gate is not present gives #DF(0)', () => {
    const { m, cpu } = machine(MOV_DS_AX); // mov ds, ax
    cpu.regs[0] = 0x1230; // beyond the GDT limit: #GP(0x1230)
    notPresent(m, 13);
    cpu.step();
    assert.equal(cpu.eip, handler(8));
    assert.equal(top(cpu), 0);
  });

  it('contributory during benign: #UD whose gate is not present gives #NP with EXT and IDT set', () => {
    const { m, cpu } = machine(UD2);
    notPresent(m, 6);
    cpu.step();
    assert.equal(cpu.eip, handler(11));
    assert.equal(top(cpu), 6 * 8 + 2 + 1, 'index 6, IDT = 1 (bit 1), EXT = 1 (bit 0): §6.13');
  });

  it('#DE (contributory) whose gate is not present gives #DF', () => {
    const { m, cpu } = machine([0xf7, 0xf1]); // div ecx
    notPresent(m, 0);
    cpu.step();
    assert.equal(cpu.eip, handler(8));
  });

  it('#PF then #NP (not-present gate) gives #DF, CR2 kept', () => {
    const { m, cpu } = machine([0xa1, 0x00, 0x00, 0x40, 0x00]); // mov eax, [0x400000]
    identityPaging(m, cpu);
    notPresent(m, 14);
    cpu.step();
    assert.equal(cpu.eip, handler(8));
    assert.equal(cpu.cr2, 0x400000);

  });

  it('#PF while pushing the #PF frame gives #DF, whose frame faults too: shutdown', () => {
    const { m, cpu } = machine([0xa1, 0x00, 0x00, 0x40, 0x00]);
    identityPaging(m, cpu);
    m.memory.write32(0x21000 + ((STACK - 4) >>> 12) * 4, 0); // the stack page is not present
    cpu.step();
    assert.equal(cpu.condition, 'shutdown', 'the #DF frame cannot be pushed either: triple fault');
  });

  it('benign after benign is delivered serially: #BP with a not-present gate gives #NP without EXT', () => {
    const { m, cpu } = machine([0xcc]); // int3: a software interrupt, so EXT = 0
    notPresent(m, 3);
    cpu.step();
    assert.equal(cpu.eip, handler(11));
    assert.equal(top(cpu), 3 * 8 + 2);
  });
});

describe('CPU: error codes and special exceptions (SDM Vol. 3A §6.13, Vol. 2)', () => {
  it('a selector error code keeps TI and clears RPL', () => {
    const { cpu } = machine(MOV_DS_AX);
    cpu.regs[0] = 0x000f; // index 1, TI = 1 (no LDT), RPL 3
    cpu.step();
    assert.equal(cpu.eip, handler(13));
    assert.equal(top(cpu), 0x000c);
  });

  it('ICEBP (F1) raises #DB as a trap without the gate DPL check (CPL 3, DPL 0 gate)', () => {
    const { cpu } = machine([0xf1]);
    toRing3(cpu);
    cpu.step();
    assert.equal(cpu.eip, handler(1));
    assert.equal(cpu.cpl, 0);
    assert.equal(cpu.memory.read32(cpu.regs[4] >>> 0), CODE + 1, 'return address after ICEBP');
  });

  it('INT n through a DPL 0 gate at CPL 3 raises #GP(vector * 8 + 2)', () => {
    const { cpu } = machine([0xcd, 0x05]); // int 0x5
    toRing3(cpu);
    cpu.step();
    assert.equal(cpu.eip, handler(13));
    assert.equal(cpu.cpl, 0);
    assert.equal(top(cpu), 5 * 8 + 2);
  });
});

describe('CPU: segment checks QEMU does not make (SDM Vol. 3A §5.3-§5.4)', () => {
  it('a write through a read-only data segment is #GP(0)', () => {
    const { cpu } = machine([0x64, 0xa3, 0x00, 0x05, 0x00, 0x00]); // mov [fs:0x500], eax
    loadFs(cpu, 0x30);
    cpu.step();
    assert.equal(cpu.eip, handler(13));
    assert.equal(top(cpu), 0);
  });

  it('a read past the limit is #GP(0), a read through a null selector too', () => {
    const { cpu } = machine([0x64, 0xa1, 0xfe, 0x0f, 0x00, 0x00]); // mov eax, [fs:0xffe]
    loadFs(cpu, 0x30);
    cpu.step();
    assert.equal(cpu.eip, handler(13));
    const n = machine([0x64, 0xa1, 0x00, 0x00, 0x00, 0x00]); // mov eax, [fs:0]
    n.cpu.loadNull(4, 0);
    n.cpu.step();
    assert.equal(n.cpu.eip, handler(13));
  });

  it('loading CS sets the code descriptor accessed bit', () => {
    const { m, cpu } = machine([0xea, 0x10, 0x00, 0x01, 0x00, 0x08, 0x00]); // jmp 0x8:0x10010
    cpu.step();
    assert.equal(cpu.eip, 0x10010);
    assert.equal(m.memory.read32(GDT + 8 + 4) & 0x100, 0x100);
  });
});

describe('CPU: TLB entries across MOV CR3 (SDM Vol. 3A §4.10.4.1)', () => {
  const READ = [0xa1, 0x00, 0x00, 0x30, 0x00]; // mov eax, [0x300000]
  const MOV_CR3 = [0x0f, 0x22, 0xd8]; // mov cr3, eax
  const INVLPG = [0x0f, 0x01, 0x3d, 0x00, 0x00, 0x30, 0x00]; // invlpg [0x300000]

  for (const global of [true, false]) {
    it(`${global ? 'a global' : 'a non-global'} entry ${global ? 'survives' : 'is dropped by'} MOV CR3; INVLPG drops it`, () => {
      const { m, cpu } = machine([...READ, ...MOV_CR3, ...READ, ...INVLPG, ...READ]);
      identityPaging(m, cpu);
      movToCr(cpu, 4, 0x80 | 0x10);
      const pte = 0x21000 + (0x300000 >>> 12) * 4;
      m.memory.write32(0x50000, 0xaaaa);
      m.memory.write32(0x51000, 0xbbbb);
      m.memory.write32(pte, 0x50000 | 7 | (global ? 0x100 : 0));
      cpu.step();
      assert.equal(cpu.regs[0], 0xaaaa);
      m.memory.write32(pte, 0x51000 | 7 | (global ? 0x100 : 0));
      cpu.regs[0] = cpu.cr3;
      cpu.step();
      cpu.step();
      assert.equal(cpu.regs[0], global ? 0xaaaa : 0xbbbb);
      cpu.step();
      cpu.step();
      assert.equal(cpu.regs[0], 0xbbbb);
    });
  }
});

describe('CPU: the multi-byte NOP (0F 1F /0) accesses no memory (SDM Vol. 2B "NOP")', () => {
  it('an unmapped page is no #PF: the ModR/M only gives the length', () => {
    const { m, cpu } = machine([0x0f, 0x1f, 0x05, 0x00, 0x00, 0x40, 0x00]); // nop dword [0x400000]
    identityPaging(m, cpu);
    cpu.step();
    assert.equal(cpu.eip, CODE + 7);
    assert.equal(cpu.cr2, 0);
  });

  it('past a segment limit and through a null selector is no #GP', () => {
    const { cpu } = machine([0x64, 0x0f, 0x1f, 0x05, 0xfe, 0x0f, 0x00, 0x00]); // nop dword [fs:0xffe]
    loadFs(cpu, 0x30);
    cpu.step();
    assert.equal(cpu.eip, CODE + 8);
    const n = machine([0x64, 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00]); // nop word [fs:eax+eax+0x0]
    n.cpu.loadNull(4, 0);
    n.cpu.step();
    assert.equal(n.cpu.eip, CODE + 7);
  });

  it('register forms change no register and no flag', () => {
    const { cpu } = machine([0x0f, 0x1f, 0xc0, 0x66, 0x0f, 0x1f, 0xc4]); // nop eax; nop sp
    cpu.regs.set([1, 2, 3, 4, STACK, 6, 7, 8]);
    const flags = cpu.flags;
    cpu.step();
    cpu.step();
    assert.equal(cpu.eip, CODE + 7);
    assert.deepEqual([...cpu.regs.subarray(0, 8)], [1, 2, 3, 4, STACK, 6, 7, 8]);
    assert.equal(cpu.flags, flags);
  });
});

describe('CPU: the reserved NOPs (0F 19-0F 1E, 0F 1F /1-/7) run as NOPs (SDM Vol. 2B "NOP")', () => {
  it('every opcode and reg field is a NOP of its ModR/M length, not #UD', () => {
    for (let opcode = 0x19; opcode <= 0x1f; opcode++) {
      for (let reg = opcode === 0x1f ? 1 : 0; reg < 8; reg++) {
        // hint_nopN dword [eax+0x12345678] / hint_nopN edi
        const { cpu } = machine([0x0f, opcode, 0x80 | (reg << 3), 0x78, 0x56, 0x34, 0x12, 0x0f, opcode, 0xc7 | (reg << 3)]);
        cpu.step();
        cpu.step();
        assert.equal(cpu.eip, CODE + 10, `0F ${opcode.toString(16)} /${reg}`);
      }
    }
  });

  it('an unmapped page is no #PF and a null selector no #GP: no memory is accessed', () => {
    const { m, cpu } = machine([0x0f, 0x1d, 0x05, 0x00, 0x00, 0x40, 0x00]); // hint_nop40 dword [0x400000]
    identityPaging(m, cpu);
    cpu.step();
    assert.equal(cpu.eip, CODE + 7);
    assert.equal(cpu.cr2, 0);
    const n = machine([0x64, 0x66, 0x0f, 0x1f, 0x7c, 0x00, 0x00]); // hint_nop63 word [fs:eax+eax+0x0]
    n.cpu.loadNull(4, 0);
    n.cpu.step();
    assert.equal(n.cpu.eip, CODE + 7);
  });

  it('the bytes ndisasm reads as MPX, CLDEMOTE or CET are the reserved NOP on this P6', () => {
    // bndldx bnd0,[eax] / bndmov bnd0,bnd1 / cldemote [eax] / endbr32 / rdsspd ecx to ndisasm
    const { cpu } = machine([0x0f, 0x1a, 0x00, 0x66, 0x0f, 0x1a, 0xc1, 0x0f, 0x1c, 0x00, 0xf3, 0x0f, 0x1e, 0xfb, 0xf3, 0x0f, 0x1e, 0xc9]);
    cpu.regs.set([1, 2, 3, 4, STACK, 6, 7, 8]);
    const flags = cpu.flags;
    for (let i = 0; i < 5; i++) cpu.step();
    assert.equal(cpu.eip, CODE + 18);
    assert.deepEqual([...cpu.regs.subarray(0, 8)], [1, 2, 3, 4, STACK, 6, 7, 8]);
    assert.equal(cpu.flags, flags);
  });
});

/** Page directory at 0x20000 with one table at 0x21000 mapping 0-4 MiB onto itself (user, writable). */
function identityPaging(m: Machine, cpu: Cpu): void {
  m.memory.write32(0x20000, 0x21000 | 7);
  for (let i = 0; i < 1024; i++) m.memory.write32(0x21000 + i * 4, (i << 12) | 7);
  movToCr(cpu, 3, 0x20000);
  movToCr(cpu, 0, 0x80000011);
}

function loadFs(cpu: Cpu, sel: number): void {
  cpu.segSel[4] = sel;
  cpu.loadHidden(4, DESCRIPTORS[sel >> 3][0], DESCRIPTORS[sel >> 3][1]);
}

function toRing3(cpu: Cpu): void {
  cpu.cpl = 3;
  cpu.segSel[1] = 0x1b; cpu.loadHidden(1, DESCRIPTORS[3][0], DESCRIPTORS[3][1]);
  cpu.segSel[2] = 0x23; cpu.loadHidden(2, DESCRIPTORS[4][0], DESCRIPTORS[4][1]);
  cpu.regs[4] = 0x8000;
}
