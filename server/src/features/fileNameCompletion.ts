// Completion of file names between the quotes of `%include "…"`, `incbin "…"`, `%pathsearch NAME
// "…"` and `%depend "…"`: the files and folders where the assembler would look for the name typed
// so far (searchPlaces: beside the main file, then under each -I directory, in that order), as
// clangd completes `#include "…"`. A folder's item ends in `/` and asks for the next list.

import { joinPath, searchPlaces, shortPath } from '../../../core/src/asm/paths';
import type { Token } from '../../../core/src/asm/lexer';
import { CompletionItemKind, type CompletionItem, type CompletionList, type InsertReplaceEdit, type Position, type Range, type TextEdit } from 'vscode-languageserver-types';
import type { AnalyzedDocument, DirectoryEntry } from '../analysis/document';
import { shapeLine } from '../syntax/lineShape';
import type { CompletionClient } from './completion';
import { firstPlace } from './includeHint';
import { wordClassifier } from './wordClassifier';

/** A list longer than this is cut (and marked incomplete, so typing more asks again). */
const MAX_ITEMS = 500;

/** What the assembler reads from a file each directive names: source text, or bytes. */
type Reads = 'source' | 'bytes';

/** Extensions of files `%include` usually reads, listed before the others. */
const SOURCE_EXTENSIONS = /\.(inc|asm|mac|gasm|nasm|s|i)$/i;

/**
 * The file-name items for the cursor, or undefined when the cursor is not inside the file name of
 * one of those directives (the caller goes on with its other lists).
 */
export function fileNameCompletion(doc: AnalyzedDocument, line: string, pos: Position, client: CompletionClient): CompletionList | undefined {
  const named = fileNameAt(line, pos.character, doc);
  if (named === undefined) return undefined;
  const typed = line.slice(named.start, pos.character);
  const slash = Math.max(typed.lastIndexOf('/'), typed.lastIndexOf('\\'));
  const folder = typed.slice(0, slash + 1);
  const nameStart = named.start + slash + 1;
  // The part of the name the item replaces: from the last separator before the cursor to the next one after it.
  const after = line.slice(pos.character, named.end).search(/[\\/]/);
  const replaceEnd = after < 0 ? named.end : pos.character + after;
  const range = (end: number): Range => ({ start: { line: pos.line, character: nameStart }, end: { line: pos.line, character: end } });
  const insert = range(pos.character), replace = range(replaceEnd);
  const edit = (newText: string): TextEdit | InsertReplaceEdit =>
    client.insertReplace && replaceEnd !== pos.character ? { newText, insert, replace } : { newText, range: insert };
  const hidden = line.charCodeAt(nameStart) === 0x2e; // a name typed from its `.` on shows dot-files too

  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  let cut = false;
  // In searchPlaces' order: beside the main file, then each -I directory.
  const places = searchPlaces(doc.rootPath, doc.home, doc.includePaths, folder === '' ? '.' : folder);
  for (let p = 0; p < places.length && !cut; p++) {
    const where = p === 0 ? firstPlace(doc) : `-I ${shortPath(doc.includePaths[p - 1], doc.home)}`;
    for (const e of doc.listDirectory(places[p])) {
      if (seen.has(e.name) || (!hidden && e.name.startsWith('.'))) continue;
      // A file does not %include itself (nasm would go round until its include depth limit).
      const file = joinPath(places[p], e.name);
      if (named.reads === 'source' && !e.directory && (file === doc.path || file === doc.rootPath)) continue;
      if (items.length === MAX_ITEMS) { cut = true; break; }
      seen.add(e.name);
      items.push(fileItem(e, where, named.reads, edit));
    }
  }
  return { isIncomplete: cut, items };
}

interface NamedFile {
  readonly reads: Reads;
  /** Columns of the name between its quotes (`end` is the closing quote's, or the line's end while it is still open). */
  readonly start: number;
  readonly end: number;
}

/** The file name of a directive that names one, when `col` is inside it (after its opening quote). */
function fileNameAt(line: string, col: number, doc: AnalyzedDocument): NamedFile | undefined {
  if (!/%include|%require|incbin|%pathsearch|%depend/i.test(line)) return undefined;
  const shape = shapeLine(line, wordClassifier(doc));
  const tokens = shape.tokens;
  let t: Token | undefined;
  let reads: Reads = 'source';
  switch (shape.preproc?.name) {
    case '%include': case '%require': case '%depend': t = tokens[1]; break;
    case '%pathsearch': t = tokens[2]; break;
    case undefined:
      if (shape.mnemonic?.name.toLowerCase() !== 'incbin' || shape.operands.length === 0) return undefined;
      t = tokens.find((x) => x.start === shape.operands[0].start);
      reads = 'bytes';
      break;
    default: return undefined;
  }
  if (t === undefined || !isQuote(t.text.charCodeAt(0))) return undefined;
  // A closed string ends at its closing quote; one still being typed (the lexer's `invalid`) at its end.
  const closed = t.kind === 'string';
  if (!closed && t.kind !== 'invalid') return undefined;
  const end = closed ? t.end - 1 : t.end;
  return col > t.start && col <= end ? { reads, start: t.start + 1, end } : undefined;
}

function isQuote(c: number): boolean {
  return c === 0x22 || c === 0x27 || c === 0x60;
}



function fileItem(e: DirectoryEntry, where: string, reads: Reads, edit: (newText: string) => TextEdit | InsertReplaceEdit): CompletionItem {
  if (e.directory) {
    const label = `${e.name}/`;
    return {
      label, kind: CompletionItemKind.Folder, detail: where, sortText: `0${e.name}`,
      textEdit: edit(label),
      // The next folder's list, as soon as this one is taken.
      command: { title: 'Suggest', command: 'editor.action.triggerSuggest' },
    };
  }
  const first = reads === 'source' ? SOURCE_EXTENSIONS.test(e.name) : true;
  return { label: e.name, kind: CompletionItemKind.File, detail: where, sortText: `${first ? 1 : 2}${e.name}`, textEdit: edit(e.name) };
}
