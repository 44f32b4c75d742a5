// The "Disable warning CLASS on this line / in this file" quick fixes, checked against nasm run
// now: each edited text must assemble to the same bytes, with the warning gone and every other
// one of nasm's warnings still there. Without nasm, only our own assembly of the edits is checked.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiagnosticSeverity, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver-types';
import { codeActions } from '../../server/src/features/codeActions';
import { validate } from '../../server/src/features/diagnostics';
import { applyEdits, single } from '../protocol/analyzeText';
import { hasNasm } from '../support/random';

/** Every kind of warning we give, at the top level, in a macro body and in a `%rep` (nasm accepts it all). */
const SOURCE = [
  '; warnings of every kind, to switch off',  // 0
  '; (a second comment line)',                // 1
  '',                                         // 2
  'bits 32',                                  // 3
  'foo',                                      // 4  label-orphan
  'db 300',                                   // 5  number-overflow
  '  db 301',                                 // 6  number-overflow, indented
  'mov al, 300',                              // 7
  '%warning top level',                       // 8  user
  '%macro mk 1',                              // 9
  '  db %1',                                  // 10 number-overflow in each expansion
  '  %warning in macro %1',                   // 11 user in each expansion
  'lbl%1',                                    // 12 label-orphan in each expansion
  '%endmacro',                                // 13
  'mk 300',                                   // 14
  'mk 400',                                   // 15
  '%rep 2',                                   // 16
  '  db 256',                                 // 17
  '  %warning in rep',                        // 18
  '%endrep',                                  // 19
  '%macro m1 1-2',                            // 20
  '%endmacro',                                // 21
  'm1 1,',                                    // 22 pp-macro-params-legacy
  '%macro m1 1-2',                            // 23 pp-macro-redef-multi: wrapped with its definition
  '  db 1',                                   // 24
  '%endmacro',                                // 25
  '%define CS 1',                             // 26
  '%idefine cs 2',                            // 27 pp-macro-def-case-single
  '%rep -1',                                  // 28 pp-rep-negative: wrapped with its body
  '  db 1',                                   // 29
  '%endrep',                                  // 30
  '%if 1',                                    // 31
  '%endif junk',                              // 32 pp-trailing: no line action (a branch could skip the push)
  'resb 4',                                   // 33 zeroing
  "mov eax, 'abcdefgh'",                      // 34 other
  'db',                                       // 35 db-empty
  'dd 1, \\',                                 // 36 number-overflow, on a line `\` continues
  '   0x1ffffffffffff',                       // 37
  'lock mov eax, ebx',                        // 38 prefix-lock
  'dq 1.0e999',                               // 39 float-overflow
  'mov eax, dword ptr',                       // 40 ptr, with the `ptr' symbol below
  'ptr: dd 0',                                // 41
  '',
].join('\n');

/** One of nasm's warnings: its 1-based line, text and tag, and the macro lines it came through. */
interface NasmWarning { line: number; text: string; context: number[] }

