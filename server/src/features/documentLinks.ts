// documentLink: each `%include "file"` and `incbin "file"` path links to the file it names, found
// the way the assembler finds it (core/src/asm: the main file's directory first — nasm's working
// directory — then each -I directory in order). A name that finds no file gets no link: the
// missing-include / missing-file diagnostic already says so.

import { tokenizeLine, type Token } from '../../../core/src/asm/lexer';
import { dirName, joinPath } from '../../../core/src/asm/paths';
import type { DocumentLink } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';
import { shapeLine } from '../syntax/lineShape';
import { wordClassifier } from './wordClassifier';

interface Named {
  readonly directive: '%include' | 'incbin';
  readonly target: string;
  /** Columns of the name, without its quotes. */
  readonly start: number;
  readonly end: number;
}

/** The file name a `%include` or `incbin` line names, as written. */
function namedFile(line: string, isIncbin: (tokens: readonly Token[]) => number): Named | undefined {
  const tokens = tokenizeLine(line);
  const first = tokens[0];
  if (first?.kind === 'preproc' && first.text.toLowerCase() === '%include') {
    const t = tokens[1];
    if (t?.kind === 'string' && t.end - t.start >= 2) return { directive: '%include', target: t.text.slice(1, -1), start: t.start + 1, end: t.end - 1 };
    // `%include <file>`: the name is the text between the angle brackets.
    const close = tokens.findIndex((x, i) => i > 2 && x.text === '>');
    if (t?.text === '<' && close > 2) return { directive: '%include', target: tokens.slice(2, close).map((x) => x.text).join(''), start: tokens[2].start, end: tokens[close - 1].end };
    return undefined;
  }
  const at = isIncbin(tokens);
  const t = at >= 0 ? tokens[at] : undefined;
  return t?.kind === 'string' && t.end - t.start >= 2 ? { directive: 'incbin', target: t.text.slice(1, -1), start: t.start + 1, end: t.end - 1 } : undefined;
}

export function documentLinks(doc: AnalyzedDocument): DocumentLink[] {
  const words = wordClassifier(doc);
  /** Index of the token after `incbin` when the line's instruction is incbin, else -1. */
  const incbinOperand = (line: string) => (tokens: readonly Token[]): number => {
    const shape = shapeLine(line, words);
    if (shape.mnemonic?.name.toLowerCase() !== 'incbin' || shape.operands.length === 0) return -1;
    return tokens.findIndex((t) => t.start === shape.operands[0].start);
  };
  // What the last assembly found for each %include it ran (a %include in a macro body or one
  // whose name a macro wrote is resolved there only).
  const assembled = new Map<number, string | undefined>();
  for (const inc of doc.result.includes) if (inc.range.file === doc.path) assembled.set(inc.range.start.line, inc.resolved);
  const links: DocumentLink[] = [];
  const lines = doc.lines;
  for (let line = 0; line < lines.length; line++) {
    const text = lines[line];
    if (!/%include|incbin/i.test(text)) continue;
    const named = namedFile(text, incbinOperand(text));
    if (!named || named.target === '') continue;
    const found = named.directive === '%include' && assembled.has(line) ? assembled.get(line) : resolve(doc, named.target);
    if (found === undefined) continue;
    links.push({
      range: { start: { line, character: named.start }, end: { line, character: named.end } },
      target: doc.toUri(found),
      tooltip: `Open ${found}`,
    });
  }
  return links;
}

/** The assembler's lookup for %include and incbin: the main file's directory, then the -I directories. */
function resolve(doc: AnalyzedDocument, target: string): string | undefined {
  if (target.includes('%')) return undefined; // a macro writes the name: only the assembly knows it
  const candidates = [joinPath(dirName(doc.rootPath), target), ...doc.includePaths.map((p) => joinPath(p, target))];
  return candidates.find((c) => doc.isReadable(c));
}
