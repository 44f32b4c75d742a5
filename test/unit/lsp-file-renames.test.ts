// workspace/willRenameFiles: renaming or moving a file (or folder) that an open assembly reads
// rewrites the %include / incbin names that find it, from the directory each was found from, in
// open files and in the included files the assembly read from disk.

import * as assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { fileRenameEdits } from '../../server/src/features/fileRenames';
import { applyEdits, workspace, type Workspace } from '../protocol/analyzeText';
import { nasmBytes } from '../support/nasm-live';
import { hasNasm } from '../support/random';

const MAIN = [
  'bits 32',
  '%include "lib/io.inc"',
  '%include "deep.inc"',
  'start:',
  '    call putc',
  'blob: incbin "data/blob.bin", 2',
  '%include "lib/io.inc" ; twice: nasm reads it again',
].join('\n');
const IO = ['%ifndef IO_INC', '%define IO_INC', '%include "lib/regs.inc"', 'putc:', '    ret', '%endif'].join('\n');

function setUp(): Workspace {
  const ws = workspace({ 'main.asm': MAIN }, [], { includePaths: ['inc'] });
  for (const [name, text] of [['lib/io.inc', IO], ['lib/regs.inc', 'REG equ 1\n'], ['inc/deep.inc', 'nop\n'], ['data/blob.bin', 'abcdef']]) {
    mkdirSync(dirname(ws.path(name)), { recursive: true });
    writeFileSync(ws.path(name), text);
  }
  ws.edit('main.asm', MAIN);
  return ws;
}

function editsFor(ws: Workspace, renames: (readonly [string, string])[]): WorkspaceEdit | null {
  const moves = renames.map(([a, b]) => ({ oldPath: ws.path(a), newPath: ws.path(b) }));
  return fileRenameEdits(ws.cache.programsReadingPlaces(moves.map((m) => m.oldPath)), moves);
}

/** Each edited file's lines that changed, as `name:line:new text`. */
function changed(ws: Workspace, edit: WorkspaceEdit | null, texts: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, text] of Object.entries(texts)) {
    const edits: TextEdit[] = edit?.changes?.[ws.uri(name)] ?? [];
    const after = applyEdits(text, edits).split('\n');
    text.split('\n').forEach((l, i) => { if (after[i] !== l) out.push(`${name}:${i}:${after[i]}`); });
  }
  return out;
}

