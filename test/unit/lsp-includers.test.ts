// An include file opened alone (server/src/analysis/includers.ts): no open document reads it, so
// it is analysed in a program of the workspace whose %include lines reach it. nasm is the
// reference: the file alone is an error for it, the program assembles, and the analysis holds the
// program's bytes as nasm makes them.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { includeNames } from '../../server/src/analysis/includers';
import { workspace } from '../protocol/analyzeText';
import { hasNasm } from '../support/random';

const DEFS = 'PORT equ 0x3F8\n%macro OUTB 1\n    mov al, %1\n    out dx, al\n%endmacro\n';
const IO = 'io_init:\n    mov dx, PORT\n    OUTB 0x41\n    ret\n';
const FILES = {
  'inc/defs.inc': DEFS,
  'inc/io.inc': IO,
  // A part of the program (main.asm includes it): one step nearer io.inc, taken after the program.
  'inc/all.inc': "%include 'defs.inc'\n%include 'io.inc'\n",
  'prog/main.asm': "bits 32\norg 0x100000\nstart:\n    call io_init\n    hlt\n%include 'all.inc'\n",
  // Reaches io.inc in its %include lines only: its assembly leaves it out.
  'prog/a-skips.asm': "%if 0\n%include 'io.inc'\n%endif\nhlt\n",
  'prog/other.asm': 'bits 32\nnop\n',
};

/** nasm -f bin on `file` of `dir` with -I inc/, run in the file's folder: its status, bytes and messages. */
function nasm(dir: string, file: string): { status: number | null; bytes?: Buffer; stderr: string } {
  const out = join(dir, 'out.bin');
  rmSync(out, { force: true });
  const r = spawnSync('nasm', ['-f', 'bin', `-I${join(dir, 'inc')}/`, '-o', out, join(dir, file)], { cwd: join(dir, file, '..'), encoding: 'utf8' });
  return { status: r.status, bytes: r.status === 0 ? readFileSync(out) : undefined, stderr: r.stderr };
}

describe('language server: an include file opened alone', () => {
  it('is analysed in the program that includes it, as nasm assembles that program', function () {
    const ws = workspace(FILES, ['inc/io.inc'], { includePaths: ['inc'] });
    try {
      const doc = ws.doc('inc/io.inc');
      assert.equal(doc.rootPath, ws.path('prog/main.asm'));
      assert.deepEqual(doc.result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
      const start = doc.result.symbols.find((s) => s.name === 'io_init');
      assert.equal(start?.definition.file, ws.path('inc/io.inc'));
      if (!hasNasm) this.skip();
      // nasm: the file alone is an error (PORT and OUTB come from defs.inc); the program is not.
      const alone = nasm(ws.dir, 'inc/io.inc');
      assert.notEqual(alone.status, 0);
      assert.match(alone.stderr, /io\.inc:3: error: parser: instruction expected/);
      const program = nasm(ws.dir, 'prog/main.asm');
      assert.equal(program.status, 0, program.stderr);
      assert.deepEqual(Buffer.from(doc.result.image), program.bytes);
    } finally {
      ws.dispose();
    }
  });

  it('analyses two include files opened alone in the one program, each publishable from it', () => {
    const ws = workspace(FILES, ['inc/io.inc', 'inc/defs.inc'], { includePaths: ['inc'] });
    try {
      const main = ws.path('prog/main.asm');
      assert.equal(ws.doc('inc/io.inc').rootPath, main);
      assert.equal(ws.doc('inc/defs.inc').rootPath, main);
      assert.ok(ws.cache.isClosedProgram(main));
      // (The server publishes each open file's diagnostics from the program: analyzeIn.)
      assert.equal(ws.cache.analyzeIn(ws.path('inc/defs.inc'), main)?.result, ws.doc('inc/io.inc').result);
      assert.deepEqual(new Set(ws.cache.affectedRoots(ws.uri('prog/main.asm'))), new Set([ws.uri('inc/io.inc'), ws.uri('inc/defs.inc')]));
      ws.cache.close(ws.uri('inc/io.inc'));
      ws.cache.close(ws.uri('inc/defs.inc'));
      assert.ok(!ws.cache.isClosedProgram(main));
      assert.deepEqual(ws.cache.filesRead(), []);
    } finally {
      ws.dispose();
    }
  });

  it('prefers an open includer, and goes back to the file alone when no program reads it', () => {
    const ws = workspace(FILES, ['inc/io.inc', 'inc/all.inc'], { includePaths: ['inc'] });
    try {
      ws.doc('inc/all.inc');
      assert.equal(ws.doc('inc/io.inc').rootPath, ws.path('inc/all.inc'));
    } finally {
      ws.dispose();
    }
    const lonely = workspace({ 'inc/io.inc': IO, 'prog/a-skips.asm': FILES['prog/a-skips.asm'] }, ['inc/io.inc'], { includePaths: ['inc'] });
    try {
      const doc = lonely.doc('inc/io.inc');
      assert.equal(doc.rootPath, lonely.path('inc/io.inc'));
      // (nasm's error for the line of the macro call defs.inc would have defined.)
      assert.ok(doc.result.diagnostics.some((d) => d.severity === 'error' && d.range.start.line === 2 && d.message === 'parser: instruction expected'));
    } finally {
      lonely.dispose();
    }
  });

  it('finds a program written to the disk later, and leaves one whose %include goes', () => {
    const files: Record<string, string> = { 'inc/defs.inc': DEFS, 'inc/io.inc': IO };
    const ws = workspace(files, ['inc/io.inc'], { includePaths: ['inc'] });
    try {
      assert.equal(ws.doc('inc/io.inc').rootPath, ws.path('inc/io.inc'));
      const main = ws.path('main.gasm');
      writeFileSync(main, "bits 32\n%include 'defs.inc'\n%include 'io.inc'\n");
      ws.cache.fileCreated(main);
      const doc = ws.doc('inc/io.inc');
      assert.equal(doc.rootPath, main);
      assert.equal(doc.result.diagnostics.filter((d) => d.severity === 'error').length, 0);
      assert.deepEqual(ws.cache.affectedRoots(ws.uri('main.gasm')), [ws.uri('inc/io.inc')]);
      writeFileSync(main, "bits 32\n%include 'defs.inc'\n");
      ws.cache.touch(main);
      assert.equal(ws.doc('inc/io.inc').rootPath, ws.path('inc/io.inc'));
    } finally {
      ws.dispose();
    }
  });

  it('reads %include lines as nasm takes them', () => {
    assert.deepEqual(includeNames("%INCLUDE \"a.inc\"\n  %Include  'b.inc'\n%include`c.inc`\nlab: %include \"no.inc\"\n%include <no.inc>\n; %include 'no.inc'\n"), ['a.inc', 'b.inc', 'c.inc']);
  });
});
