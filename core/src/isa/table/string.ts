// String instructions in their byte/word/dword forms, repeatable with REP/REPE/REPNE (Intel SDM
// Vol. 2 "REP/REPE/REPZ/REPNE/REPNZ"). INS/OUTS are I/O and live in io.ts.

import type { InstructionSpec } from '../types';
import { INNOCUOUS } from '../virt';
import { form, hex } from './form';

const STATUS = ['OF', 'SF', 'ZF', 'AF', 'CF', 'PF'] as const;

interface StringOp {
  readonly base: string;
  readonly op: number;
  readonly what: string;
  readonly compares: boolean;
}

const OPS: readonly StringOp[] = [
  { base: 'movs', op: 0xa4, what: 'Copy the {u} at [ESI] to [ES:EDI]', compares: false },
  { base: 'cmps', op: 0xa6, what: 'Compare the {u} at [ESI] with the one at [ES:EDI]', compares: true },
  { base: 'stos', op: 0xaa, what: 'Store {acc} at [ES:EDI]', compares: false },
  { base: 'lods', op: 0xac, what: 'Load the {u} at [ESI] into {acc}', compares: false },
  { base: 'scas', op: 0xae, what: 'Compare {acc} with the {u} at [ES:EDI]', compares: true },
];

const SIZES = [
  { suffix: 'b', unit: 'byte', acc: 'AL', osize: '', delta: 0 },
  { suffix: 'w', unit: 'word', acc: 'AX', osize: 'o16 ', delta: 1 },
  { suffix: 'd', unit: 'doubleword', acc: 'EAX', osize: 'o32 ', delta: 1 },
] as const;

export const STRING: readonly InstructionSpec[] = OPS.flatMap((s) => SIZES.map((z): InstructionSpec => ({
  mnemonic: s.base + z.suffix,
  summary: `${s.what.replace('{u}', z.unit).replace('{acc}', z.acc)}, then step the index register(s) by ${z.delta === 0 ? 1 : z.suffix === 'w' ? 2 : 4} (down if DF = 1).`,
  group: 'string', privilege: 'innocuous', virt: INNOCUOUS, exceptions: ['#GP', '#SS', '#PF', '#AC'],
  flags: s.compares ? { tested: ['DF'], modified: STATUS } : { tested: ['DF'] },
  repeat: s.compares ? 'repe' : 'rep',
  forms: [form('', '', `${z.osize}${hex(s.op + z.delta)}`)],
})));
