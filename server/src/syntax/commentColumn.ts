// Where a line's comment starts, using the shared NASM lexer so `;` inside strings is not a comment.

import { tokenizeLine } from '../../../core/src/asm/lexer';

/** The column of the line's `;` comment, or -1. */
export function commentStart(line: string): number {
  if (line.indexOf(';') < 0) return -1;
  const toks = tokenizeLine(line);
  const last = toks[toks.length - 1];
  return last && last.kind === 'comment' ? last.start : -1;
}
