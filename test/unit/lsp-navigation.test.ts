// definition / references / rename across %include files, and the names rename refuses.

import * as assert from 'node:assert/strict';
import type { MarkupContent, TextEdit } from 'vscode-languageserver-types';
import { hover } from '../../server/src/features/hover';
import { definition, prepareRename, references, rename } from '../../server/src/features/navigation';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEdits, at, workspace } from '../protocol/analyzeText';
import { nasmBytes } from '../support/nasm-live';
import { hasNasm } from '../support/random';

/** nasm's image of `text` (undefined on an error) and its messages. */
function nasm(dir: string, text: string): { bytes: Buffer | undefined; stderr: string } {
  writeFileSync(join(dir, 'nasm-in.asm'), text);
  const r = spawnSync('nasm', ['-f', 'bin', '-o', join(dir, 'nasm-out.bin'), join(dir, 'nasm-in.asm')], { encoding: 'utf8' });
  return { bytes: r.status === 0 ? readFileSync(join(dir, 'nasm-out.bin')) : undefined, stderr: r.stderr };
}

const MAIN = ['bits 32', "%include 'lib.inc'", 'start:', '    call helper', '.spin:', '    jmp .spin', '    jmp start.spin', '    mov eax, LIMIT'].join('\n');
const LIB = ['LIMIT equ 10', 'helper:', '    ret'].join('\n');

