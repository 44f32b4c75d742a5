// Data movement: MOV (incl. segment, control and debug registers), MOVZX/MOVSX, XCHG, stack
// pushes and pops, LEA, sign extensions, XLATB, BSWAP, CMOVcc and the atomic exchanges.

import type { InstructionSpec } from '../types';
import { EXIT, HW, INNOCUOUS, PROTECTION_CHECK, privileged, silent } from '../virt';
import { CONDITION_CODES, form, hex } from './form';

const ARITH: readonly ('OF' | 'SF' | 'ZF' | 'AF' | 'CF' | 'PF')[] = ['OF', 'SF', 'ZF', 'AF', 'CF', 'PF'];

const MOV_FROM_SREG = silent(undefined, HW.none,
  'MOV from CS or SS shows the real RPL, so a deprivileged kernel can see it is not at ring 0 (Robin & Irvine 2000).');
const MOV_TO_SREG = PROTECTION_CHECK;
const MOV_TO_CR = privileged('mmuext_op.new_baseptr', { ...EXIT.crAccess, when: 'to CR3, CR3-load exiting (bit 15) is set and the value is none of the CR3-target values; to CR0 or CR4, the value differs from the read shadow in a bit set in the guest/host mask' },
  'Writing CR3 switches address spaces: a PV kernel asks the VMM with mmuext_op(new_baseptr); CR0.TS goes through fpu_taskswitch.');
const MOV_FROM_CR = privileged('shared-info', { ...EXIT.crAccess, when: 'CR3-store exiting (bit 16) is set, for CR3' },
  'A PV kernel reads the faulting address (CR2) from its vcpu_info in the shared-info page instead of CR2.');
const MOV_TO_DR = privileged('set_debugreg', { ...EXIT.movDr, when: 'MOV-DR exiting (bit 23) is set' },
  'Debug registers belong to the VMM; a PV kernel writes them with set_debugreg.');
const MOV_FROM_DR = privileged('get_debugreg', { ...EXIT.movDr, when: 'MOV-DR exiting (bit 23) is set' },
  'Debug registers belong to the VMM; a PV kernel reads them with get_debugreg.');
const SEGMENT_PUSH_POP = silent(undefined, HW.none,
  'PUSH/POP of a segment register exposes or checks the real RPL/CPL (Robin & Irvine 2000).');

