// The state a multiboot guest starts in, where the loader leaves it as the processor's reset left
// it: LDTR and TR have selector 0, base 0 and limit 0FFFFH after power-up, reset or INIT (SDM Vol.
// 3A Table 9-1), as QEMU's `info registers` shows them at a -kernel guest's entry (LDT=0000
// 00000000 0000ffff). Ringside had limit 0 for both, so an LDT selector failed LAR/LSL/VERR where
// the processor reads the descriptor at linear 0.
import * as assert from 'node:assert/strict';
import { assemble } from '../../core/src/asm/index';
import { Machine } from '../../core/src/machine/machine';

const GUEST = [
  'bits 32', 'org 0x100000', 'MB_MAGIC equ 0x1BADB002', 'MB_FLAGS equ 0x00010000',
  'header: dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)', '    dd header, 0x100000, end, end, start',
  'start:',
  // A present, writable ring-0 data segment (access byte 92H) at linear 0: LDT entry 0 while LDTR's base is 0.
  '    mov dword [0], 0x0000ffff', '    mov dword [4], 0x00cf9200',
  '    mov bx, 4', '    lar eax, bx', '    setz dl', '    lsl ecx, bx', '    setz dh',
  '    mov bx, 0x0c', '    lar esi, bx', '    setz bl', // entry 1 at 8..15: zeros, no descriptor
  '    hlt', 'end:',
].join('\n');

describe('CPU: the state at a multiboot guest\'s entry (SDM Vol. 3A Table 9-1)', () => {
  it('has LDTR and TR at their reset values: selector 0, base 0, limit 0FFFFH', () => {
    const r = assemble({ file: '/reset.asm', text: GUEST, host: { readFile: () => undefined } });
    const m = Machine.fromMultiboot(r.image, {});
    assert.ok(m.ok);
    const cpu = m.machine.cpu;
    assert.deepEqual([cpu.ldtrSel, cpu.ldtrBase, cpu.ldtrLimit], [0, 0, 0xffff]);
    assert.deepEqual([cpu.trSel, cpu.trBase, cpu.trLimit], [0, 0, 0xffff]);
  });

  it('reads an LDT selector\'s descriptor at linear 0 through that LDTR (LAR, LSL)', () => {
    const r = assemble({ file: '/reset.asm', text: GUEST, host: { readFile: () => undefined } });
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    const m = Machine.fromMultiboot(r.image, {});
    assert.ok(m.ok);
    m.machine.run(1000);
    const cpu = m.machine.cpu;
    // LAR: the access rights masked by 00F0FF00H (SDM Vol. 2A LAR); LSL: the byte-granular limit
    // scaled by G (FFFFFH pages -> FFFFFFFFH); ZF set for both. Entry 1 is null: ZF clear.
    assert.equal(cpu.regs[0] >>> 0, 0x00cf9200 & 0x00f0ff00);
    assert.equal(cpu.regs[1] >>> 0, 0xffffffff);
    assert.equal(cpu.regs[2] & 0xffff, 0x0101);
    assert.equal(cpu.regs[3] & 0xff, 0);
  });
});