describe('lsp navigation', () => {
  const ws = workspace({ 'main.asm': MAIN, 'lib.inc': LIB }, ['main.asm']);
  after(() => ws.dispose());

  it('goes to a definition in an included file', () => {
    const doc = ws.doc('main.asm');
    const loc = definition(doc, at(doc, 'helper', 2));
    assert.deepEqual(loc, [{ uri: ws.uri('lib.inc'), range: { start: { line: 1, character: 0 }, end: { line: 1, character: 6 } } }]);
    assert.equal(definition(doc, at(doc, "'lib.inc'", 2))[0].uri, ws.uri('lib.inc'));
  });

  it('finds references in every file, with or without the declaration', () => {
    const doc = ws.doc('main.asm');
    const refs = references(doc, at(doc, 'LIMIT', 1), true);
    assert.deepEqual(refs.map((r) => `${r.uri === ws.uri('lib.inc') ? 'lib' : 'main'}:${r.range.start.line}`).sort(), ['lib:0', 'main:7']);
    assert.equal(references(doc, at(doc, 'LIMIT', 1), false).length, 1);
  });

  it('renames to a name with non-ASCII characters, which nasm reads as name characters', function () {
    if (!hasNasm) this.skip();
    const text = 'bits 32\nstart:\n.loop: jmp .loop\n  dd start\n%macro m 0\n%%x: jmp %%x\n%endmacro\nm\n';
    const ws = workspace({ 'u.asm': text }, ['u.asm']);
    try {
      const doc = ws.doc('u.asm');
      let out = text;
      for (const [pos, name] of [[at(doc, 'start', 1, 'dd'), 'd\u00e9but'], [at(doc, '.loop', 1, 'jmp'), '.l\u{1f600}'], [at(doc, '%%x', 1, 'jmp'), '%%\u00f6']] as const) {
        const edit = rename(doc, pos, name);
        assert.ok(!('error' in edit), 'error' in edit ? edit.error : '');
        out = applyEdits(out, (edit.changes as Record<string, TextEdit[]>)[ws.uri('u.asm')]);
      }
      assert.equal(out, 'bits 32\nd\u00e9but:\n.l\u{1f600}: jmp .l\u{1f600}\n  dd d\u00e9but\n%macro m 0\n%%\u00f6: jmp %%\u00f6\n%endmacro\nm\n');
      // nasm 2.16.01 assembles the renamed text as the original: eb fe 00 00 00 00 eb fe.
      const dir = mkdtempSync(join(tmpdir(), 'ringside-rename-utf8-'));
      try {
        writeFileSync(join(dir, 'u.asm'), out);
        const r = spawnSync('nasm', ['-f', 'bin', '-o', join(dir, 'u.bin'), join(dir, 'u.asm')], { encoding: 'utf8' });
        assert.equal(r.stderr, '');
        assert.deepEqual([...readFileSync(join(dir, 'u.bin'))], [0xeb, 0xfe, 0, 0, 0, 0, 0xeb, 0xfe]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      ws.dispose();
    }
  });

  it('goes from a frame variable to its %arg or %local, and renames it there and at its uses', () => {
    const text = ['bits 32', '%push f', '%assign %$localsize 0', '%arg count:dword', '%local total:dword', '  mov eax, [count]', '  mov [total], eax', '%pop'].join('\n');
    const frame = workspace({ 'frame.asm': text }, ['frame.asm']);
    try {
      const doc = frame.doc('frame.asm');
      assert.deepEqual(definition(doc, at(doc, 'count', 2, 'mov')).map((l) => l.range), [{ start: { line: 3, character: 5 }, end: { line: 3, character: 10 } }]);
      assert.deepEqual(definition(doc, at(doc, 'total', 2, 'mov')).map((l) => l.range), [{ start: { line: 4, character: 7 }, end: { line: 4, character: 12 } }]);
      const edit = rename(doc, at(doc, 'count', 2, 'mov'), 'n');
      assert.ok(!('error' in edit));
      const out = applyEdits(text, (edit.changes as Record<string, TextEdit[]>)[frame.uri('frame.asm')]);
      assert.match(out, /^%arg n:dword$/m);
      assert.match(out, /mov eax, \[n\]/);
    } finally {
      frame.dispose();
    }
  });

  // Two programs open that read one include file (examples/kernel and examples/sensitive read
  // serial.inc): a rename from one left the other naming what no longer exists.
  it('finds references and renames in every open program that reads the file a name is defined in', () => {
    const shared = workspace({ 'a.asm': "bits 32\n%include 'lib.inc'\n  call helper\n", 'b.asm': "bits 32\n%include 'lib.inc'\nb_start:\n  call helper\n  jmp helper\n", 'c.asm': 'bits 32\nhelper: ret\n', 'lib.inc': 'helper:\n  ret\n' }, ['a.asm', 'b.asm', 'c.asm']);
    try {
      const doc = shared.doc('a.asm');
      const others = (file: string) => shared.cache.analysesInOtherRoots(file, doc.rootPath);
      const where = (locations: readonly { uri: string; range: { start: { line: number } } }[]) => locations.map((l) => `${l.uri.split('/').pop()}:${l.range.start.line}`).sort();
      // (c.asm's own `helper` is another symbol.)
      assert.deepEqual(where(references(doc, at(doc, 'helper', 1), true, others)), ['a.asm:2', 'b.asm:3', 'b.asm:4', 'lib.inc:0']);
      const edit = rename(doc, at(doc, 'helper', 1), 'service', others);
      assert.ok(!('error' in edit), JSON.stringify(edit));
      const changes = edit.changes as Record<string, TextEdit[]>;
      assert.deepEqual(Object.keys(changes).map((u) => u.split('/').pop()).sort(), ['a.asm', 'b.asm', 'lib.inc']);
      assert.equal(applyEdits("bits 32\n%include 'lib.inc'\nb_start:\n  call helper\n  jmp helper\n", changes[shared.uri('b.asm')]), "bits 32\n%include 'lib.inc'\nb_start:\n  call service\n  jmp service\n");
      assert.equal(changes[shared.uri('lib.inc')].length, 1);
      // A name the other program has already is refused, saying which program.
      const clash = rename(doc, at(doc, 'helper', 1), 'b_start', others);
      assert.ok('error' in clash && /`b_start` is already defined\. \(in b\.asm, which reads lib\.inc too\)/.test(clash.error), JSON.stringify(clash));
    } finally {
      shared.dispose();
    }
  });

  // An include file open alone (or with one of its programs): the programs on disk that include
  // it use its names too, and a rename that edited one of them left the others naming what no
  // longer exists. Checked by nasm: each program's bytes are the same after the rename.
  (hasNasm ? it : it.skip)('finds references and renames in the closed programs of the workspace that include the file', () => {
    const files: Record<string, string> = {
      'a.asm': "bits 32\n%include 'lib.inc'\n  call helper\n", 'b.asm': "bits 32\n%include 'lib.inc'\nb_start:\n  call helper\n  jmp helper\n",
      'sub/c.asm': "bits 32\n%include '../lib.inc'\n  dd helper\n", 'd.asm': 'bits 32\nhelper: ret\n', 'lib.inc': 'helper:\n  ret\n',
    };
    const ws = workspace(files, ['lib.inc']);
    try {
      const built = (name: string): Buffer => nasmBytes(ws.path(name));
      const programs = ['a.asm', 'b.asm', 'sub/c.asm', 'd.asm'];
      const before = programs.map((p) => built(p));
      const doc = ws.doc('lib.inc');
      const others = (file: string) => ws.cache.analysesInOtherRoots(file, doc.rootPath);
      const nameOf = (uri: string) => uri.slice(ws.uri('').length + 1);
      const where = (locations: readonly { uri: string; range: { start: { line: number } } }[]) => locations.map((l) => `${nameOf(l.uri)}:${l.range.start.line}`).sort();
      // (d.asm's own `helper` is another symbol.)
      assert.deepEqual(where(references(doc, { line: 0, character: 0 }, true, others)), ['a.asm:2', 'b.asm:3', 'b.asm:4', 'lib.inc:0', 'sub/c.asm:2']);
      const edit = rename(doc, { line: 0, character: 0 }, 'service', others);
      assert.ok(!('error' in edit), JSON.stringify(edit));
      const changes = edit.changes as Record<string, TextEdit[]>;
      assert.deepEqual(Object.keys(changes).map(nameOf).sort(), ['a.asm', 'b.asm', 'lib.inc', 'sub/c.asm']);
      for (const [uri, edits] of Object.entries(changes)) {
        const name = nameOf(uri);
        writeFileSync(ws.path(name), applyEdits(files[name], edits));
      }
      assert.match(readFileSync(ws.path('b.asm'), 'utf8'), /call service\n {2}jmp service/);
      assert.deepEqual(programs.map((p) => built(p)), before);
    } finally {
      ws.dispose();
    }
  });

  // Renames the language server refused, or accepted to a program nasm then refused: each result
  // is checked by nasm (the same bytes before and after, or its error for the refused one).
  (hasNasm ? it : it.skip)('renames a macro-local %%label in its macro, a $name keeping its $, and refuses a name an %idefine takes in any case', () => {
    const text = ['bits 32', '%macro spin 1', '%%top:', '  dec %1', '  jnz %%top', '  jmp %%after', '%%after:', '%endmacro', '  spin ecx', '  spin edx',
      '$foo: nop', '  jmp $foo', '%idefine BUF_LEN 16', 'count: dd BUF_LEN', ''].join('\n');
    const ws = workspace({ 'r.asm': text }, ['r.asm']);
    try {
      const doc = ws.doc('r.asm');
      const renamed = (pos: { line: number; character: number }, newName: string): string => {
        const edit = rename(doc, pos, newName);
        assert.ok(!('error' in edit), `${newName}: ${JSON.stringify(edit)}`);
        return applyEdits(text, (edit.changes as Record<string, TextEdit[]>)[ws.uri('r.asm')]);
      };
      const before = nasm(ws.dir, text);
      assert.ok(before.bytes !== undefined, before.stderr);
      for (const newName of ['%%past', 'past']) {
        const out = renamed(at(doc, '%%after', 1, 'jmp'), newName);
        assert.equal(out, text.replaceAll('%%after', '%%past'));
        assert.deepEqual(nasm(ws.dir, out).bytes, before.bytes);
      }
      assert.equal(renamed(at(doc, '%%top', 1, 'jnz'), 'again'), text.replaceAll('%%top', '%%again'));
      const taken = rename(doc, at(doc, '%%top', 1, 'jnz'), '%%after');
      assert.ok('error' in taken && /`%%after` is already used in this macro \(line 6\)/.test(taken.error), JSON.stringify(taken));
      // `$foo` is the label `foo`: renamed, it keeps its `$`; `$eax` makes a register's name a label's.
      for (const [newName, out] of [['bar', text.replaceAll('$foo', '$bar')], ['$eax', text.replaceAll('$foo', '$eax')]]) {
        assert.equal(renamed(at(doc, '$foo', 1, 'jmp'), newName), out);
        assert.deepEqual(nasm(ws.dir, out).bytes, before.bytes, newName);
      }
      // nasm: `buf_len:` after `%idefine BUF_LEN 16` is "label or instruction expected at start of line".
      const clash = rename(doc, at(doc, 'count', 0), 'buf_len');
      assert.ok('error' in clash && /`buf_len` would be taken for `BUF_LEN`: .*\(%idefine\)/.test(clash.error), JSON.stringify(clash));
      assert.match(nasm(ws.dir, text.replaceAll('count', 'buf_len')).stderr, /label or instruction expected at start of line/);
    } finally {
      ws.dispose();
    }
  });

  it('renames across files and keeps the spelling of local labels', () => {
    const doc = ws.doc('main.asm');
    const edit = rename(doc, at(doc, 'helper', 1), 'service');
    assert.ok(!('error' in edit));
    const changes = edit.changes as Record<string, TextEdit[]>;
    assert.match(applyEdits(LIB, changes[ws.uri('lib.inc')]), /^service:$/m);
    assert.match(applyEdits(MAIN, changes[ws.uri('main.asm')]), /call service/);
    const local = rename(doc, at(doc, '.spin', 1, 'jmp .spin'), '.wait');
    assert.ok(!('error' in local));
    const out = applyEdits(MAIN, (local.changes as Record<string, TextEdit[]>)[ws.uri('main.asm')]);
    assert.match(out, /^\.wait:$/m);
    assert.match(out, /jmp \.wait\n/);
    assert.match(out, /jmp start\.wait/);
  });

  it('finds and renames the names declaration directives give and alignment counts read', () => {
    const text = ['global start, main', 'common buf 4', 'start:', 'main:', 'align PAGE, db 0', 'alignb PAGE', 'sectalign off', 'sectalign PAGE', 'PAGE equ 16', 'dd start, buf'].join('\n');
    const decl = workspace({ 'decl.asm': text }, ['decl.asm']);
    try {
      const doc = decl.doc('decl.asm');
      const lines = (name: string, pos = at(doc, name, 1)) => references(doc, pos, true).map((r) => `${r.range.start.line}:${r.range.start.character}`).sort();
      assert.deepEqual(lines('start'), ['0:7', '2:0', '9:3']);
      assert.deepEqual(lines('buf'), ['1:7', '9:10']);
      assert.deepEqual(lines('PAGE'), ['4:6', '5:7', '7:10', '8:0']);
      const edit = rename(doc, at(doc, 'start', 1), 'entry');
      assert.ok(!('error' in edit));
      const out = applyEdits(text, (edit.changes as Record<string, TextEdit[]>)[decl.uri('decl.asm')]);
      assert.match(out, /^global entry, main$/m);
      assert.match(out, /^entry:$/m);
      // (`off` is sectalign's word, no name.)
      assert.deepEqual(references(doc, at(doc, 'off', 1), true), []);
    } finally {
      decl.dispose();
    }
  });

  it('refuses invalid or reserved names and non-symbols', () => {
    const doc = ws.doc('main.asm');
    const pos = at(doc, 'helper', 1);
    assert.ok('error' in rename(doc, pos, '1abc'));
    assert.ok('error' in rename(doc, pos, 'eax'));
    assert.ok('error' in rename(doc, pos, 'mov'));
    assert.ok('error' in rename(doc, pos, 'start'));
    assert.ok('error' in rename(doc, at(doc, '.spin', 1, 'jmp .spin'), 'nodot'));
    assert.ok('error' in prepareRename(doc, at(doc, 'call', 1)));
    assert.ok('error' in prepareRename(doc, at(doc, 'eax', 1)));
    const ok = prepareRename(doc, pos);
    assert.ok(!('error' in ok) && ok.placeholder === 'helper');
  });
});

describe('lsp navigation through macros', () => {
  const DEFS = ['%define T target', '%define CAT(x) x %+ get', '%macro go 0', '    jmp target', '%endmacro'].join('\n');
  const MAIN = ['bits 32', "%include 'defs.inc'", 'target:', '    jmp T', '    go', '    go', '%macro jump 1', '    jmp %1', '%endmacro', '    jump target', ''].join('\n');
  const PASTE = ['bits 32', "%include 'defs.inc'", 'target:', '    jmp CAT(tar)', ''].join('\n');
  const LOCAL = ['bits 32', '%macro spin 0', '    jmp .wait', '%endmacro', 'a:', '.wait:', '    spin', 'b:', '.wait:', '    spin', ''].join('\n');
  const ws = workspace({ 'defs.inc': DEFS, 'main.asm': MAIN, 'paste.asm': PASTE, 'local.asm': LOCAL }, ['main.asm', 'paste.asm', 'local.asm']);
  after(() => ws.dispose());
  const texts: Record<string, string> = { [ws.uri('defs.inc')]: DEFS, [ws.uri('main.asm')]: MAIN, [ws.uri('paste.asm')]: PASTE, [ws.uri('local.asm')]: LOCAL };
  const written = (l: { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }) =>
    `${l.uri === ws.uri('defs.inc') ? 'defs' : 'main'}:${l.range.start.line}:${texts[l.uri].split('\n')[l.range.start.line].slice(l.range.start.character, l.range.end.character)}`;

  it('lists each place the name is written: a %define body, a %macro body once, a macro argument', () => {
    const doc = ws.doc('main.asm');
    assert.deepEqual(references(doc, at(doc, 'target', 1), true).map(written).sort(), ['defs:0:target', 'defs:3:target', 'main:2:target', 'main:9:target']);
    assert.deepEqual(references(doc, at(doc, 'T', 0, 'jmp T'), false).map(written), ['main:3:T']);
  });

  it('renames a name written in a %define or %macro body there, across files', () => {
    const doc = ws.doc('main.asm');
    const edit = rename(doc, at(doc, 'target', 1), 'dest');
    assert.ok(!('error' in edit), JSON.stringify(edit));
    const changes = edit.changes as Record<string, TextEdit[]>;
    assert.equal(applyEdits(MAIN, changes[ws.uri('main.asm')]), MAIN.replaceAll('target', 'dest'));
    assert.equal(applyEdits(DEFS, changes[ws.uri('defs.inc')]), DEFS.replaceAll('target', 'dest'));
  });

  it('lists the pieces of a pasted name, and refuses to rename it, naming the place', () => {
    const doc = ws.doc('paste.asm');
    const refs = references(doc, at(doc, 'target', 1), false);
    assert.deepEqual(refs.map(written).sort(), ['defs:1:get', 'main:3:tar']);
    const edit = rename(doc, at(doc, 'target', 1), 'dest');
    assert.ok('error' in edit);
    assert.match(edit.error, /paste\.asm:4/);
  });

  it('refuses to rename a local label a macro body writes for two labels', () => {
    const doc = ws.doc('local.asm');
    assert.deepEqual(references(doc, at(doc, '.wait', 1, '.wait:'), true).map(written), ['main:5:.wait', 'main:2:.wait']);
    const edit = rename(doc, at(doc, '.wait', 1, '.wait:'), '.idle');
    assert.ok('error' in edit);
    assert.match(edit.error, /b\.wait/);
  });
});

describe('lsp navigation on a name a macro body pastes together', () => {
  // examples/pv/pv.inc's `mov eax, HC_%1`: each call of the macro makes another constant of it.
  const CALLS = ['bits 32', '%macro hypercall 1', '    mov eax, HC_%1', '%endmacro', 'HC_write equ 1', 'HC_yield equ 2', 'HC_exit equ 3', '    hypercall write', '    hypercall exit', '    hypercall write', ''].join('\n');
  const ws = workspace({ 'calls.asm': CALLS }, ['calls.asm']);
  after(() => ws.dispose());

  it('goes to the definition of each name the calls make, and hovers with each one\'s value', function () {
    if (!hasNasm) this.skip();
    // The names nasm's preprocessor makes there, in the order of the calls.
    const dir = mkdtempSync(join(tmpdir(), 'ringside-paste-'));
    writeFileSync(join(dir, 'calls.asm'), CALLS);
    const r = spawnSync('nasm', ['-E', 'calls.asm'], { cwd: dir, encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    const made = [...new Set([...r.stdout.matchAll(/mov eax, (HC_\w+)/g)].map((m) => m[1]))];
    assert.deepEqual(made, ['HC_write', 'HC_exit']);
    const doc = ws.doc('calls.asm');
    const lines = CALLS.split('\n');
    const pos = at(doc, 'HC_%1', 1);
    assert.deepEqual(definition(doc, pos).map((l) => lines[l.range.start.line].slice(l.range.start.character, l.range.end.character)), made);
    const shown = hover(doc, pos)?.contents as MarkupContent;
    assert.deepEqual([...shown.value.matchAll(/\*\*(HC_\w+)\*\* — constant = `(\d+)`/g)].map((m) => `${m[1]}=${m[2]}`), made.map((n) => `${n}=${/equ (\d+)/.exec(lines.find((l) => l.startsWith(`${n} equ`))!)![1]}`));
  });
});

describe('lsp rename next to a line the dialect leaves out', () => {
  // nasm 2.16.01 assembles `jmpe target` (0F B8 and the address); Ringside reports the line and
  // reads no further, so its `target` is no reference Rename could edit.
  const TEXT = ['bits 32', 'target: nop', 'jmpe target', 'dd target', 'other: dd other'].join('\n');
  const ws = workspace({ 'jmpe.asm': TEXT }, ['jmpe.asm']);
  after(() => ws.dispose());

  it('refuses to rename a name that line may write, naming the line, and renames the others', () => {
    const doc = ws.doc('jmpe.asm');
    const edit = rename(doc, at(doc, 'target', 1), 'dest');
    assert.ok('error' in edit);
    assert.match(edit.error, /jmpe target.*jmpe\.asm:3/);
    const other = rename(doc, at(doc, 'other', 1), 'another');
    assert.ok(!('error' in other));
    assert.equal(applyEdits(TEXT, (other.changes as Record<string, TextEdit[]>)[ws.uri('jmpe.asm')]), TEXT.replaceAll('other', 'another'));
  });
});
