// Shorthand for writing the table: `form('rm32,r32', 'mr', 'o32 01 /r')` builds a FormSpec, and
// the condition-code list drives the Jcc/SETcc/CMOVcc families (Intel SDM Vol. 1 Appendix B).

import type { CpuLevel, Flag, FormSpec, InstructionSpec, OperandKind, PrivilegeClass, VirtBehaviour } from '../types';

interface FormExtra {
  readonly privilege?: PrivilegeClass;
  readonly virt?: VirtBehaviour;
  readonly explicitSizeOnly?: boolean;
  readonly encodeOnly?: boolean;
  readonly cpu?: CpuLevel;
  readonly cpuUnsized?: CpuLevel;
  readonly jccOverJmp?: boolean;
  readonly signedByteBelow386?: boolean;
  readonly registerSizedBelowOx?: boolean;
  readonly obsolete?: boolean;
  readonly sizes?: string;
  readonly long?: boolean | 'imm32';
}

/** `spec` as needing processor level `cpu` under nasm's `cpu` directive (see InstructionSpec.cpu). */
export function atLevel<T extends InstructionSpec>(cpu: CpuLevel, spec: T): T {
  return { ...spec, cpu };
}

export function form(operands: string, roles: string, encoding: string, extra: FormExtra = {}): FormSpec {
  const kinds = operands === '' ? [] : (operands.split(',') as OperandKind[]);
  return { operands: kinds, roles, encoding, ...extra };
}

/** A condition code: its number (the low nibble of 70+cc / 0F 80+cc), names and the flags it reads. */
export interface ConditionCode {
  readonly cc: number;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly tested: readonly Flag[];
  readonly meaning: string;
}

export const CONDITION_CODES: readonly ConditionCode[] = [
  { cc: 0x0, name: 'o', aliases: [], tested: ['OF'], meaning: 'overflow (OF=1)' },
  { cc: 0x1, name: 'no', aliases: [], tested: ['OF'], meaning: 'not overflow (OF=0)' },
  { cc: 0x2, name: 'b', aliases: ['c', 'nae'], tested: ['CF'], meaning: 'below / carry (CF=1)' },
  { cc: 0x3, name: 'ae', aliases: ['nb', 'nc'], tested: ['CF'], meaning: 'above or equal / not carry (CF=0)' },
  { cc: 0x4, name: 'e', aliases: ['z'], tested: ['ZF'], meaning: 'equal / zero (ZF=1)' },
  { cc: 0x5, name: 'ne', aliases: ['nz'], tested: ['ZF'], meaning: 'not equal / not zero (ZF=0)' },
  { cc: 0x6, name: 'be', aliases: ['na'], tested: ['CF', 'ZF'], meaning: 'below or equal (CF=1 or ZF=1)' },
  { cc: 0x7, name: 'a', aliases: ['nbe'], tested: ['CF', 'ZF'], meaning: 'above (CF=0 and ZF=0)' },
  { cc: 0x8, name: 's', aliases: [], tested: ['SF'], meaning: 'sign (SF=1)' },
  { cc: 0x9, name: 'ns', aliases: [], tested: ['SF'], meaning: 'not sign (SF=0)' },
  { cc: 0xa, name: 'p', aliases: ['pe'], tested: ['PF'], meaning: 'parity even (PF=1)' },
  { cc: 0xb, name: 'np', aliases: ['po'], tested: ['PF'], meaning: 'parity odd (PF=0)' },
  { cc: 0xc, name: 'l', aliases: ['nge'], tested: ['SF', 'OF'], meaning: 'less (SF≠OF)' },
  { cc: 0xd, name: 'ge', aliases: ['nl'], tested: ['SF', 'OF'], meaning: 'greater or equal (SF=OF)' },
  { cc: 0xe, name: 'le', aliases: ['ng'], tested: ['ZF', 'SF', 'OF'], meaning: 'less or equal (ZF=1 or SF≠OF)' },
  { cc: 0xf, name: 'g', aliases: ['nle'], tested: ['ZF', 'SF', 'OF'], meaning: 'greater (ZF=0 and SF=OF)' },
];

export function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
