// documentLink: %include and incbin names link to the file NASM reads. The nasm-recorded fixtures
// (test/fixtures/nasm/asm) are the reference: the bytes nasm assembled from them show which file
// each name resolved to (the main file's directory first — nasm's working directory — then -I).

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DocumentLink } from 'vscode-languageserver-types';
import { AnalysisCache } from '../../server/src/analysis/analysisCache';
import type { AnalyzedDocument } from '../../server/src/analysis/document';
import { OverlayFileHost } from '../../server/src/analysis/fileHost';
import { pathToUri, uriToPath } from '../../server/src/analysis/paths';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/settings';
import { documentLinks } from '../../server/src/features/documentLinks';
import { single, workspace } from '../protocol/analyzeText';

const NASM = join(__dirname, '..', 'fixtures', 'nasm', 'asm');

/** The fixtures opened as an editor with the workspace at NASM's working directory and `-Iincdir/` as the include-path setting. */
function fixture(includePaths: string[], ...names: string[]): (name: string) => AnalyzedDocument {
  const cache = new AnalysisCache(new OverlayFileHost(), { ...DEFAULT_SETTINGS, includePaths }, NASM);
  for (const n of names) cache.update(pathToUri(join(NASM, n)), readFileSync(join(NASM, n), 'utf8'));
  return (name) => cache.analyze(pathToUri(join(NASM, name)))!;
}

/** Each link as `line:linked text -> file`, with the shape LSP 3.17 gives DocumentLink. */
function shown(doc: AnalyzedDocument, links: readonly DocumentLink[]): string[] {
  return links.map((l) => {
    assert.ok(DocumentLink.is(l) && typeof l.tooltip === 'string' && l.tooltip.length > 0);
    return `${l.range.start.line}:${doc.lines[l.range.start.line].slice(l.range.start.character, l.range.end.character)} -> ${uriToPath(l.target!)}`;
  });
}

/** The byte a one-line `db 0xNN` file assembles to. */
const dbByte = (path: string) => parseInt(/db 0x([0-9a-f]{2})/i.exec(readFileSync(path, 'utf8'))![1], 16);

