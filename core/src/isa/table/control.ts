// Control transfer: JMP/CALL (near, far, indirect), RET/RETF, Jcc, JCXZ/JECXZ, LOOPcc,
// software interrupts, IRET and ENTER/LEAVE. Far transfers and INT n are on Robin & Irvine's
// list of sensitive-but-unprivileged instructions (they check selectors against the real CPL).

import type { InstructionSpec, VirtBehaviour } from '../types';
import { INNOCUOUS, PROTECTION_CHECK, exceptionBitmap, silent, throughIdt } from '../virt';
import { CONDITION_CODES, form, hex } from './form';

const SENSITIVE = { privilege: 'sensitive-unprivileged', virt: PROTECTION_CHECK } as const;

const INT_VIRT: VirtBehaviour = throughIdt('no-exit',
  'INT n checks the gate DPL against the real CPL and a ring-1 kernel handles it through the real IDT the VMM installed (Robin & Irvine 2000). Under VT-x it never exits itself: a software interrupt is no exception, so the exception bitmap does not select it (SDM Vol. 3C §25.2); only a fault while delivering it (#GP for a gate DPL below CPL, #NP, #PF...) exits, when that fault\'s own bit is set.');

/** INT3, INTO and INT1 raise an exception, which the exception bitmap selects (SDM Vol. 3C §25.2). */
function softwareException(vector: number, name: string): VirtBehaviour {
  return throughIdt(exceptionBitmap(vector, name),
    `${name} is delivered through the real IDT the VMM installed, with gate DPL checked against the real CPL (Robin & Irvine 2000); under VT-x it is an exception, so it exits when the exception bitmap selects vector ${vector}.`);
}

const IRET_VIRT: VirtBehaviour = silent('iret', 'no-exit',
  'Like POPF, IRET at CPL > 0 silently keeps IF and IOPL when it pops EFLAGS; a PV kernel at ring 1 returns through the iret hypercall.');

