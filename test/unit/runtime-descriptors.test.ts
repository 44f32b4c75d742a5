// readDescriptorTables (core/src/runtime/descriptor-tables.ts) against guests whose tables are known
// from their source: the example kernel (examples/include/gdt.inc, pc.inc, kernel.gasm) and a small
// guest with an LDT and a call gate whose descriptors are encoded by hand from SDM Vol. 3A
// Figures 3-8 and 5-8. Reading must change nothing: no TLB fill, no counters, no accessed bits.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { GuestSession } from '../../core/src/runtime/session';
import { readDescriptorTables } from '../../core/src/runtime/descriptor-tables';

const ROOT = path.join(__dirname, '..', '..');
const KERNEL = path.join(ROOT, 'examples', 'kernel', 'kernel.gasm');
const INCLUDE = [path.join(ROOT, 'examples', 'include'), path.join(ROOT, 'examples', 'kernel')];

// examples/include/pc.inc
const KERNEL_CS = 0x08, KERNEL_DS = 0x10, USER_CS = 0x18, USER_DS = 0x20, TSS_SEL = 0x28;

function load(file: string, text?: string): GuestSession {
  const r = GuestSession.load({ source: { file, text, includePaths: INCLUDE } });
  assert.ok(r.ok, r.ok ? '' : `${r.message} ${JSON.stringify(r.diagnostics?.map((d) => d.message))}`);
  return r.session;
}

function sym(s: GuestSession, name: string): number {
  const v = s.symbols.lookup(name);
  assert.ok(v !== undefined, name);
  return v;
}

async function runTo(s: GuestSession, label: string): Promise<void> {
  s.setBreakpoints([{ address: sym(s, label) }]);
  const o = await s.continue();
  assert.equal(o.kind, 'stopped', JSON.stringify(o));
}

// A guest with an LDT (at a fixed address, filled at run time) and a DPL 3 call gate into ring 0.
const LDT_GUEST = `
        bits 32
        org 0x100000
MB_MAGIC equ 0x1BADB002
MB_FLAGS equ 1 << 16
header: dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
        dd header, $$, load_end, bss_end, start
LDT_BASE equ 0x200000
gdt:    dq 0
        dq 0x00CF9A000000FFFF           ; 0x08 flat code, DPL 0
        dq 0x00CF92000000FFFF           ; 0x10 flat data, DPL 0
        dq 0x000082200000000F           ; 0x18 LDT at 0x200000, limit 15
gate:   dq 0                            ; 0x20 call gate, filled by start
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd gdt
start:  lgdt [gdtr]
        jmp 0x08:.cs
.cs:    mov ax, 0x10
        mov ds, ax
        mov eax, gate_target
        mov [gate], ax
        mov word [gate + 2], 0x08
        mov word [gate + 4], 0xEC00     ; P, DPL 3, 32-bit call gate, 0 parameters
        shr eax, 16
        mov [gate + 6], ax
        mov dword [LDT_BASE], 0x00000FFF      ; code DPL 3, base 0x300000, limit 0xFFF, D = 1
        mov dword [LDT_BASE + 4], 0x0040FA30
        mov dword [LDT_BASE + 8], 0x0000FFFF  ; data DPL 3, flat, writable
        mov dword [LDT_BASE + 12], 0x00CFF200
        mov ax, 0x18
        lldt ax
loaded: mov al, 0
        out 0xF4, al
gate_target:
        retf
load_end:
        section .bss
bss_end:
`;