describe('lsp document links', () => {
  it('resolves %include like nasm: the main directory first, then the -I paths (include.asm, -Iincdir/)', () => {
    const [args] = readFileSync(join(NASM, 'include.args'), 'utf8').trim().split(/\s+/);
    assert.equal(args, '-Iincdir/');
    const doc = fixture(['incdir/'], 'include.asm', 'inc/a.inc');
    const main = doc('include.asm');
    assert.deepEqual(shown(main, documentLinks(main)), [`1:inc/a.inc -> ${join(NASM, 'inc', 'a.inc')}`, `2:b.inc -> ${join(NASM, 'incdir', 'b.inc')}`]);
    // inc/a.inc's own `%include "inc/nested.inc"` is relative to nasm's working directory, not to inc/.
    const inc = doc('inc/a.inc');
    const nested = join(NASM, 'inc', 'nested.inc');
    assert.deepEqual(shown(inc, documentLinks(inc)), [`1:inc/nested.inc -> ${nested}`]);
    // nasm's bytes: a.inc's db, nested.inc's, b.inc's, then the main file's 0xcc.
    const bin = [...readFileSync(join(NASM, 'include.bin'))];
    assert.deepEqual(bin, [dbByte(join(NASM, 'inc', 'a.inc')), dbByte(nested), dbByte(join(NASM, 'incdir', 'b.inc')), 0xcc]);
  });

  it('links %require names as %include\'s, nasm 2.16.01\'s other name for it (pp-require.asm)', () => {
    const doc = fixture([], 'pp-require.asm', 'inc/consts.inc', 'inc/a.inc')('pp-require.asm');
    // (Line 7 names its file through a macro: no link there, as for %include.)
    assert.deepEqual(shown(doc, documentLinks(doc)), [`4:inc/consts.inc -> ${join(NASM, 'inc', 'consts.inc')}`, `7:inc/a.inc -> ${join(NASM, 'inc', 'a.inc')}`]);
    // nasm's bytes hold a.inc's db (and nested.inc's after it) twice: it read the file each time.
    const a = dbByte(join(NASM, 'inc', 'a.inc'));
    assert.equal([...readFileSync(join(NASM, 'pp-require.bin'))].filter((b) => b === a).length, 2);
  });

  it('links incbin names to the file whose bytes nasm included (incbin.asm)', () => {
    const doc = fixture([], 'incbin.asm')('incbin.asm');
    const links = documentLinks(doc);
    assert.deepEqual(shown(doc, links), [1, 2, 3].map((l) => `${l}:blob.dat -> ${join(NASM, 'blob.dat')}`));
    const blob = readFileSync(uriToPath(links[0].target!));
    assert.deepEqual(readFileSync(join(NASM, 'incbin.bin')).subarray(0, blob.length), blob);
  });

  it('gives no link for a name nasm cannot open (err-include.asm) or for a wrong -I path', () => {
    const missing = fixture([], 'err-include.asm')('err-include.asm');
    assert.match(readFileSync(join(NASM, 'err-include.err'), 'utf8'), /:2: error: unable to open include file/);
    assert.deepEqual(documentLinks(missing), []);
    // Without -Iincdir/, b.inc is found nowhere.
    const noPath = fixture([], 'include.asm')('include.asm');
    assert.deepEqual(shown(noPath, documentLinks(noPath)).map((s) => s.split(' ')[0]), ['1:inc/a.inc']);
  });

  it('links names after a label and in skipped %if branches, and leaves other lines alone (angle brackets: nasm\'s "expects a file name")', () => {
    const text = [
      'bits 32',                              // 0
      'blob: incbin "data.bin", 2, 4',        // 1
      '%if 0',                                // 2
      '  %include "defs.inc"',                // 3
      '%endif',                               // 4
      '%include <defs.inc>',                  // 5
      "db 'incbin \"data.bin\"'",             // 6
      '; %include "defs.inc"',                // 7
      '%include ""',                          // 8
      '%include "gone.inc"',                  // 9
    ].join('\n');
    const ws = workspace({ 'main.asm': text, 'defs.inc': 'nop\n', 'data.bin': 'abcdefgh' }, ['main.asm']);
    try {
      const doc = ws.doc('main.asm');
      assert.deepEqual(shown(doc, documentLinks(doc)), [`1:data.bin -> ${ws.path('data.bin')}`, `3:defs.inc -> ${ws.path('defs.inc')}`]);
    } finally {
      ws.dispose();
    }
  });

  it('answers an empty or broken document with no links', () => {
    for (const text of ['', '%include', '%include "', 'incbin', 'incbin 5', '%include "\u0000"', 'x: incbin "\ud800"']) {
      const { doc, ws } = single(text);
      try {
        assert.deepEqual(documentLinks(doc), [], JSON.stringify(text));
      } finally {
        ws.dispose();
      }
    }
  });

  it('assembles an untitled buffer from the workspace folder, where its %include names are looked for first (include.asm as unsaved text)', () => {
    // An untitled buffer is in no folder; VS Code starts its terminal in the workspace folder, and
    // nasm run there on the same text reads the same files. Before, the names were looked for
    // relative to wherever the server had been started.
    const cache = new AnalysisCache(new OverlayFileHost(), { ...DEFAULT_SETTINGS, includePaths: ['incdir/'] }, NASM);
    const uri = 'untitled:Untitled-1';
    cache.update(uri, readFileSync(join(NASM, 'include.asm'), 'utf8'));
    const doc = cache.analyze(uri)!;
    assert.deepEqual(doc.result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
    assert.deepEqual([...doc.result.image], [...readFileSync(join(NASM, 'include.bin'))]);
    assert.deepEqual(shown(doc, documentLinks(doc)), [`1:inc/a.inc -> ${join(NASM, 'inc', 'a.inc')}`, `2:b.inc -> ${join(NASM, 'incdir', 'b.inc')}`]);
  });
});
