// What every feature function receives: one open document, the assembly it takes part in (its
// own, or that of the open file that %includes it), and the settings. Plain data, no connection.

import type { AssembleResult, SourceRange } from '../../../core/src/asm/api';
import type { Technique } from '../../../core/src/isa/types';
import type { Range } from 'vscode-languageserver-types';
import type { DocumentIndex } from './documentIndex';
import type { ServerSettings } from './settings';

export interface AnalyzedDocument {
  readonly uri: string;
  /** The file name the assembler uses for this document (SourceRange.file). */
  readonly path: string;
  readonly text: string;
  readonly lines: readonly string[];
  /** The last assembly this document took part in. */
  readonly result: AssembleResult;
  /** The main file of that assembly (this document's path unless another open file includes it). */
  readonly rootPath: string;
  /** `%pragma ringside technique`, else the setting. */
  readonly technique: Technique;
  readonly settings: ServerSettings;
  /** Lookups by name and line over `result`, built on first use. */
  readonly index: DocumentIndex;
  /** URI of a file the assembly read. */
  toUri(path: string): string;
  /** Text of another file of the assembly (open buffer first, then disk). */
  readText(path: string): string | undefined;
  /** The workspace folder, from which relative settings are taken; undefined without one. */
  readonly workspaceRoot?: string;
  /** The folder a relative %include is looked for in first: the main file's, or for an untitled buffer the one it is assembled from. */
  readonly home: string;
  /** The `-I` directories the assembly searched, absolute, in order. */
  readonly includePaths: readonly string[];
  /** Whether `%include` or `incbin` could read this file (an open buffer, or a file on disk within the size limit), without reading it. */
  isReadable(path: string): boolean;
  /** The files and folders in a directory (open buffers not yet saved there too); none when it cannot be read. */
  listDirectory(path: string): readonly DirectoryEntry[];
}

export interface DirectoryEntry {
  readonly name: string;
  readonly directory: boolean;
}

export function toLspRange(r: SourceRange): Range {
  return { start: { line: r.start.line, character: r.start.col }, end: { line: r.end.line, character: r.end.col } };
}

export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** True when position (line, col) is inside range r of the same file (end inclusive, for cursors at a word's end). */
export function rangeContains(r: SourceRange, line: number, col: number): boolean {
  if (line < r.start.line || line > r.end.line) return false;
  if (line === r.start.line && col < r.start.col) return false;
  if (line === r.end.line && col > r.end.col) return false;
  return true;
}
