// Port I/O: IN/OUT and the string forms INS/OUTS. IOPL-sensitive (#GP when CPL > IOPL and the TSS
// I/O bitmap denies the port), and VT-x exit reason 30 when I/O exiting or the I/O bitmaps select it.

import type { InstructionSpec, VirtBehaviour } from '../types';
import { HW, IO_EXITING, privileged } from '../virt';
import { form } from './form';

const OUT_VIRT: VirtBehaviour = privileged('console_io.write', HW.when('io', IO_EXITING),
  'A deprivileged kernel traps on port I/O and the VMM emulates the device; a PV kernel writes its console with console_io(write) instead of OUT to COM1.');
const IN_VIRT: VirtBehaviour = privileged('console_io.read', HW.when('io', IO_EXITING),
  'A deprivileged kernel traps on port I/O and the VMM emulates the device; a PV kernel reads its console with console_io(read) instead of IN from COM1.');

const IO_EXC = ['#GP'];
const STRING_EXC = ['#GP', '#SS', '#PF', '#AC'];

export const IO: readonly InstructionSpec[] = [
  {
    mnemonic: 'in', summary: 'Read a byte, word or doubleword from an I/O port (imm8 or DX) into AL/AX/EAX.', group: 'io',
    privilege: 'iopl-sensitive', virt: IN_VIRT, exceptions: IO_EXC,
    forms: [
      form('al,imm8', 'xi', 'E4 ib'), form('ax,imm8', 'xi', 'o16 E5 ib'), form('eax,imm8', 'xi', 'o32 E5 ib'),
      form('al,dx', 'xx', 'EC'), form('ax,dx', 'xx', 'o16 ED'), form('eax,dx', 'xx', 'o32 ED'),
    ],
  },
  {
    mnemonic: 'out', summary: 'Write AL/AX/EAX to an I/O port (imm8 or DX).', group: 'io',
    privilege: 'iopl-sensitive', virt: OUT_VIRT, exceptions: IO_EXC,
    forms: [
      form('imm8,al', 'ix', 'E6 ib'), form('imm8,ax', 'ix', 'o16 E7 ib'), form('imm8,eax', 'ix', 'o32 E7 ib'),
      form('dx,al', 'xx', 'EE'), form('dx,ax', 'xx', 'o16 EF'), form('dx,eax', 'xx', 'o32 EF'),
    ],
  },
  ...([['insb', '6C', 'byte'], ['insw', 'o16 6D', 'word'], ['insd', 'o32 6D', 'doubleword']] as const).map(([mnemonic, enc, unit]): InstructionSpec => ({
    mnemonic, summary: `Read a ${unit} from port DX into [ES:EDI], then step EDI.`, group: 'io', cpu: '186',
    privilege: 'iopl-sensitive', virt: IN_VIRT, exceptions: STRING_EXC, flags: { tested: ['DF'] }, repeat: 'rep',
    forms: [form('', '', enc)],
  })),
  ...([['outsb', '6E', 'byte'], ['outsw', 'o16 6F', 'word'], ['outsd', 'o32 6F', 'doubleword']] as const).map(([mnemonic, enc, unit]): InstructionSpec => ({
    mnemonic, summary: `Write the ${unit} at [ESI] to port DX, then step ESI.`, group: 'io', cpu: '186',
    privilege: 'iopl-sensitive', virt: OUT_VIRT, exceptions: STRING_EXC, flags: { tested: ['DF'] }, repeat: 'rep',
    forms: [form('', '', enc)],
  })),
];
