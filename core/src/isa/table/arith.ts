// Integer arithmetic and logic: the eight ALU operations, TEST, INC/DEC, NEG/NOT, MUL/IMUL/DIV/IDIV
// and the BCD adjustments. Flag effects from each entry's "Flags Affected" (Intel SDM Vol. 2).

import type { Flag, FormSpec, InstructionGroup, InstructionSpec } from '../types';
import { INNOCUOUS } from '../virt';
import { form, hex } from './form';

const STATUS: readonly Flag[] = ['OF', 'SF', 'ZF', 'AF', 'CF', 'PF'];
const MEM_EXC = ['#GP', '#SS', '#PF', '#AC'];

/** ADD OR ADC SBB AND SUB XOR CMP share one layout: opcode base 8*n and ModR/M extension /n. */
function aluForms(n: number): FormSpec[] {
  const b = n * 8;
  const ext = `/${n}`;
  return [
    form('rm8,r8', 'mr', `${hex(b)} /r`),
    form('rm16,r16', 'mr', `o16 ${hex(b + 1)} /r`),
    form('rm32,r32', 'mr', `o32 ${hex(b + 1)} /r`),
    form('r8,rm8', 'rm', `${hex(b + 2)} /r`),
    form('r16,rm16', 'rm', `o16 ${hex(b + 3)} /r`),
    form('r32,rm32', 'rm', `o32 ${hex(b + 3)} /r`),
    form('al,imm8', 'xi', `${hex(b + 4)} ib`),
    form('ax,sbyte16', 'mi', `o16 83 ${ext} ibs`),
    form('ax,imm16', 'xi', `o16 ${hex(b + 5)} iw`),
    form('eax,sbyte32', 'mi', `o32 83 ${ext} ibs`),
    form('eax,imm32', 'xi', `o32 ${hex(b + 5)} id`),
    // (nasm's templates: `rm8,imm` taking the value's size from the r/m, and `mem,imm8` the
    // memory's from the value; measured, `add cl, word 5` and `add tword [eax], byte 5` are size
    // mismatches, `add tword [eax], 5` "operation size not specified".)
    form('rm8,imm8', 'mi', `80 ${ext} ib`, { sizes: 'si|is' }),
    form('rm16,sbyte16', 'mi', `o16 83 ${ext} ibs`, { sizes: 'si' }),
    form('rm16,imm16', 'mi', `o16 81 ${ext} iw`, { sizes: 'si|is' }),
    form('rm32,sbyte32', 'mi', `o32 83 ${ext} ibs`, { sizes: 'si' }),
    form('rm32,imm32', 'mi', `o32 81 ${ext} id`, { sizes: 'si|is' }),
    form('rm16,imm8', 'mi', `o16 83 ${ext} ibs`, { sizes: 'ss' }),
    form('rm32,imm8', 'mi', `o32 83 ${ext} ibs`, { sizes: 'ss' }),
  ];
}

function alu(mnemonic: string, n: number, summary: string, group: InstructionGroup, flags: InstructionSpec['flags']): InstructionSpec {
  return { mnemonic, summary, group, privilege: 'innocuous', virt: INNOCUOUS, exceptions: MEM_EXC, flags, forms: aluForms(n) };
}

/**
 * One r/m operand of 8, 16 or 32 bits, as nasm's templates name it (measured: `inc tword [eax]`
 * and `not tword [eax]` are invalid combinations).
 */
function sizedRm(byteOpcode: string, opcode: string): FormSpec[] {
  return [form('rm8', 'm', byteOpcode, { sizes: 's' }), form('rm16', 'm', `o16 ${opcode}`, { sizes: 's' }), form('rm32', 'm', `o32 ${opcode}`, { sizes: 's' })];
}

/** The F6/F7 group: one operand, ModR/M extension /n. */
function unary(mnemonic: string, n: number, summary: string, flags: InstructionSpec['flags'], exceptions = MEM_EXC): InstructionSpec {
  return {
    mnemonic, summary, group: 'arithmetic', privilege: 'innocuous', virt: INNOCUOUS, exceptions, flags,
    forms: sizedRm(`F6 /${n}`, `F7 /${n}`),
  };
}

