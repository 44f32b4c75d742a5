// documentLink: each `%include "file"` and `incbin "file"` path links to the file it names, found
// the way the assembler finds it (core/src/asm: the main file's directory first — nasm's working
// directory — then each -I directory in order). A name that finds no file gets no link: the
// missing-include / missing-file diagnostic already says so.

import type { Token } from '../../../core/src/asm/lexer';
import { joinPath } from '../../../core/src/asm/paths';
import type { DocumentLink } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';
import { shapeLine, type WordClassifier } from '../syntax/lineShape';
import { wordClassifier } from './wordClassifier';

interface Named {
  readonly directive: '%include' | '%require' | 'incbin';
  readonly target: string;
  /** Columns of the name, without its quotes. */
  readonly start: number;
  readonly end: number;
}

/** The file name a `%include` (or `%require`) or `incbin` line names, as written. */
function namedFile(line: string, words: WordClassifier): Named | undefined {
  const shape = shapeLine(line, words);
  const tokens = shape.tokens;
  const name = shape.preproc?.name;
  // (`%require` is nasm 2.16.01's %include under another name.)
  if (name === '%include' || name === '%require') {
    const t = tokens[1];
    // (Only a string: `%include <file>` is an error to nasm 2.16.01.)
    return t?.kind === 'string' ? quoted(name, t) : undefined;
  }
  if (shape.mnemonic?.name.toLowerCase() !== 'incbin' || shape.operands.length === 0) return undefined;
  const t = tokens.find((x) => x.start === shape.operands[0].start);
  return t?.kind === 'string' ? quoted('incbin', t) : undefined;
}

function quoted(directive: Named['directive'], t: Token): Named | undefined {
  return t.end - t.start > 2 ? { directive, target: t.text.slice(1, -1), start: t.start + 1, end: t.end - 1 } : undefined;
}

/** A `%include` or `incbin` file name as written on a line, and the file it names, if found. */
export interface LinkedFile extends Named {
  readonly found: string | undefined;
}

/**
 * The file name on `line` and where it leads: for a `%include` the last assembly ran, the file it
 * read (`assembled`, by line); else the assembler's lookup.
 */
function linkedFile(doc: AnalyzedDocument, line: number, words: WordClassifier, assembled: ReadonlyMap<number, string | undefined>): LinkedFile | undefined {
  const text = doc.lines[line] ?? '';
  if (!/%include|%require|incbin/i.test(text)) return undefined;
  const named = namedFile(text, words);
  if (!named || named.target === '') return undefined;
  return { ...named, found: named.directive !== 'incbin' && assembled.has(line) ? assembled.get(line) : resolve(doc, named.target) };
}

/**
 * What the last assembly found for each %include it ran (a %include in a macro body or one whose
 * name a macro wrote is resolved there only), by line.
 */
function assembledIncludes(doc: AnalyzedDocument): Map<number, string | undefined> {
  const assembled = new Map<number, string | undefined>();
  for (const inc of doc.result.includes) if (inc.range.file === doc.path) assembled.set(inc.range.start.line, inc.resolved);
  return assembled;
}

/** The file name under `col` of `line`, if the cursor is on one (for hover). */
export function linkedFileAt(doc: AnalyzedDocument, line: number, col: number): LinkedFile | undefined {
  const named = linkedFile(doc, line, wordClassifier(doc), assembledIncludes(doc));
  return named !== undefined && col >= named.start && col <= named.end ? named : undefined;
}

export function documentLinks(doc: AnalyzedDocument): DocumentLink[] {
  const words = wordClassifier(doc);
  const assembled = assembledIncludes(doc);
  const links: DocumentLink[] = [];
  for (let line = 0; line < doc.lines.length; line++) {
    const named = linkedFile(doc, line, words, assembled);
    if (named?.found === undefined) continue;
    links.push({
      range: { start: { line, character: named.start }, end: { line, character: named.end } },
      target: doc.toUri(named.found),
      tooltip: `Open ${named.found}`,
    });
  }
  return links;
}

/** The assembler's lookup for %include and incbin: the main file's directory, then the -I directories. */
function resolve(doc: AnalyzedDocument, target: string): string | undefined {
  if (target.includes('%')) return undefined; // a macro writes the name: only the assembly knows it
  const candidates = [joinPath(doc.home, target), ...doc.includePaths.map((p) => joinPath(p, target))];
  return candidates.find((c) => doc.isReadable(c));
}
