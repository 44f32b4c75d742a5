// The number nasm's parser prints for a token it did not expect after a memory operand ("comma,
// decorator or end of line expected, got 269"): its token type, a character's own code for
// punctuation and a number from 256 for the rest. Measured with nasm 2.16.01 (`mov eax, [ebx] X`
// for each kind of X).

import type { Token } from './lexer';
import { isNasmMnemonic } from '../isa/nasm-mnemonics';
import { isFloatText } from './numbers';
import { wordTable } from '../word-table';

/** Operators of two or three characters, by their token type. */
const OPERATOR_TYPES: Readonly<Record<string, number>> = {
  '<<': 256, '<<<': 256, '>>': 257, '>>>': 258, '//': 259, '%%': 260, '>=': 261, '<=': 262,
  '!=': 263, '<>': 263, '<=>': 264, '&&': 265, '||': 266, '^^': 267, '==': 61,
};

/** Words of nasm's own kinds, by their token type (any case). */
const WORD_TYPES: Readonly<Record<string, number>> = wordTable({
  seg: 278, wrt: 279,
  byte: 287, word: 287, dword: 287, qword: 287, tword: 287, oword: 287, yword: 287, zword: 287,
  strict: 288, near: 288, far: 288, short: 288, to: 288, nosplit: 288, rel: 288, abs: 288,
  times: 289, lock: 289, rep: 289, repe: 289, repz: 289, repne: 289, repnz: 289, o16: 289, o32: 289, o64: 289,
  a16: 289, a32: 289, a64: 289, asp: 289, osp: 289, wait: 289, xacquire: 289, xrelease: 289, bnd: 289, nobnd: 289,
  db: 291, dw: 291, dd: 291, dq: 291, dt: 291, do: 291, dy: 291, dz: 291,
  resb: 291, resw: 291, resd: 291, resq: 291, rest: 291, reso: 291, resy: 291, resz: 291, equ: 291, incbin: 291,
});

/** Every register name nasm knows, the 64-bit mode's and the vector units' included. */
const NASM_REGISTER = /^(?:[re]?(?:[abcd]x|[sd]i|[sb]p)|[abcd][lh]|[sb]pl|[sd]il|r(?:[89]|1[0-5])[bwdl]?|[c-gs]s|[cd]r(?:[0-9]|1[0-5])|tr[0-7]|st[0-7]|mm[0-7]|[xyz]mm(?:[12]?[0-9]|3[01])|k[0-7]|bnd[0-3]|tmm[0-7])$/i;

/** nasm's token type of `t`, as its parser prints it. */
export function nasmTokenType(t: Token): number {
  switch (t.kind) {
    case 'number': return isFloatText(t.text) ? 274 : 269;
    case 'string': return 271;
    case 'here': return t.text === '$$' ? 276 : 275;
    case 'op': return OPERATOR_TYPES[t.text] ?? t.text.charCodeAt(0);
    case 'ident': {
      const lower = t.text.toLowerCase();
      const word = WORD_TYPES[lower];
      if (word !== undefined) return word;
      if (NASM_REGISTER.test(lower)) return 290;
      if (/^__\??b?float/.test(lower)) return 280;
      if (/^__\??utf(16|32)/.test(lower)) return 281;
      if (/^__\??ilog2/.test(lower)) return 282;
      return isNasmMnemonic(lower) ? 291 : 273;
    }
    default: return t.text.charCodeAt(0);
  }
}