export const DATA: readonly InstructionSpec[] = [
  {
    mnemonic: 'mov', summary: 'Copy the source operand to the destination.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF', '#AC', '#UD', '#NP'],
    flags: { note: 'No flags change; MOV to/from CR and DR leave OF SF ZF AF PF CF undefined.' },
    forms: [
      // (nasm also has these two with a 64-bit r/m: see FormSpec.long.)
      form('m16,sreg', 'mr', '8C /r', { long: true, privilege: 'sensitive-unprivileged', virt: MOV_FROM_SREG }),
      form('r16,sreg', 'mr', 'o16 8C /r', { privilege: 'sensitive-unprivileged', virt: MOV_FROM_SREG }),
      form('r32,sreg', 'mr', 'o32 8C /r', { privilege: 'sensitive-unprivileged', virt: MOV_FROM_SREG }),
      form('sreg,rm16', 'rm', '8E /r', { long: true, registerSizedBelowOx: true, privilege: 'sensitive-unprivileged', virt: MOV_TO_SREG }),
      form('sreg,r32', 'rm', '8E /r', { registerSizedBelowOx: true, privilege: 'sensitive-unprivileged', virt: MOV_TO_SREG }),
      form('r32,creg', 'mr', '0F 20 /r', { privilege: 'privileged', virt: MOV_FROM_CR }),
      form('creg,r32', 'rm', '0F 22 /r', { privilege: 'privileged', virt: MOV_TO_CR }),
      form('r32,dreg', 'mr', '0F 21 /r', { privilege: 'privileged', virt: MOV_FROM_DR }),
      form('dreg,r32', 'rm', '0F 23 /r', { privilege: 'privileged', virt: MOV_TO_DR }),
      form('al,moffs8', 'xf', 'A0 mo'),
      form('ax,moffs16', 'xf', 'o16 A1 mo'),
      form('eax,moffs32', 'xf', 'o32 A1 mo'),
      form('moffs8,al', 'fx', 'A2 mo'),
      form('moffs16,ax', 'fx', 'o16 A3 mo'),
      form('moffs32,eax', 'fx', 'o32 A3 mo'),
      form('rm8,r8', 'mr', '88 /r'),
      form('rm16,r16', 'mr', 'o16 89 /r'),
      form('rm32,r32', 'mr', 'o32 89 /r'),
      form('r8,rm8', 'rm', '8A /r'),
      form('r16,rm16', 'rm', 'o16 8B /r'),
      form('r32,rm32', 'rm', 'o32 8B /r'),
      form('r8,imm8', 'oi', 'B0+r ib'),
      form('r16,imm16', 'oi', 'o16 B8+r iw'),
      form('r32,imm32', 'oi', 'o32 B8+r id'),
      // (Two templates each, as ADD's, `rm8,imm` and `mem,imm8`: measured, `mov tword [eax], 5`
      // is "operation size not specified", `mov word [eax], byte 5` a mismatch.)
      form('rm8,imm8', 'mi', 'C6 /0 ib', { sizes: 'si|is' }),
      form('rm16,imm16', 'mi', 'o16 C7 /0 iw', { sizes: 'si|is' }),
      form('rm32,imm32', 'mi', 'o32 C7 /0 id', { sizes: 'si|is', long: 'imm32' }),
    ],
  },
  {
    mnemonic: 'movzx', cpu: '386', summary: 'Copy a byte or word, zero-extended to the destination size.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF', '#AC'],
    forms: [
      // (The 32-bit forms name the source's size, the 16-bit one takes a byte: measured, `movzx
      // eax, dword [eax]` is an invalid combination, `movzx ax, word [eax]` a size mismatch.)
      form('r16,rm8', 'rm', 'o16 0F B6 /r'),
      form('r32,rm8', 'rm', 'o32 0F B6 /r', { sizes: 'is' }),
      form('r32,rm16', 'rm', 'o32 0F B7 /r', { sizes: 'is' }),
    ],
  },
  {
    mnemonic: 'movsx', cpu: '386', summary: 'Copy a byte or word, sign-extended to the destination size.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF', '#AC'],
    forms: [
      form('r16,rm8', 'rm', 'o16 0F BE /r'),
      form('r32,rm8', 'rm', 'o32 0F BE /r', { sizes: 'is' }),
      form('r32,rm16', 'rm', 'o32 0F BF /r', { sizes: 'is' }),
    ],
  },
  {
    mnemonic: 'xchg', summary: 'Exchange the two operands (locked automatically when one is memory).', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF', '#AC'],
    forms: [
      form('ax,r16', 'xo', 'o16 90+r'),
      form('r16,ax', 'ox', 'o16 90+r'),
      form('eax,r32', 'xo', 'o32 90+r'),
      form('r32,eax', 'ox', 'o32 90+r'),
      form('r8,rm8', 'rm', '86 /r'),
      form('rm8,r8', 'mr', '86 /r'),
      form('r16,rm16', 'rm', 'o16 87 /r'),
      form('rm16,r16', 'mr', 'o16 87 /r'),
      form('r32,rm32', 'rm', 'o32 87 /r'),
      form('rm32,r32', 'mr', 'o32 87 /r'),
    ],
  },
  {
    mnemonic: 'push', summary: 'Decrement ESP and store the operand on the stack.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF', '#AC'],
    forms: [
      form('r16', 'o', 'o16 50+r'),
      form('r32', 'o', 'o32 50+r'),
      // (nasm's templates name every size here: measured, `push byte [eax]` and `push tword 5` are
      // invalid combinations; `push qword 5` is a 64-bit form's, see FormSpec.long.)
      form('rm16', 'm', 'o16 FF /6', { sizes: 's' }),
      form('rm32', 'm', 'o32 FF /6', { sizes: 's' }),
      form('es', 'x', '06', { privilege: 'sensitive-unprivileged', virt: SEGMENT_PUSH_POP }),
      form('cs', 'x', '0E', { privilege: 'sensitive-unprivileged', virt: SEGMENT_PUSH_POP }),
      form('ss', 'x', '16', { privilege: 'sensitive-unprivileged', virt: SEGMENT_PUSH_POP }),
      form('ds', 'x', '1E', { privilege: 'sensitive-unprivileged', virt: SEGMENT_PUSH_POP }),
      form('fs', 'x', '0F A0', { cpu: '386', privilege: 'sensitive-unprivileged', virt: SEGMENT_PUSH_POP }),
      form('gs', 'x', '0F A8', { cpu: '386', privilege: 'sensitive-unprivileged', virt: SEGMENT_PUSH_POP }),
      form('imm8', 'i', '6A ibs', { cpu: '186', sizes: 's' }),
      form('sbyte16', 'i', 'o16 6A ibs', { explicitSizeOnly: true, cpu: '186', sizes: 's' }),
      form('sbyte32', 'i', 'o32 6A ibs', { explicitSizeOnly: true, cpuUnsized: '186', sizes: 's' }),
      form('imm16', 'i', 'o16 68 iw', { explicitSizeOnly: true, cpu: '186', sizes: 's' }),
      form('imm32', 'i', 'o32 68 id', { explicitSizeOnly: true, signedByteBelow386: true, sizes: 's', long: true }),
    ],
  },
  {
    mnemonic: 'pop', summary: 'Load the operand from the top of the stack and increment ESP.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF', '#AC', '#NP'],
    forms: [
      form('r16', 'o', 'o16 58+r'),
      form('r32', 'o', 'o32 58+r'),
      form('rm16', 'm', 'o16 8F /0', { sizes: 's' }),
      form('rm32', 'm', 'o32 8F /0', { sizes: 's' }),
      form('es', 'x', '07', { privilege: 'sensitive-unprivileged', virt: SEGMENT_PUSH_POP }),
      // The 8086's POP CS, whose byte later processors made the two-byte opcode escape.
      form('cs', 'x', '0F', { encodeOnly: true, obsolete: true, privilege: 'sensitive-unprivileged', virt: SEGMENT_PUSH_POP }),
      form('ss', 'x', '17', { privilege: 'sensitive-unprivileged', virt: SEGMENT_PUSH_POP }),
      form('ds', 'x', '1F', { privilege: 'sensitive-unprivileged', virt: SEGMENT_PUSH_POP }),
      form('fs', 'x', '0F A1', { cpu: '386', privilege: 'sensitive-unprivileged', virt: SEGMENT_PUSH_POP }),
      form('gs', 'x', '0F A9', { cpu: '386', privilege: 'sensitive-unprivileged', virt: SEGMENT_PUSH_POP }),
    ],
  },
  {
    mnemonic: 'pusha', cpu: '186', summary: 'Push all general registers (size of the current mode).', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#SS', '#PF', '#AC'], forms: [form('', '', '60')],
  },
  {
    mnemonic: 'pushaw', cpu: '186', summary: 'Push AX CX DX BX original-SP BP SI DI.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#SS', '#PF', '#AC'], forms: [form('', '', 'o16 60')],
  },
  {
    mnemonic: 'pushad', summary: 'Push EAX ECX EDX EBX original-ESP EBP ESI EDI.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#SS', '#PF', '#AC'], forms: [form('', '', 'o32 60')],
  },
  {
    mnemonic: 'popa', cpu: '186', summary: 'Pop all general registers (size of the current mode; the saved SP is discarded).', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#SS', '#PF', '#AC'], forms: [form('', '', '61')],
  },
  {
    mnemonic: 'popaw', cpu: '186', summary: 'Pop DI SI BP (skip SP) BX DX CX AX.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#SS', '#PF', '#AC'], forms: [form('', '', 'o16 61')],
  },
  {
    mnemonic: 'popad', summary: 'Pop EDI ESI EBP (skip ESP) EBX EDX ECX EAX.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#SS', '#PF', '#AC'], forms: [form('', '', 'o32 61')],
  },
  {
    mnemonic: 'lea', summary: 'Load the effective address (offset) of the memory operand.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#UD'],
    forms: [form('r16,m', 'rm', 'o16 8D /r'), form('r32,m', 'rm', 'o32 8D /r')],
  },
  {
    mnemonic: 'cbw', summary: 'Sign-extend AL into AX.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, forms: [form('', '', 'o16 98')],
  },
  {
    mnemonic: 'cwde', summary: 'Sign-extend AX into EAX.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, forms: [form('', '', 'o32 98')],
  },
  {
    mnemonic: 'cwd', summary: 'Sign-extend AX into DX:AX.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, forms: [form('', '', 'o16 99')],
  },
  {
    mnemonic: 'cdq', summary: 'Sign-extend EAX into EDX:EAX.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, forms: [form('', '', 'o32 99')],
  },
  {
    mnemonic: 'xlatb', summary: 'Load AL from the byte at [EBX + zero-extended AL] (table look-up).', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF'], aliases: ['xlat'],
    forms: [form('', '', 'D7')],
  },
  {
    mnemonic: 'bswap', cpu: '486', summary: 'Reverse the byte order of a 32-bit register.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, forms: [form('r32', 'o', 'o32 0F C8+r')],
  },
  ...CONDITION_CODES.map((c): InstructionSpec => ({
    mnemonic: `cmov${c.name}`, cpu: '686', summary: `Move if ${c.meaning}.`, group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF', '#AC'],
    flags: { tested: c.tested }, aliases: c.aliases.map((a) => `cmov${a}`),
    forms: [
      form('r16,rm16', 'rm', `o16 0F ${hex(0x40 + c.cc)} /r`),
      form('r32,rm32', 'rm', `o32 0F ${hex(0x40 + c.cc)} /r`),
    ],
  })),
  {
    mnemonic: 'xadd', cpu: '486', summary: 'Exchange the operands and store their sum in the destination.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF', '#AC'], flags: { modified: ARITH },
    forms: [form('rm8,r8', 'mr', '0F C0 /r'), form('rm16,r16', 'mr', 'o16 0F C1 /r'), form('rm32,r32', 'mr', 'o32 0F C1 /r')],
  },
  {
    mnemonic: 'cmpxchg', cpu: '586', summary: 'Compare AL/AX/EAX with the destination; if equal store the source there, else load the destination into the accumulator.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF', '#AC'], flags: { modified: ARITH },
    forms: [form('rm8,r8', 'mr', '0F B0 /r'), form('rm16,r16', 'mr', 'o16 0F B1 /r'), form('rm32,r32', 'mr', 'o32 0F B1 /r')],
  },
  {
    mnemonic: 'cmpxchg8b', cpu: '586', summary: 'Compare EDX:EAX with the quadword; if equal store ECX:EBX there, else load it into EDX:EAX.', group: 'data',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#UD', '#GP', '#SS', '#PF', '#AC'], flags: { modified: ['ZF'] },
    // (measured: `cmpxchg8b dword [eax]` is an invalid combination.)
    forms: [form('m64', 'm', '0F C7 /1', { sizes: 's' })],
  },
];