export const CONTROL: readonly InstructionSpec[] = [
  {
    mnemonic: 'jmp', summary: 'Jump: relative (short or near), indirect through a register or memory, or far to a new CS.', group: 'control',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF', '#NP', '#TS'],
    forms: [
      form('rel8', 'j', 'EB cb'),
      form('rel16', 'j', 'o16 E9 cw', { explicitSizeOnly: true }),
      form('rel32', 'j', 'o32 E9 cd', { explicitSizeOnly: true, cpuUnsized: '8086', long: true }),
      form('ptr16:16', 'p', 'o16 EA cp', { explicitSizeOnly: true, ...SENSITIVE }),
      form('ptr16:32', 'p', 'o32 EA cp', { explicitSizeOnly: true, cpuUnsized: '8086', ...SENSITIVE }),
      form('mfar16', 'm', 'o16 FF /5', { explicitSizeOnly: true, ...SENSITIVE }),
      form('mfar32', 'm', 'o32 FF /5', { explicitSizeOnly: true, cpuUnsized: '8086', ...SENSITIVE }),
      form('rm16', 'm', 'o16 FF /4', { explicitSizeOnly: true }),
      form('rm32', 'm', 'o32 FF /4', { explicitSizeOnly: true, cpuUnsized: '8086' }),
    ],
  },
  {
    mnemonic: 'call', summary: 'Push the return address and jump: near relative, indirect, or far to a new CS.', group: 'control',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF', '#NP', '#TS'],
    forms: [
      form('rel16', 'j', 'o16 E8 cw', { explicitSizeOnly: true }),
      form('rel32', 'j', 'o32 E8 cd', { explicitSizeOnly: true, cpuUnsized: '8086', long: true }),
      form('ptr16:16', 'p', 'o16 9A cp', { explicitSizeOnly: true, ...SENSITIVE }),
      form('ptr16:32', 'p', 'o32 9A cp', { explicitSizeOnly: true, cpuUnsized: '8086', ...SENSITIVE }),
      form('mfar16', 'm', 'o16 FF /3', { explicitSizeOnly: true, ...SENSITIVE }),
      form('mfar32', 'm', 'o32 FF /3', { explicitSizeOnly: true, cpuUnsized: '8086', ...SENSITIVE }),
      form('rm16', 'm', 'o16 FF /2', { explicitSizeOnly: true }),
      form('rm32', 'm', 'o32 FF /2', { explicitSizeOnly: true, cpuUnsized: '8086' }),
    ],
  },
  {
    mnemonic: 'ret', summary: 'Near return: pop EIP, then release imm16 bytes of arguments.', group: 'control',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF'], aliases: ['retn'],
    forms: [form('', '', 'C3'), form('imm16', 'i', 'C2 iw')],
  },
  {
    mnemonic: 'retf', summary: 'Far return: pop EIP and CS (and ESP/SS when returning to an outer ring), then release imm16 bytes.', group: 'control',
    privilege: 'sensitive-unprivileged', virt: PROTECTION_CHECK, exceptions: ['#GP', '#SS', '#PF', '#NP'],
    forms: [form('', '', 'CB'), form('imm16', 'i', 'CA iw')],
  },
  // NASM's returns with an explicit operand size (`retw`, `retnd 8`, `retfw`). The decoder names
  // them from ret/retf and the operand size (disasm.ts), so their forms are encodeOnly. nasm's own
  // table gives `retw imm16` no operand size (measured: C2 iw in bits 32, where `retnw 8` is 66 C2),
  // and none of them needs a 386 (measured: `retd` under `cpu 8086` is 66 C3).
  ...([['retw', [], 'o16', 'near', 'o16 C3', 'C2 iw'], ['retnw', [], 'o16', 'near', 'o16 C3', 'o16 C2 iw'],
    ['retd', ['retnd'], 'o32', 'near', 'o32 C3', 'o32 C2 iw'],
    ['retfw', [], 'o16', 'far', 'o16 CB', 'o16 CA iw'], ['retfd', [], 'o32', 'far', 'o32 CB', 'o32 CA iw']] as const)
    .map(([mnemonic, aliases, size, distance, bare, withImm]): InstructionSpec => ({
      mnemonic, aliases, group: 'control',
      summary: `${distance === 'near' ? 'Near' : 'Far'} return with a ${size === 'o16' ? '16' : '32'}-bit operand size: pop ${distance === 'near' ? '' : 'CS and '}${size === 'o16' ? 'IP' : 'EIP'}, then release imm16 bytes.`,
      ...(distance === 'near' ? { privilege: 'innocuous', virt: INNOCUOUS } : SENSITIVE),
      exceptions: distance === 'near' ? ['#GP', '#SS', '#PF'] : ['#GP', '#SS', '#PF', '#NP'],
      forms: [form('', '', bare, { encodeOnly: true, cpu: '8086' }), form('imm16', 'i', withImm, { encodeOnly: true, cpu: '8086' })],
    })),
  ...CONDITION_CODES.map((c): InstructionSpec => ({
    mnemonic: `j${c.name}`, summary: `Jump if ${c.meaning}.`, group: 'control',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP'], flags: { tested: c.tested },
    aliases: c.aliases.map((a) => `j${a}`),
    forms: [
      form('rel8', 'j', `${hex(0x70 + c.cc)} cb`),
      form('rel16', 'j', `o16 0F ${hex(0x80 + c.cc)} cw`, { explicitSizeOnly: true, cpu: '386', jccOverJmp: true }),
      form('rel32', 'j', `o32 0F ${hex(0x80 + c.cc)} cd`, { explicitSizeOnly: true, cpu: '386', jccOverJmp: true }),
    ],
  })),
  {
    mnemonic: 'jcxz', summary: 'Jump short if CX = 0.', group: 'control', privilege: 'innocuous', virt: INNOCUOUS,
    exceptions: ['#GP'], forms: [form('rel8', 'j', 'a16 E3 cb')],
  },
  {
    mnemonic: 'jecxz', summary: 'Jump short if ECX = 0.', group: 'control', privilege: 'innocuous', virt: INNOCUOUS,
    exceptions: ['#GP'], forms: [form('rel8', 'j', 'a32 E3 cb')],
  },
  ...([['loop', 0xe2, 'Decrement (E)CX; jump short if it is not zero.', [], []],
    ['loope', 0xe1, 'Decrement (E)CX; jump short if it is not zero and ZF = 1.', ['loopz'], ['ZF']],
    ['loopne', 0xe0, 'Decrement (E)CX; jump short if it is not zero and ZF = 0.', ['loopnz'], ['ZF']]] as const)
    .map(([mnemonic, op, summary, aliases, tested]): InstructionSpec => ({
      mnemonic, summary, group: 'control', privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP'],
      aliases, ...(tested.length > 0 ? { flags: { tested } } : {}),
      // `loop lbl, cx`: the count register names the address size (NASM; JCXZ/JECXZ take none).
      forms: [
        form('rel8', 'j', `${hex(op)} cb`),
        form('rel8,cx', 'jx', `a16 ${hex(op)} cb`, { encodeOnly: true }),
        form('rel8,ecx', 'jx', `a32 ${hex(op)} cb`, { encodeOnly: true }),
      ],
    })),
  {
    mnemonic: 'int', summary: 'Call the interrupt or trap handler for the vector imm8 through the IDT.', group: 'control',
    privilege: 'sensitive-unprivileged', virt: INT_VIRT, exceptions: ['#GP', '#SS', '#PF', '#NP', '#TS'],
    flags: { cleared: ['TF', 'NT', 'RF', 'VM'], note: 'IF is cleared too when the gate is an interrupt gate.' },
    forms: [form('imm8', 'i', 'CD ib')],
  },
  {
    mnemonic: 'int3', summary: 'Breakpoint trap (#BP, vector 3), one byte so it can patch any instruction.', group: 'control',
    privilege: 'sensitive-unprivileged', virt: softwareException(3, '#BP'), exceptions: ['#BP', '#GP', '#SS', '#PF', '#NP', '#TS'],
    flags: { cleared: ['TF', 'NT', 'RF', 'VM'] }, forms: [form('', '', 'CC')],
  },
  {
    mnemonic: 'into', summary: 'Overflow trap (#OF, vector 4) if OF = 1.', group: 'control',
    privilege: 'sensitive-unprivileged', virt: softwareException(4, '#OF'), exceptions: ['#OF', '#GP', '#SS', '#PF', '#NP', '#TS'],
    flags: { tested: ['OF'], cleared: ['TF', 'NT', 'RF', 'VM'] }, forms: [form('', '', 'CE')],
  },
  {
    mnemonic: 'int1', cpu: '386', summary: 'Debug trap (#DB, vector 1), the ICEBP instruction.', group: 'control',
    privilege: 'sensitive-unprivileged', virt: softwareException(1, '#DB'), exceptions: ['#DB'], aliases: ['icebp'],
    flags: { cleared: ['TF', 'NT', 'RF', 'VM'] }, forms: [form('', '', 'F1')],
  },
  {
    mnemonic: 'iret', summary: 'Return from an interrupt: pop EIP, CS, EFLAGS (and ESP, SS to an outer ring); size of the current mode.', group: 'control',
    privilege: 'sensitive-unprivileged', virt: IRET_VIRT, exceptions: ['#GP', '#SS', '#PF', '#NP'],
    flags: { modified: ['CF', 'PF', 'AF', 'ZF', 'SF', 'TF', 'IF', 'DF', 'OF', 'IOPL', 'NT', 'RF', 'AC'], note: 'IF changes only if CPL <= IOPL and IOPL only at CPL 0, silently (as POPF).' },
    forms: [form('', '', 'CF')],
  },
  {
    mnemonic: 'iretw', summary: 'Return from an interrupt with a 16-bit frame.', group: 'control',
    privilege: 'sensitive-unprivileged', virt: IRET_VIRT, exceptions: ['#GP', '#SS', '#PF', '#NP'],
    flags: { modified: ['CF', 'PF', 'AF', 'ZF', 'SF', 'TF', 'IF', 'DF', 'OF', 'IOPL', 'NT'], note: 'IF changes only if CPL <= IOPL and IOPL only at CPL 0, silently (as POPF).' },
    forms: [form('', '', 'o16 CF')],
  },
  {
    mnemonic: 'iretd', summary: 'Return from an interrupt with a 32-bit frame.', group: 'control',
    privilege: 'sensitive-unprivileged', virt: IRET_VIRT, exceptions: ['#GP', '#SS', '#PF', '#NP'],
    flags: { modified: ['CF', 'PF', 'AF', 'ZF', 'SF', 'TF', 'IF', 'DF', 'OF', 'IOPL', 'NT', 'RF', 'AC'], note: 'IF changes only if CPL <= IOPL and IOPL only at CPL 0, silently (as POPF).' },
    forms: [form('', '', 'o32 CF')],
  },
  {
    mnemonic: 'enter', cpu: '186', summary: 'Make a stack frame of imm16 bytes at nesting level imm8.', group: 'control',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#SS', '#PF'], forms: [form('imm16,imm8', 'ii', 'C8 iw ib')],
  },
  {
    mnemonic: 'leave', cpu: '186', summary: 'Release the stack frame: ESP = EBP, pop EBP.', group: 'control',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#SS', '#PF'], forms: [form('', '', 'C9')],
  },
];
