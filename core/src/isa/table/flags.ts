// EFLAGS instructions. PUSHF/POPF are the textbook Popek–Goldberg violation (Robin & Irvine 2000);
// CLI/STI are IOPL-sensitive and replaced by the shared-info upcall mask under paravirtualization.

import type { InstructionSpec, VirtBehaviour } from '../types';
import { INNOCUOUS, SHARED_INFO_HYPERCALL, privileged, silent } from '../virt';
import { form } from './form';

const PUSHF_VIRT: VirtBehaviour = silent(SHARED_INFO_HYPERCALL, 'no-exit',
  'PUSHF at ring 1 pushes the real IF and IOPL, so the guest kernel can see it is deprivileged; a PV kernel reads the upcall mask instead.');

const POPF_VIRT: VirtBehaviour = silent(SHARED_INFO_HYPERCALL, 'no-exit',
  'POPF is sensitive but does not trap outside ring 0: it silently ignores changes to IF (unless CPL <= IOPL) and IOPL (unless CPL = 0) — the classic Popek–Goldberg violation; a PV kernel writes the upcall mask instead.');

const POPF_FLAGS = {
  modified: ['CF', 'PF', 'AF', 'ZF', 'SF', 'TF', 'IF', 'DF', 'OF', 'IOPL', 'NT', 'AC'],
  note: 'Outside ring 0 POPF does not trap: IOPL is left unchanged unless CPL = 0 and IF unless CPL <= IOPL, silently. VM and RF are never changed.',
} as const;

const CLI_STI_NOTE = 'IOPL-sensitive: #GP when CPL > IOPL, so a ring-1 kernel traps; a PV kernel sets or clears evtchn_upcall_mask in the shared-info page instead.';

function flagOp(mnemonic: string, op: string, summary: string, flags: InstructionSpec['flags']): InstructionSpec {
  return { mnemonic, summary, group: 'flags', privilege: 'innocuous', virt: INNOCUOUS, flags, forms: [form('', '', op)] };
}

export const FLAGS: readonly InstructionSpec[] = [
  {
    mnemonic: 'pushf', summary: 'Push EFLAGS (FLAGS in 16-bit code) with VM and RF cleared.', group: 'flags',
    privilege: 'sensitive-unprivileged', virt: PUSHF_VIRT, exceptions: ['#SS', '#PF', '#AC'], forms: [form('', '', '9C')],
  },
  {
    mnemonic: 'pushfw', summary: 'Push the low 16 bits of EFLAGS.', group: 'flags',
    privilege: 'sensitive-unprivileged', virt: PUSHF_VIRT, exceptions: ['#SS', '#PF', '#AC'], forms: [form('', '', 'o16 9C')],
  },
  {
    mnemonic: 'pushfd', summary: 'Push EFLAGS with VM and RF cleared.', group: 'flags',
    privilege: 'sensitive-unprivileged', virt: PUSHF_VIRT, exceptions: ['#SS', '#PF', '#AC'], forms: [form('', '', 'o32 9C')],
  },
  {
    mnemonic: 'popf', summary: 'Pop EFLAGS (FLAGS in 16-bit code); IF and IOPL change only with enough privilege.', group: 'flags',
    privilege: 'sensitive-unprivileged', virt: POPF_VIRT, exceptions: ['#SS', '#PF', '#AC'], flags: POPF_FLAGS, forms: [form('', '', '9D')],
  },
  {
    mnemonic: 'popfw', summary: 'Pop the low 16 bits of EFLAGS.', group: 'flags',
    privilege: 'sensitive-unprivileged', virt: POPF_VIRT, exceptions: ['#SS', '#PF', '#AC'], flags: POPF_FLAGS, forms: [form('', '', 'o16 9D')],
  },
  {
    mnemonic: 'popfd', summary: 'Pop EFLAGS; IF and IOPL change only with enough privilege.', group: 'flags',
    privilege: 'sensitive-unprivileged', virt: POPF_VIRT, exceptions: ['#SS', '#PF', '#AC'], flags: POPF_FLAGS, forms: [form('', '', 'o32 9D')],
  },
  flagOp('lahf', '9F', 'Load SF ZF AF PF CF into AH.', { tested: ['SF', 'ZF', 'AF', 'PF', 'CF'] }),
  flagOp('sahf', '9E', 'Store AH into SF ZF AF PF CF.', { modified: ['SF', 'ZF', 'AF', 'PF', 'CF'] }),
  flagOp('clc', 'F8', 'Clear the carry flag.', { cleared: ['CF'] }),
  flagOp('stc', 'F9', 'Set the carry flag.', { set: ['CF'] }),
  flagOp('cmc', 'F5', 'Complement the carry flag.', { tested: ['CF'], modified: ['CF'] }),
  flagOp('cld', 'FC', 'Clear the direction flag (string operations count up).', { cleared: ['DF'] }),
  flagOp('std', 'FD', 'Set the direction flag (string operations count down).', { set: ['DF'] }),
  {
    mnemonic: 'cli', summary: 'Clear the interrupt flag: mask maskable interrupts.', group: 'flags',
    privilege: 'iopl-sensitive', virt: privileged(SHARED_INFO_HYPERCALL, 'no-exit', CLI_STI_NOTE), exceptions: ['#GP'],
    flags: { cleared: ['IF'] }, forms: [form('', '', 'FA')],
  },
  {
    mnemonic: 'sti', summary: 'Set the interrupt flag: accept maskable interrupts after the next instruction.', group: 'flags',
    privilege: 'iopl-sensitive', virt: privileged(SHARED_INFO_HYPERCALL, 'no-exit', CLI_STI_NOTE), exceptions: ['#GP'],
    flags: { set: ['IF'] }, forms: [form('', '', 'FB')],
  },
];
