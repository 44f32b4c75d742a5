// Test harness shared by the language-server unit tests: writes source files to a fresh temporary
// directory, opens some of them as editor buffers, and returns their analyses from the real
// assembler through the same AnalysisCache the server uses.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AnalysisCache } from '../../server/src/analysis/analysisCache';
import type { AnalyzedDocument } from '../../server/src/analysis/document';
import { OverlayFileHost } from '../../server/src/analysis/fileHost';
import { pathToUri } from '../../server/src/analysis/paths';
import { DEFAULT_SETTINGS, type ServerSettings } from '../../server/src/analysis/settings';

export interface Workspace {
  readonly dir: string;
  readonly cache: AnalysisCache;
  uri(name: string): string;
  path(name: string): string;
  /** The analysis of an open file. */
  doc(name: string): AnalyzedDocument;
  edit(name: string, text: string): void;
  dispose(): void;
}

/** Directories of workspaces not yet disposed; many tests keep theirs, so they go when mocha exits. */
const liveDirs = new Set<string>();
process.on('exit', () => {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

export function workspace(files: Record<string, string>, open: readonly string[], settings: Partial<ServerSettings> = {}): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'ringside-lsp-'));
  liveDirs.add(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const cache = new AnalysisCache(new OverlayFileHost(), { ...DEFAULT_SETTINGS, ...settings }, dir);
  const uri = (name: string) => pathToUri(join(dir, name));
  for (const name of open) cache.update(uri(name), files[name]);
  return {
    dir,
    cache,
    uri,
    path: (name) => join(dir, name),
    doc(name) {
      const d = cache.analyze(uri(name));
      if (!d) throw new Error(`${name} is not open`);
      return d;
    },
    edit(name, text) {
      cache.update(uri(name), text);
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    },
  };
}

/** Analysis of one open file `main.asm` with this text. */
export function single(text: string, settings: Partial<ServerSettings> = {}): { doc: AnalyzedDocument; ws: Workspace } {
  const ws = workspace({ 'main.asm': text }, ['main.asm'], settings);
  return { doc: ws.doc('main.asm'), ws };
}

/** The (line, character) of the first occurrence of `needle` on the line containing `lineNeedle`. */
export function at(doc: AnalyzedDocument, needle: string, offset = 0, lineNeedle?: string): { line: number; character: number } {
  for (let line = 0; line < doc.lines.length; line++) {
    const text = doc.lines[line];
    if (lineNeedle !== undefined && !text.includes(lineNeedle)) continue;
    const col = text.indexOf(needle);
    if (col >= 0) return { line, character: col + offset };
  }
  throw new Error(`'${needle}' not found`);
}

/** Applies LSP text edits (non-overlapping, any order) to a text. */
export function applyEdits(text: string, edits: readonly { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => {
    let o = 0;
    for (let i = 0; i < p.line; i++) o += lines[i].length + 1;
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

export const FIXTURES = join(__dirname, 'fixtures');