describe('lsp file renames', () => {
  it('rewrites every %include of a renamed file, and the includes inside an included file read from disk', () => {
    const ws = setUp();
    try {
      const edit = editsFor(ws, [['lib/io.inc', 'lib/uart.inc']]);
      assert.deepEqual(changed(ws, edit, { 'main.asm': MAIN, 'lib/io.inc': IO }), [
        'main.asm:1:%include "lib/uart.inc"',
        'main.asm:6:%include "lib/uart.inc" ; twice: nasm reads it again',
      ]);
      // The regs.inc name in io.inc is relative to the main file's directory (nasm's working directory).
      assert.deepEqual(changed(ws, editsFor(ws, [['lib/regs.inc', 'regs.inc']]), { 'main.asm': MAIN, 'lib/io.inc': IO }), ['lib/io.inc:2:%include "regs.inc"']);
    } finally {
      ws.dispose();
    }
  });

  it('follows a moved folder, keeps an -I name relative to its -I directory, and renames incbin names', () => {
    const ws = setUp();
    try {
      assert.deepEqual(changed(ws, editsFor(ws, [['lib', 'drivers/serial']]), { 'main.asm': MAIN, 'lib/io.inc': IO }), [
        'main.asm:1:%include "drivers/serial/io.inc"',
        'main.asm:6:%include "drivers/serial/io.inc" ; twice: nasm reads it again',
        'lib/io.inc:2:%include "drivers/serial/regs.inc"',
      ]);
      // deep.inc is found through -I inc: its new name is written from there.
      assert.deepEqual(changed(ws, editsFor(ws, [['inc/deep.inc', 'inc/arch/deep.inc']]), { 'main.asm': MAIN }), ['main.asm:2:%include "arch/deep.inc"']);
      assert.deepEqual(changed(ws, editsFor(ws, [['data/blob.bin', 'blob.bin']]), { 'main.asm': MAIN }), ['main.asm:5:blob: incbin "blob.bin", 2']);
      // Moved out of the -I directory to the main file's, which is searched first: the name as
      // written finds it there, so it stays (not `../deep.inc`).
      assert.equal(editsFor(ws, [['inc/deep.inc', 'deep.inc']]), null);
      // Into a folder beside the main file: named from there, not as `../sub/deep.inc`.
      assert.deepEqual(changed(ws, editsFor(ws, [['inc/deep.inc', 'sub/deep.inc']]), { 'main.asm': MAIN }), ['main.asm:2:%include "sub/deep.inc"']);
      // Out of both: the -I name climbs.
      assert.deepEqual(changed(ws, editsFor(ws, [['inc/deep.inc', '../deep.inc']]), { 'main.asm': MAIN }), ['main.asm:2:%include "../../deep.inc"']);
    } finally {
      ws.dispose();
    }
  });

  it('the new names find the files after the move: the assembly gives the same bytes', () => {
    const ws = setUp();
    try {
      const before = ws.doc('main.asm').result;
      assert.deepEqual(before.diagnostics.filter((d) => d.severity === 'error'), []);
      const edit = editsFor(ws, [['lib', 'drivers'], ['inc/deep.inc', 'deep.inc']])!;
      // As VS Code does: the edits first (to the files where they are), then the renames.
      writeFileSync(ws.path('lib/io.inc'), applyEdits(IO, edit.changes![ws.uri('lib/io.inc')]));
      renameSync(ws.path('lib'), ws.path('drivers'));
      renameSync(ws.path('inc/deep.inc'), ws.path('deep.inc'));
      ws.edit('main.asm', applyEdits(MAIN, edit.changes![ws.uri('main.asm')]));
      const after = ws.doc('main.asm').result;
      assert.deepEqual(after.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.deepEqual(after.image, before.image);
      assert.ok(after.files.includes(ws.path('drivers/regs.inc')) && after.files.includes(ws.path('deep.inc')), after.files.join(', '));
    } finally {
      ws.dispose();
    }
  });

  // Programs on disk that no editor has open include the file too: a rename that rewrote only the
  // open ones left those naming what no longer exists. Checked by nasm: each program's bytes are
  // the same after the edits and the move, as VS Code applies them.
  (hasNasm ? it : it.skip)('rewrites the %include names of the closed programs of the workspace that read the file', () => {
    const files: Record<string, string> = {
      'a.asm': 'bits 32\n%include "lib/io.inc"\n  call putc\n', 'tools/b.asm': "bits 32\n%include '../lib/io.inc'\n  dd putc\n",
      'c.asm': 'bits 32\n  nop\n', 'lib/io.inc': 'putc:\n  ret\n',
    };
    const ws = workspace(files, []);
    try {
      const built = (name: string): Buffer => nasmBytes(ws.path(name));
      const programs = ['a.asm', 'tools/b.asm', 'c.asm'];
      const before = programs.map(built);
      for (const [from, to, lines] of [['lib/io.inc', 'lib/uart.inc', ['a.asm:1:%include "lib/uart.inc"', "tools/b.asm:1:%include '../lib/uart.inc'"]],
        ['lib', 'drivers', ['a.asm:1:%include "drivers/io.inc"', "tools/b.asm:1:%include '../drivers/io.inc'"]]] as const) {
        const edit = editsFor(ws, [[from, to]]);
        assert.deepEqual(changed(ws, edit, files), lines);
        for (const name of ['a.asm', 'tools/b.asm']) writeFileSync(ws.path(name), applyEdits(files[name], edit!.changes![ws.uri(name)]));
        renameSync(ws.path(from), ws.path(to));
        assert.deepEqual(programs.map(built), before, `${from} → ${to}`);
        renameSync(ws.path(to), ws.path(from));
        for (const name of ['a.asm', 'tools/b.asm']) writeFileSync(ws.path(name), files[name]);
      }
    } finally {
      ws.dispose();
    }
  });

  // A multi-root workspace with a folder of shared include files: the other folders' programs
  // name them by `../`. Checked by nasm as above.
  (hasNasm ? it : it.skip)('rewrites the %include names of closed programs in the other folders of a multi-root workspace', () => {
    const files: Record<string, string> = { 'kernel/main.asm': 'bits 32\n%include "../lib/io.inc"\n  call putc\n', 'lib/io.inc': 'putc:\n  ret\n' };
    const ws = workspace(files, []);
    try {
      ws.cache.setFolders([ws.path('lib'), ws.path('kernel')]);
      const before = nasmBytes(ws.path('kernel/main.asm'));
      const edit = editsFor(ws, [['lib/io.inc', 'lib/uart.inc']]);
      assert.deepEqual(changed(ws, edit, files), ['kernel/main.asm:1:%include "../lib/uart.inc"']);
      writeFileSync(ws.path('kernel/main.asm'), applyEdits(files['kernel/main.asm'], edit!.changes![ws.uri('kernel/main.asm')]));
      renameSync(ws.path('lib/io.inc'), ws.path('lib/uart.inc'));
      assert.deepEqual(nasmBytes(ws.path('kernel/main.asm')), before);
    } finally {
      ws.dispose();
    }
  });

  it('answers null when no open assembly reads the renamed file', () => {
    const ws = setUp();
    try {
      assert.equal(editsFor(ws, [['unrelated.asm', 'other.asm']]), null);
      assert.equal(editsFor(ws, [['lib/io.inc', 'lib/io.inc']]), null);
    } finally {
      ws.dispose();
    }
  });
});
