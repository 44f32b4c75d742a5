// Shifts, rotates, double shifts and bit operations (BT/BTS/BTR/BTC, BSF/BSR, SETcc).
// Flag effects from the Intel SDM Vol. 2 entries "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "BT".

import type { FormSpec, InstructionSpec } from '../types';
import { INNOCUOUS } from '../virt';
import { CONDITION_CODES, form, hex } from './form';

const MEM_EXC = ['#GP', '#SS', '#PF', '#AC'];

/**
 * The C0/C1/D0-D3 group: ModR/M extension /n, count 1, CL or imm8. nasm's templates name every
 * size (measured: `rol tword [eax], cl` and `rol al, word 5` are invalid combinations).
 */
function shiftForms(n: number): FormSpec[] {
  return [
    form('rm8,one', 'mx', `D0 /${n}`, { sizes: 'ss' }),
    form('rm8,cl', 'mx', `D2 /${n}`, { sizes: 'ss' }),
    form('rm8,imm8', 'mi', `C0 /${n} ib`, { cpu: '186', sizes: 'ss' }),
    form('rm16,one', 'mx', `o16 D1 /${n}`, { sizes: 'ss' }),
    form('rm16,cl', 'mx', `o16 D3 /${n}`, { sizes: 'ss' }),
    form('rm16,imm8', 'mi', `o16 C1 /${n} ib`, { cpu: '186', sizes: 'ss' }),
    form('rm32,one', 'mx', `o32 D1 /${n}`, { sizes: 'ss' }),
    form('rm32,cl', 'mx', `o32 D3 /${n}`, { sizes: 'ss' }),
    form('rm32,imm8', 'mi', `o32 C1 /${n} ib`, { sizes: 'ss' }),
  ];
}

const SHIFT_NOTE = 'The count is masked to 5 bits; a count of 0 changes no flags; OF is defined only for 1-bit shifts.';
const ROTATE_NOTE = 'The count is masked to 5 bits (RCL/RCR then taken mod 9 or 17 for 8/16-bit operands); OF is defined only for 1-bit rotates.';

function shift(mnemonic: string, n: number, summary: string, aliases?: string[]): InstructionSpec {
  return {
    mnemonic, summary, group: 'shift', privilege: 'innocuous', virt: INNOCUOUS, exceptions: MEM_EXC,
    flags: { modified: ['CF', 'OF', 'SF', 'ZF', 'PF'], undefined: ['AF'], note: SHIFT_NOTE },
    forms: shiftForms(n), ...(aliases ? { aliases } : {}),
  };
}

function rotate(mnemonic: string, n: number, summary: string, carryIn: boolean): InstructionSpec {
  return {
    mnemonic, summary, group: 'shift', privilege: 'innocuous', virt: INNOCUOUS, exceptions: MEM_EXC,
    flags: { ...(carryIn ? { tested: ['CF'] as const } : {}), modified: ['CF', 'OF'], note: ROTATE_NOTE },
    forms: shiftForms(n),
  };
}

function doubleShift(mnemonic: string, op: number, summary: string): InstructionSpec {
  return {
    mnemonic, summary, group: 'shift', cpu: '386', privilege: 'innocuous', virt: INNOCUOUS, exceptions: MEM_EXC,
    flags: { modified: ['CF', 'SF', 'ZF', 'PF'], undefined: ['OF', 'AF'], note: 'OF is defined only for 1-bit shifts; a count above the operand size leaves the destination undefined.' },
    forms: [
      form('rm16,r16,imm8', 'mri', `o16 0F ${hex(op)} /r ib`),
      form('rm16,r16,cl', 'mrx', `o16 0F ${hex(op + 1)} /r`),
      form('rm32,r32,imm8', 'mri', `o32 0F ${hex(op)} /r ib`),
      form('rm32,r32,cl', 'mrx', `o32 0F ${hex(op + 1)} /r`),
    ],
  };
}

function bitTest(mnemonic: string, op: number, n: number, summary: string): InstructionSpec {
  return {
    mnemonic, summary, group: 'bit', cpu: '386', privilege: 'innocuous', virt: INNOCUOUS, exceptions: MEM_EXC,
    flags: { modified: ['CF'], undefined: ['OF', 'SF', 'AF', 'PF'] },
    // (The immediate forms name their sizes, the register ones take the register's: measured,
    // `bt byte [eax], 5` is an invalid combination, `bt byte [eax], ax` a size mismatch.)
    forms: [
      form('rm16,r16', 'mr', `o16 0F ${hex(op)} /r`),
      form('rm32,r32', 'mr', `o32 0F ${hex(op)} /r`),
      form('rm16,imm8', 'mi', `o16 0F BA /${n} ib`, { sizes: 'ss' }),
      form('rm32,imm8', 'mi', `o32 0F BA /${n} ib`, { sizes: 'ss' }),
    ],
  };
}

export const BITS: readonly InstructionSpec[] = [
  rotate('rol', 0, 'Rotate left.', false),
  rotate('ror', 1, 'Rotate right.', false),
  rotate('rcl', 2, 'Rotate left through CF.', true),
  rotate('rcr', 3, 'Rotate right through CF.', true),
  shift('shl', 4, 'Shift left, filling with zeros (SAL is the same instruction).', ['sal']),
  shift('shr', 5, 'Logical shift right, filling with zeros.'),
  shift('sar', 7, 'Arithmetic shift right, filling with the sign bit.'),
  doubleShift('shld', 0xa4, 'Shift the destination left, filling from the high bits of the source.'),
  doubleShift('shrd', 0xac, 'Shift the destination right, filling from the low bits of the source.'),
  bitTest('bt', 0xa3, 4, 'Copy the selected bit into CF.'),
  bitTest('bts', 0xab, 5, 'Copy the selected bit into CF and set it.'),
  bitTest('btr', 0xb3, 6, 'Copy the selected bit into CF and clear it.'),
  bitTest('btc', 0xbb, 7, 'Copy the selected bit into CF and complement it.'),
  {
    mnemonic: 'bsf', cpu: '386', summary: 'Index of the lowest set bit of the source (ZF=1 and destination undefined if the source is 0).', group: 'bit',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: MEM_EXC, flags: { modified: ['ZF'], undefined: ['CF', 'OF', 'SF', 'AF', 'PF'] },
    forms: [form('r16,rm16', 'rm', 'o16 0F BC /r'), form('r32,rm32', 'rm', 'o32 0F BC /r')],
  },
  {
    mnemonic: 'bsr', cpu: '386', summary: 'Index of the highest set bit of the source (ZF=1 and destination undefined if the source is 0).', group: 'bit',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: MEM_EXC, flags: { modified: ['ZF'], undefined: ['CF', 'OF', 'SF', 'AF', 'PF'] },
    forms: [form('r16,rm16', 'rm', 'o16 0F BD /r'), form('r32,rm32', 'rm', 'o32 0F BD /r')],
  },
  ...CONDITION_CODES.map((c): InstructionSpec => ({
    mnemonic: `set${c.name}`, cpu: '386', summary: `Set the byte to 1 if ${c.meaning}, else 0.`, group: 'bit',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: MEM_EXC, flags: { tested: c.tested },
    aliases: c.aliases.map((a) => `set${a}`),
    forms: [form('rm8', 'm', `0F ${hex(0x90 + c.cc)} /0`)],
  })),
];
