// Segment loads and protection checks: LDS/LES/LFS/LGS/LSS, LAR/LSL/VERR/VERW and ARPL. All but
// ARPL are on Robin & Irvine's list: they check descriptors against the real CPL, so a ring-1
// kernel sees results a ring-0 kernel would not.

import type { InstructionSpec } from '../types';
import { INNOCUOUS, PROTECTION_CHECK } from '../virt';
import { atLevel, form } from './form';

const LOAD_EXC = ['#GP', '#SS', '#PF', '#NP', '#UD', '#AC'];

function farLoad(mnemonic: string, op: string, seg: string): InstructionSpec {
  return {
    mnemonic, summary: `Load a far pointer from memory: the offset into the register and the selector into ${seg}.`, group: 'segment',
    privilege: 'sensitive-unprivileged', virt: PROTECTION_CHECK, exceptions: LOAD_EXC,
    forms: [form('r16,m', 'rm', `o16 ${op} /r`), form('r32,m', 'rm', `o32 ${op} /r`)],
  };
}

function accessRights(mnemonic: string, op: string, summary: string): InstructionSpec {
  return {
    mnemonic, summary, group: 'segment', cpu: '286', privilege: 'sensitive-unprivileged', virt: PROTECTION_CHECK,
    exceptions: ['#UD', '#GP', '#SS', '#PF', '#AC'], flags: { modified: ['ZF'] },
    forms: [
      form('r16,rm16', 'rm', `o16 0F ${op} /r`),
      form('r32,rm16', 'rm', `o32 0F ${op} /r`),
      form('r16,r32', 'rm', `o16 0F ${op} /r`),
      form('r32,r32', 'rm', `o32 0F ${op} /r`),
    ],
  };
}

function verify(mnemonic: string, ext: number, what: string): InstructionSpec {
  return {
    mnemonic, summary: `Set ZF if the segment named by the selector is ${what} at the current CPL and RPL.`, group: 'segment', cpu: '286',
    privilege: 'sensitive-unprivileged', virt: PROTECTION_CHECK, exceptions: ['#UD', '#GP', '#SS', '#PF', '#AC'],
    flags: { modified: ['ZF'] }, forms: [form('rm16', 'm', `0F 00 /${ext}`)],
  };
}

export const SEGMENT: readonly InstructionSpec[] = [
  farLoad('lds', 'C5', 'DS'),
  farLoad('les', 'C4', 'ES'),
  atLevel('386', farLoad('lfs', '0F B4', 'FS')),
  atLevel('386', farLoad('lgs', '0F B5', 'GS')),
  atLevel('386', farLoad('lss', '0F B2', 'SS')),
  accessRights('lar', '02', 'Load the access-rights bytes of the descriptor named by the selector (ZF=1 if it is visible at CPL/RPL).'),
  accessRights('lsl', '03', 'Load the segment limit of the descriptor named by the selector (ZF=1 if it is visible at CPL/RPL).'),
  verify('verr', 4, 'readable'),
  verify('verw', 5, 'writable'),
  {
    mnemonic: 'arpl', cpu: '286', summary: "Raise the destination selector's RPL to the source's if it is lower (ZF=1 when adjusted).", group: 'segment',
    privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#UD', '#GP', '#SS', '#PF', '#AC'], flags: { modified: ['ZF'] },
    forms: [form('rm16,r16', 'mr', '63 /r')],
  },
];