const LOGIC_FLAGS = { modified: ['SF', 'ZF', 'PF'], cleared: ['OF', 'CF'], undefined: ['AF'] } as const;

export const ARITHMETIC: readonly InstructionSpec[] = [
  alu('add', 0, 'Add the source to the destination.', 'arithmetic', { modified: STATUS }),
  alu('or', 1, 'Bitwise OR the source into the destination.', 'logic', LOGIC_FLAGS),
  alu('adc', 2, 'Add the source and CF to the destination.', 'arithmetic', { tested: ['CF'], modified: STATUS }),
  alu('sbb', 3, 'Subtract the source and CF from the destination.', 'arithmetic', { tested: ['CF'], modified: STATUS }),
  alu('and', 4, 'Bitwise AND the source into the destination.', 'logic', LOGIC_FLAGS),
  alu('sub', 5, 'Subtract the source from the destination.', 'arithmetic', { modified: STATUS }),
  alu('xor', 6, 'Bitwise XOR the source into the destination.', 'logic', LOGIC_FLAGS),
  alu('cmp', 7, 'Compare: subtract the source from the destination, set flags, discard the result.', 'arithmetic', { modified: STATUS }),
  {
    mnemonic: 'test', summary: 'Bitwise AND the operands, set SF ZF PF, discard the result.', group: 'logic',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: MEM_EXC, flags: LOGIC_FLAGS,
    forms: [
      form('rm8,r8', 'mr', '84 /r'),
      form('rm16,r16', 'mr', 'o16 85 /r'),
      form('rm32,r32', 'mr', 'o32 85 /r'),
      form('r8,rm8', 'rm', '84 /r', { encodeOnly: true }),
      form('r16,rm16', 'rm', 'o16 85 /r', { encodeOnly: true }),
      form('r32,rm32', 'rm', 'o32 85 /r', { encodeOnly: true }),
      form('al,imm8', 'xi', 'A8 ib'),
      form('ax,imm16', 'xi', 'o16 A9 iw'),
      form('eax,imm32', 'xi', 'o32 A9 id'),
      // (Two templates each, as ADD's: measured, `test tword [eax], 5` is "operation size not specified".)
      form('rm8,imm8', 'mi', 'F6 /0 ib', { sizes: 'si|is' }),
      form('rm16,imm16', 'mi', 'o16 F7 /0 iw', { sizes: 'si|is' }),
      form('rm32,imm32', 'mi', 'o32 F7 /0 id', { sizes: 'si|is' }),
    ],
  },
  {
    mnemonic: 'inc', summary: 'Add 1 to the operand (CF unchanged).', group: 'arithmetic',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: MEM_EXC, flags: { modified: ['OF', 'SF', 'ZF', 'AF', 'PF'] },
    forms: [form('r16', 'o', 'o16 40+r'), form('r32', 'o', 'o32 40+r'), ...sizedRm('FE /0', 'FF /0')],
  },
  {
    mnemonic: 'dec', summary: 'Subtract 1 from the operand (CF unchanged).', group: 'arithmetic',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: MEM_EXC, flags: { modified: ['OF', 'SF', 'ZF', 'AF', 'PF'] },
    forms: [form('r16', 'o', 'o16 48+r'), form('r32', 'o', 'o32 48+r'), ...sizedRm('FE /1', 'FF /1')],
  },
  { ...unary('not', 2, 'Invert every bit of the operand.', { note: 'No flags change.' }), group: 'logic' },
  unary('neg', 3, "Replace the operand with its two's complement.", { modified: STATUS, note: 'CF = 0 if the operand was 0, else 1.' }),
  unary('mul', 4, 'Unsigned multiply AL/AX/EAX by the operand into AX, DX:AX or EDX:EAX.', { modified: ['OF', 'CF'], undefined: ['SF', 'ZF', 'AF', 'PF'] }),
  {
    mnemonic: 'imul', summary: 'Signed multiply: one operand into the accumulator pair, or two/three operands truncated into a register.', group: 'arithmetic',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: MEM_EXC,
    flags: { modified: ['OF', 'CF'], undefined: ['SF', 'ZF', 'AF', 'PF'] },
    forms: [
      ...sizedRm('F6 /5', 'F7 /5'),
      form('r16,rm16', 'rm', 'o16 0F AF /r', { cpu: '386' }),
      form('r32,rm32', 'rm', 'o32 0F AF /r'),
      form('r16,sbyte16', 'bi', 'o16 6B /r ibs', { encodeOnly: true, cpu: '186' }),
      form('r16,imm16', 'bi', 'o16 69 /r iw', { encodeOnly: true, cpu: '186' }),
      form('r32,sbyte32', 'bi', 'o32 6B /r ibs', { encodeOnly: true }),
      form('r32,imm32', 'bi', 'o32 69 /r id', { encodeOnly: true }),
      form('r16,imm8', 'bi', 'o16 6B /r ibs', { encodeOnly: true, cpu: '186' }),
      form('r32,imm8', 'bi', 'o32 6B /r ibs', { encodeOnly: true }),
      form('r16,rm16,sbyte16', 'rmi', 'o16 6B /r ibs', { cpu: '186' }),
      form('r16,rm16,imm16', 'rmi', 'o16 69 /r iw', { cpu: '186' }),
      form('r32,rm32,sbyte32', 'rmi', 'o32 6B /r ibs'),
      form('r32,rm32,imm32', 'rmi', 'o32 69 /r id'),
      form('r16,rm16,imm8', 'rmi', 'o16 6B /r ibs', { cpu: '186' }),
      form('r32,rm32,imm8', 'rmi', 'o32 6B /r ibs'),
    ],
  },
  unary('div', 6, 'Unsigned divide AX, DX:AX or EDX:EAX by the operand (quotient and remainder).', { undefined: STATUS }, ['#DE', ...MEM_EXC]),
  unary('idiv', 7, 'Signed divide AX, DX:AX or EDX:EAX by the operand (quotient and remainder).', { undefined: STATUS }, ['#DE', ...MEM_EXC]),
  {
    mnemonic: 'aaa', summary: 'ASCII adjust AL after addition.', group: 'bcd', privilege: 'innocuous', virt: INNOCUOUS,
    flags: { tested: ['AF'], modified: ['AF', 'CF'], undefined: ['OF', 'SF', 'ZF', 'PF'] }, forms: [form('', '', '37')],
  },
  {
    mnemonic: 'aas', summary: 'ASCII adjust AL after subtraction.', group: 'bcd', privilege: 'innocuous', virt: INNOCUOUS,
    flags: { tested: ['AF'], modified: ['AF', 'CF'], undefined: ['OF', 'SF', 'ZF', 'PF'] }, forms: [form('', '', '3F')],
  },
  {
    mnemonic: 'daa', summary: 'Decimal adjust AL after addition.', group: 'bcd', privilege: 'innocuous', virt: INNOCUOUS,
    flags: { tested: ['AF', 'CF'], modified: ['SF', 'ZF', 'AF', 'CF', 'PF'], undefined: ['OF'] }, forms: [form('', '', '27')],
  },
  {
    mnemonic: 'das', summary: 'Decimal adjust AL after subtraction.', group: 'bcd', privilege: 'innocuous', virt: INNOCUOUS,
    flags: { tested: ['AF', 'CF'], modified: ['SF', 'ZF', 'AF', 'CF', 'PF'], undefined: ['OF'] }, forms: [form('', '', '2F')],
  },
  {
    mnemonic: 'aam', summary: 'ASCII adjust AX after multiply: AH = AL / base, AL = AL mod base (base 10 by default).', group: 'bcd',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#DE'],
    flags: { modified: ['SF', 'ZF', 'PF'], undefined: ['OF', 'AF', 'CF'] }, forms: [form('', '', 'D4 0A'), form('imm8', 'i', 'D4 ib')],
  },
  {
    mnemonic: 'aad', summary: 'ASCII adjust AX before division: AL = AH * base + AL, AH = 0 (base 10 by default).', group: 'bcd',
    privilege: 'innocuous', virt: INNOCUOUS,
    flags: { modified: ['SF', 'ZF', 'PF'], undefined: ['OF', 'AF', 'CF'] }, forms: [form('', '', 'D5 0A'), form('imm8', 'i', 'D5 ib')],
  },
];
