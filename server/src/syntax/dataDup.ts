// Which `dup` words of a line repeat data (nasm 2.15's MASM-style `db 3 dup (1)`), read from the
// tokens as the assembler's LineParser.dataList reads them, for colouring and hover.

import { DATA_ELEMENT_SIZE } from '../../../core/src/asm/directives';
import type { LineShape } from './lineShape';

const DATA_DIRECTIVES = new Set(['db', 'dw', 'dd', 'dq', 'dt', 'do', 'dy', 'dz']);

/** Words that stand before an item without ending an expression: data sizes and `seg`. */
const ITEM_PREFIXES = new Set([...Object.keys(DATA_ELEMENT_SIZE), 'seg']);

/**
 * The columns of the `dup` words (any case) that follow an expression in a data list: those are
 * counts (`2 dup (1, ?)`, `2 dup 3 dup 0`). Anywhere else `dup` is a name, as in nasm 2.16.01
 * (measured: `dup: db 1` then `db dup, 2 dup dup` is 01 00 00 00).
 */
export function dupKeywordStarts(shape: LineShape): number[] {
  const starts: number[] = [];
  const tokens = shape.tokens;
  const from = shape.mnemonic?.start;
  if (from === undefined) return starts;
  // The data directive is the mnemonic, or follows `times N` or `at field,`.
  let i = tokens.findIndex((t) => t.start >= from && t.kind === 'ident' && DATA_DIRECTIVES.has(t.text.toLowerCase()));
  if (i < 0) return starts;
  let afterExpression = false;
  for (i++; i < tokens.length; i++) {
    const t = tokens[i];
    switch (t.kind) {
      case 'ident': {
        const lower = t.text.toLowerCase();
        if (afterExpression && lower === 'dup') {
          starts.push(t.start);
          afterExpression = false;
        } else afterExpression = !ITEM_PREFIXES.has(lower) && lower !== '?';
        break;
      }
      case 'number': case 'string': case 'here': case 'preproc': afterExpression = true; break;
      case 'op': afterExpression = t.text === ')'; break;
      default: afterExpression = false;
    }
  }
  return starts;
}