describe('runtime: descriptor tables read from guest memory', function () {
  this.timeout(20000);

  it('the example kernel: its five GDT descriptors, the busy TSS with SS0:ESP0, and its IDT gates', async () => {
    const s = load(KERNEL);
    await runTo(s, 'user_entry');
    const before = { tlb: s.tlbCounters(), mmu: s.mmuCounters(), gdt: Buffer.from(s.readMemory(sym(s, 'gdt'), 48).bytes) };
    const t = readDescriptorTables(s.machine, s.symbols);

    assert.equal(t.gdt.base, sym(s, 'gdt'));
    assert.equal(t.gdt.limit, 6 * 8 - 1); // gdt_end - gdt - 1
    assert.deepEqual(t.gdt.entries.map((e) => [e.selector, e.kind, e.dpl, e.present]), [
      [KERNEL_CS, 'code', 0, true], [KERNEL_DS, 'data', 0, true], [USER_CS, 'code', 3, true], [USER_DS, 'data', 3, true], [TSS_SEL, 'tss', 0, true],
    ]);
    for (const e of t.gdt.entries.slice(0, 4)) {
      // gdt_entry 0, 0xFFFFF, ACC_*, GRAN_4K_32: flat 4 GiB, 32-bit.
      assert.deepEqual([e.base, e.limit, e.big], [0, 0xffff_ffff, true], `selector ${e.selector}`);
    }
    assert.match(t.gdt.entries[0].typeName, /^code, execute\/read/);
    assert.match(t.gdt.entries[1].typeName, /^data, read\/write/);
    // Flat code segments cover every label of the guest.
    const labels = s.symbols.all.filter((x) => !x.name.includes('.')).length;
    assert.equal(t.gdt.entries[0].labels?.count, labels);
    assert.equal(t.gdt.entries[1].labels, undefined);
    // The TSS: base patched in by install_gdt, limit tss32_size - 1 = 103, busy after LTR (type 0x9 -> 0xB).
    const tssDesc = t.gdt.entries[4];
    assert.deepEqual([tssDesc.base, tssDesc.limit, tssDesc.type, tssDesc.typeName], [sym(s, 'tss'), 103, 0xb, '32-bit TSS (busy)']);
    assert.ok(t.tss !== undefined);
    assert.deepEqual([t.tss.selector, t.tss.base, t.tss.limit, t.tss.bits, t.tss.busy], [TSS_SEL, sym(s, 'tss'), 103, 32, true]);
    // tss32.ss0 = KERNEL_DS, esp0 = kernel_stack_top (EAX at `call install_gdt`); rings 1 and 2 unused.
    assert.deepEqual(t.tss.stacks, [
      { ring: 0, ss: KERNEL_DS, esp: sym(s, 'kernel_stack_top') }, { ring: 1, ss: 0, esp: 0 }, { ring: 2, ss: 0, esp: 0 },
    ]);
    assert.equal(t.ldt, undefined);

    // install_idt: 32 exception gates (GATE_INT_R0) to exception_N and INT 0x80 (GATE_INT_R3) to syscall_entry.
    assert.equal(t.idt.base, sym(s, 'idt'));
    assert.deepEqual(t.idt.gates.map((g) => g.vector), [...Array.from({ length: 32 }, (_, i) => i), 0x80]);
    for (const g of t.idt.gates.slice(0, 32)) {
      assert.deepEqual([g.kind, g.bits, g.dpl, g.target.selector, g.target.offset, g.target.symbol, g.target.ring],
        ['interrupt-gate', 32, 0, KERNEL_CS, sym(s, `exception_${g.vector}`), `exception_${g.vector}`, 0]);
    }
    const sys = t.idt.gates[32];
    assert.deepEqual([sys.dpl, sys.target.symbol, sys.target.ring], [3, 'syscall_entry', 0]);

    // Nothing changed: same counters, same descriptor bytes (no accessed bits set by the reader).
    assert.deepEqual(s.tlbCounters(), before.tlb);
    assert.deepEqual(s.mmuCounters(), before.mmu);
    assert.deepEqual(Buffer.from(s.readMemory(sym(s, 'gdt'), 48).bytes), before.gdt);
  });

  it('before LGDT: the multiboot loader\'s table; no TSS, no IDT gates', () => {
    const s = load(KERNEL);
    const t = readDescriptorTables(s.machine, s.symbols);
    // QEMU's option ROM GDT (fixture values in core/src/machine/loader/multiboot.ts): flat ring 0 code and data.
    assert.deepEqual(t.gdt.entries.slice(0, 2).map((e) => [e.selector, e.kind, e.dpl, e.base, e.limit]), [[0x08, 'code', 0, 0, 0xffff_ffff], [0x10, 'data', 0, 0, 0xffff_ffff]]);
    assert.equal(t.tss, undefined);
    assert.equal(t.ldt, undefined);
  });

  it('a guest with an LDT and a call gate: LDT entries with TI set, the gate\'s target label and ring', async () => {
    const s = load(path.join(ROOT, 'ldt-guest.gasm'), LDT_GUEST);
    await runTo(s, 'loaded');
    const t = readDescriptorTables(s.machine, s.symbols);
    const gate = t.gdt.entries.find((e) => e.selector === 0x20);
    assert.ok(gate !== undefined);
    assert.deepEqual([gate.kind, gate.dpl, gate.typeName, gate.target?.selector, gate.target?.offset, gate.target?.symbol, gate.target?.ring],
      ['call-gate', 3, '32-bit call gate', 0x08, sym(s, 'gate_target'), 'gate_target', 0]);
    const ldtDesc = t.gdt.entries.find((e) => e.selector === 0x18);
    assert.deepEqual([ldtDesc?.kind, ldtDesc?.base, ldtDesc?.limit], ['ldt', 0x20_0000, 15]);
    assert.ok(t.ldt !== undefined);
    assert.deepEqual([t.ldt.selector, t.ldt.base, t.ldt.limit], [0x18, 0x20_0000, 15]);
    // Index 0 → selector 0x04 (TI = 1), index 1 → 0x0C.
    assert.deepEqual(t.ldt.entries.map((e) => [e.selector, e.kind, e.dpl, e.base, e.limit, e.big]), [
      [0x04, 'code', 3, 0x30_0000, 0xfff, true], [0x0c, 'data', 3, 0, 0xffff_ffff, true],
    ]);
    // The byte-granular 4 KiB code segment holds offsets 0..0xFFF: none of this guest's labels (all above 1 MiB).
    assert.deepEqual(t.ldt.entries[0].labels, { count: 0, names: [] });
    assert.deepEqual(t.idt.gates, []);
  });
});