function nasmRun(dir: string, text: string): { bytes: Buffer; warnings: NasmWarning[] } {
  const src = path.join(dir, 'w.asm'), out = path.join(dir, 'w.bin');
  fs.writeFileSync(src, text);
  const r = spawnSync('nasm', ['-f', 'bin', 'w.asm', '-o', out], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const warnings: NasmWarning[] = [];
  for (const l of r.stderr.split('\n')) {
    const m = /^w\.asm:(\d+): (warning: .*|\.\.\. from macro .*)$/.exec(l);
    assert.ok(m !== null || l === '', l);
    if (m === null) continue;
    if (m[2].startsWith('warning:')) warnings.push({ line: Number(m[1]), text: m[2], context: [] });
    else warnings[warnings.length - 1].context.push(Number(m[1]));
  }
  return { bytes: fs.readFileSync(out), warnings };
}

/** Where a 0-based line of the text before the (inserting) edits is after them. */
function movedLine(edits: readonly TextEdit[], line: number): number {
  let moved = line;
  for (const e of edits) {
    // (Lines inserted before a line end in a line break; the `[warning pop]` after one starts with it.)
    if (e.range.start.line < line || (e.range.start.line === line && e.newText.endsWith('\n'))) moved += e.newText.split('\n').length - 1;
  }
  return moved;
}

const shown = (ws: NasmWarning[]) => ws.map((w) => `${w.line}: ${w.text}${w.context.map((c) => ` (from ${c})`).join('')}`).sort();

describe('warning switch quick fixes', () => {
  const { doc, ws } = single(SOURCE);
  after(() => ws.dispose());
  const warnings = validate(doc).filter((d) => d.severity === DiagnosticSeverity.Warning);
  const actionsFor = (d: Diagnostic): CodeAction[] => codeActions(doc, d.range, [d]).filter((a) => a.title.startsWith('Disable warning'));
  const lines = SOURCE.split('\n');

  it('gives each warning its nasm class as code, and offers the actions on it', () => {
    const byLine = [...new Set(warnings.map((d) => `${d.range.start.line}:${d.code}`))].sort((a, b) => parseInt(a) - parseInt(b));
    assert.deepEqual(byLine, ['4:label-orphan', '5:number-overflow', '6:number-overflow', '7:number-overflow', '8:user', '10:number-overflow',
      '11:user', '12:label-orphan', '17:number-overflow', '18:user', '22:pp-macro-params-legacy', '23:pp-macro-redef-multi',
      '27:pp-macro-def-case-single', '28:pp-rep-negative', '32:pp-trailing', '33:zeroing', '34:other', '35:db-empty', '36:number-overflow',
      '38:prefix-lock', '39:float-overflow', '40:ptr', '41:ptr']);
    for (const d of warnings) {
      const titles = actionsFor(d).map((a) => a.title);
      const line = d.range.start.line === 32 ? [] : [`Disable warning ${String(d.code)} on this line`];
      assert.deepEqual(titles, [...line, `Disable warning ${String(d.code)} in this file`], `line ${d.range.start.line}`);
    }
  });

  it('wraps the line at its indentation, a `\\`-continued one whole, a %macro with its definition', () => {
    const edited = (line: number, title: string) => {
      const d = warnings.find((w) => w.range.start.line === line)!;
      const a = actionsFor(d).find((x) => x.title.endsWith(title))!;
      return applyEdits(SOURCE, a.edit!.changes![doc.uri]).split('\n');
    };
    assert.deepEqual(edited(6, 'line').slice(5, 10), ['db 300', '  [warning push]', '  [warning -number-overflow]', '  db 301', '  [warning pop]']);
    assert.deepEqual(edited(36, 'line').slice(36, 41), ['[warning push]', '[warning -number-overflow]', 'dd 1, \\', '   0x1ffffffffffff', '[warning pop]']);
    assert.deepEqual(edited(23, 'line').slice(23, 29), ['[warning push]', '[warning -pp-macro-redef-multi]', '%macro m1 1-2', '  db 1', '%endmacro', '[warning pop]']);
    assert.deepEqual(edited(8, 'file').slice(0, 5), [lines[0], lines[1], '', '[warning -user]', 'bits 32']);
  });

  it('offers no switch that nasm would not honour', () => {
    // nasm 2.16.01: `[warning -warn-stack-empty]`, `[warning pop]` warns "warning stack empty [-w+warn-stack-empty]" (an empty
    // pop goes back to the command line's state first); `[warning push]` warns "unknown warning name: push [-w+unknown-warning]"
    // while that class is on; a `[warning +CLASS]` below the top undoes a `[warning -CLASS]` there.
    const s = single('bits 32\n[warning pop]\n[warning +unknown-warning]\n[warning +foo]\n[warning +number]\ndb 300\n');
    try {
      const titles = validate(s.doc).map((d) => [d.code, ...codeActions(s.doc, d.range, [d]).map((a) => a.title)]);
      assert.deepEqual(titles, [['warn-stack-empty'], ['unknown-warning'], ['number-overflow', 'Disable warning number-overflow on this line']]);
    } finally {
      s.ws.dispose();
    }
  });

  it('offers nothing for an error, even a warning made one, nor for a virtualization lint', () => {
    const promoted = single('[warning +error=number-overflow]\ndb 300\n');
    const lint = single('%pragma ringside technique paravirtual\nbits 32\ncli\n');
    try {
      const errors = validate(promoted.doc);
      assert.deepEqual(errors.map((d) => [d.severity, d.code]), [[DiagnosticSeverity.Error, 'data-overflow']]);
      assert.deepEqual(codeActions(promoted.doc, errors[0].range, errors).map((a) => a.title), []);
      const lints = validate(lint.doc).filter((d) => d.severity === DiagnosticSeverity.Warning);
      assert.ok(lints.length > 0);
      assert.ok(codeActions(lint.doc, lints[0].range, lints).every((a) => !a.title.startsWith('Disable warning')));
    } finally {
      promoted.ws.dispose();
      lint.ws.dispose();
    }
  });

  it('silences exactly that warning, where nasm does, with the same bytes (our assembly of the edits)', () => {
    for (const d of warnings) {
      for (const a of actionsFor(d)) {
        const text = applyEdits(SOURCE, a.edit!.changes![doc.uri]);
        const after = single(text);
        try {
          const left = validate(after.doc).filter((x) => x.severity === DiagnosticSeverity.Warning && x.code === d.code);
          if (a.title.endsWith('in this file')) assert.deepEqual(left, [], a.title);
          else assert.ok(!left.some((x) => x.range.start.line === movedLine(a.edit!.changes![doc.uri], d.range.start.line)), `${a.title} (line ${d.range.start.line})`);
          assert.deepEqual(validate(after.doc).filter((x) => x.severity === DiagnosticSeverity.Error), []);
        } finally {
          after.ws.dispose();
        }
      }
    }
  });

  it('silences exactly that warning in nasm, with the same bytes (nasm run now)', function () {
    if (!hasNasm) this.skip();
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-wswitch-'));
    try {
      const before = nasmRun(dir, SOURCE);
      const done = new Set<string>();
      for (const d of warnings) {
        for (const a of actionsFor(d)) {
          const key = `${d.range.start.line}:${a.title}`;
          if (done.has(key)) continue;
          done.add(key);
          const edits = a.edit!.changes![doc.uri];
          const after = nasmRun(dir, applyEdits(SOURCE, edits));
          assert.ok(after.bytes.equals(before.bytes), `${a.title} (line ${d.range.start.line}): bytes changed`);
          // nasm's warnings before, less those of the class on this line (or everywhere, for the file's switch), moved as the edits moved them.
          const tag = `[-w+${String(d.code)}]`;
          const gone = (w: NasmWarning) => w.text.endsWith(tag) && (a.title.endsWith('in this file') || [w.line, ...w.context].includes(d.range.start.line + 1));
          const move = (l: number) => movedLine(edits, l - 1) + 1;
          const expected = before.warnings.filter((w) => !gone(w)).map((w) => ({ line: move(w.line), text: w.text, context: w.context.map(move) }));
          assert.ok(expected.length < before.warnings.length, `${a.title} (line ${d.range.start.line}): nasm did not warn there`);
          assert.deepEqual(shown(after.warnings), shown(expected), `${a.title} (line ${d.range.start.line})`);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
