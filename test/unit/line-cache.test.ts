// A file re-read after an edit reuses its unchanged lines (line-cache.ts FileLines): the lines must
// be those of a fresh split, and re-assembling edited texts must give what a fresh file gives.
import * as assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { assemble, forgetCaches } from '../../core/src/asm/index';
import { fileLines, forgetFile, lineEntry, splitLines } from '../../core/src/asm/line-cache';
import { rng } from '../support/random';

/** One random edit: insert or delete a few characters, terminators and continuations included. */
function edit(text: string, r: () => number): string {
  const pieces = ['\n', '\r\n', '\\', ' ', 'x', 'nop\n', '\n\n', 'db 1\r\n', ''];
  const at = Math.floor(r() * (text.length + 1));
  const cut = r() < 0.5 ? Math.floor(r() * 6) : 0;
  return text.slice(0, at) + pieces[Math.floor(r() * pieces.length)] + text.slice(Math.min(text.length, at + cut));
}

describe('file lines across edits', () => {
  it('are the lines of a fresh split, each with its own entry, after random edits', () => {
    const r = rng(7);
    let text = 'bits 32\r\nmov eax, 1\n\nlabel: \\\n  nop\nret';
    for (let i = 0; i < 2000; i++) {
      text = i % 97 === 0 ? '' : edit(text, r);
      const lines = fileLines('/line-cache-test.asm', text);
      const split = splitLines(text);
      // Lines carried over read their entry's text, the others are cut out of the new text.
      assert.deepEqual(Array.from({ length: lines.count }, (_, k) => lines.line(k)), split, `after edit ${i}: ${JSON.stringify(text)}`);
      for (let k = 0; k < lines.count; k++) assert.equal(lines.entry(k).text, split[k]);
    }
  });

  it('assemble an edited file as they assemble a fresh one', function () {
    // (400 assemblies: 14 s on a loaded host, 19 s in a CI run, against mocha's 20 s. A bound for a hang, not a speed check.)
    this.timeout(120_000);
    const r = rng(11);
    const body: string[] = ['bits 32', 'org 0x1000', '%define K 3', '%macro m 1', '  db %1, K', '%endmacro'];
    for (let i = 0; i < 60; i++) body.push(`L${i}:`, `  jmp L${(i * 7) % 60}`, '  mov eax, [ebx+4]', `.x: db ${i}`, '  jne .x', i % 10 === 0 ? `%if ${i} > 20\n  m ${i}\n%endif\n%rep 2\n  nop\n%endrep` : '  m K');
    let text = body.join('\n') + '\n';
    const host = { readFile: () => undefined };
    for (let i = 0; i < 200; i++) {
      text = edit(text, r);
      const edited = assemble({ file: '/edited.asm', text, host });
      const fresh = assemble({ file: `/fresh-${i}.asm`, text, host });
      assert.deepEqual(Buffer.from(edited.image), Buffer.from(fresh.image), `image after edit ${i}`);
      assert.deepEqual(edited.diagnostics.map((d) => [d.code, d.message, d.range.start, d.range.end]),
        fresh.diagnostics.map((d) => [d.code, d.message.replaceAll(`/fresh-${i}.asm`, '/edited.asm'), d.range.start, d.range.end]), `diagnostics after edit ${i}`);
    }
  });

  it('are read afresh after forgetCaches, and assemble as before', () => {
    const text = 'bits 32\norg 0x100\nstart: mov eax, [ebx+4]\n  jmp start\n.l: db 1, 2\n  jne .l\n  mov eax, undefined_here\n';
    const host = { readFile: () => undefined };
    const before = assemble({ file: '/forget.asm', text, host });
    const entry = lineEntry('  jmp start');
    const lines = fileLines('/forget.asm', text);
    forgetCaches();
    // Nothing kept: the same text gives new entries and a new split of the file.
    assert.notEqual(lineEntry('  jmp start'), entry);
    assert.deepEqual(lineEntry('  jmp start').tokens, entry.tokens);
    assert.notEqual(fileLines('/forget.asm', text), lines);
    forgetCaches();
    const after = assemble({ file: '/forget.asm', text, host });
    assert.deepEqual(Buffer.from(after.image), Buffer.from(before.image));
    assert.deepEqual(after.diagnostics.map((d) => [d.code, d.message, d.range]), before.diagnostics.map((d) => [d.code, d.message, d.range]));
    assert.ok(after.diagnostics.some((d) => d.message.includes('undefined_here')));
  });

  it('keep only the lines of files still kept once most of them belong to forgotten files', () => {
    forgetCaches();
    const text = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `  db ${i} ; ${tag}`).join('\n');
    const a = fileLines('/trim-a.asm', text('a', 40_000));
    const b = fileLines('/trim-b.asm', text('b', 5_000));
    for (let i = 0; i < a.count; i++) a.entry(i);
    for (let i = 0; i < b.count; i++) b.entry(i);
    const ea = a.entry(7), eb = b.entry(7);
    // Every entry still belongs to a kept file: reading another file trims nothing.
    fileLines('/trim-c.asm', 'nop\n');
    assert.equal(lineEntry(ea.text), ea);
    // Most entries now belong to a forgotten file: the next file read keeps the others only.
    forgetFile('/trim-a.asm');
    fileLines('/trim-d.asm', 'nop\n');
    assert.notEqual(lineEntry(ea.text), ea, "a forgotten file's line is made again");
    assert.equal(lineEntry(eb.text), eb, "a kept file's line keeps its entry");
    forgetCaches();
  });

  it('keep no earlier text of the file alive through the lines its edits changed', () => {
    // (A collection on demand: the heap's size before and after the edits is the measure.)
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    forgetCaches();
    const file = '/edited-texts.asm';
    const lines = Array.from({ length: 20_000 }, (_, i) => `  mov eax, [ebx+${i * 4}] ; line ${i}`);
    let text = lines.join('\n');
    fileLines(file, text);
    collect();
    const before = process.memoryUsage().heapUsed;
    // As a language server sees typing: each version a new line's text, one line changed.
    const edits = 60;
    for (let v = 0; v < edits; v++) {
      const k = 100 + v * 7;
      lines[k] = `  add esi, ${1000 + v} ; typed`;
      text = lines.join('\n');
      const now = fileLines(file, text);
      assert.equal(now.entry(k).text, lines[k]);
    }
    collect();
    const grown = process.memoryUsage().heapUsed - before;
    // Each version is ~0.7 MB (a byte a character): kept by its new line, 60 versions are ~42 MB.
    // The new lines' entries and the last text are well under 8 MB.
    assert.ok(grown < 8e6, `the heap grew by ${(grown / 1e6).toFixed(1)} MB over ${edits} edits of a ${(text.length / 1e6).toFixed(1)}M-character file`);
    forgetCaches();
  });
});
