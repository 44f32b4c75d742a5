// Where the instruction a `times` prefix repeats begins: nasm reads the count as an expression and
// stops at the first token that cannot continue it (`times 510-($-$$) db 0`, `times 4 nop`), so
// completion offers instructions and data directives there (NASM manual §3.2.5).

import type { LineShape } from './lineShape';

/**
 * After a `times` count: the column of the first token past the count's expression, or, when the
 * line stops after a complete count, the column where the count ends (`end`, with `instruction`
 * undefined). Undefined when the line has no `times` or its count is not complete yet.
 */
export function timesInstruction(shape: LineShape): { readonly end: number; readonly instruction?: number } | undefined {
  const times = shape.mnemonic;
  if (!times || times.name.toLowerCase() !== 'times') return undefined;
  let depth = 0;
  let afterOperand = false;
  let end = times.end;
  for (const t of shape.tokens) {
    if (t.start < times.end) continue;
    if (t.kind === 'comment') break;
    if (t.kind === 'op') {
      if (t.text === '(') depth++;
      else if (t.text === ')' && depth > 0) depth--;
      // A `)` closes an operand; any other operator continues the expression (binary or unary).
      afterOperand = t.text === ')';
    } else if (afterOperand && depth === 0) {
      return { end, instruction: t.start };
    } else {
      afterOperand = true;
    }
    end = t.end;
  }
  return afterOperand && depth === 0 ? { end } : undefined;
}
