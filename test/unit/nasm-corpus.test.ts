// Assembles every test/fixtures/nasm/**/*.asm and compares with the bytes nasm produced (.bin), or
// expects errors where nasm rejected the file (.err), and warnings on the lines nasm warned about
// (.warn, or none), each of the class nasm's `[-w+CLASS]` names. Recorded by scripts/record-nasm-fixtures.sh.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble, type AssembleResult } from '../../core/src/asm/index';
import { assembleFixture, findAsm, NasmPlaces } from '../support/nasm-fixtures';

const ROOT = path.join(__dirname, '..', 'fixtures', 'nasm');
/** Fixtures for nasm's --limit-X whose first error message and line we match exactly. */
const LIMIT_FIXTURE = /(^|\/)limit-[^/]*\.asm$/;

function hex(b: Uint8Array, from: number, n: number): string {
  return Array.from(b.subarray(from, from + n), (x) => x.toString(16).padStart(2, '0')).join(' ');
}

function describeMismatch(r: AssembleResult, expected: Uint8Array): string {
  const actual = r.image;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const entry = r.sourceMap.lookupAddress(r.origin + i);
  const where = entry ? `${path.basename(entry.range.file)}:${entry.range.start.line + 1}` : 'no source line';
  const lines = entry ? fs.readFileSync(entry.range.file, 'utf8').split(/\r?\n/) : [];
  const src = entry ? lines[entry.range.start.line]?.trim() : '';
  return `first difference at offset 0x${i.toString(16)} (${where}: ${src})\n  expected: ${hex(expected, i, 12)}\n  actual:   ${hex(actual, i, 12)}\n` +
    `  sizes: expected ${expected.length}, actual ${actual.length}`;
}

describe('nasm corpus (byte-identical with nasm -f bin)', () => {
  const files = findAsm(ROOT);
  it('has fixtures', () => assert.ok(files.length > 0, `no .asm files under ${ROOT}`));
  for (const file of files) {
    const rel = path.relative(ROOT, file);
    const bin = file.replace(/\.asm$/, '.bin');
    const err = file.replace(/\.asm$/, '.err');
    if (fs.existsSync(err)) {
      it(`${rel} is rejected like nasm rejects it`, () => {
        const r = assembleFixture(file);
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        assert.ok(errors.length > 0, `nasm rejected it (${fs.readFileSync(err, 'utf8').trim().split('\n')[0]}) but we reported no error`);
        if (LIMIT_FIXTURE.test(rel)) {
          // Limit overflows: the same first error as nasm, at the same line.
          const first = fs.readFileSync(err, 'utf8').split('\n')[0];
          assert.equal(`${path.basename(errors[0].range.file)}:${errors[0].range.start.line + 1}: error: ${errors[0].message}`, first);
        }
        // Every place nasm reports an error (or a fatal error) at, in the fixture itself: where we report one too,
        // as the error's own line or as the call site of a macro expansion it came from.
        const places = new NasmPlaces(file, r);
        const expected = places.nasm(fs.readFileSync(err, 'utf8'), 'error');
        const printed = r.printedMessages.filter((d) => d.severity === 'error');
        const reported = new Set(printed.flatMap((d) => [d.range, ...(d.expansion ?? [])]).map((rg) => places.key(rg)));
        for (const at of expected) assert.ok(reported.has(at), `nasm reports an error at ${at}, we do not (we report ${[...reported].join(', ')})`);
        assert.equal(r.image.length, 0);
      });
      // (A limit overflow stops us at once, while nasm goes on to the line the limit left unexpanded.)
      if (!LIMIT_FIXTURE.test(rel)) it(`${rel} warns where nasm warns before rejecting it`, () => {
        // nasm stops after the pass an error is found in, so it prints only the warnings of the
        // passes it ran (an error found while parsing hides the final pass's warnings): each of
        // them must be ours, while we may warn on more lines.
        const r = assembleFixture(file);
        const places = new NasmPlaces(file, r);
        const nasmWarned = places.nasm(fs.readFileSync(err, 'utf8'), 'warning');
        // (The messages as printed: a later round's may come from other macro calls than the first's.)
        const warnings = r.printedMessages.filter((d) => d.severity === 'warning');
        const ours = new Set(warnings.flatMap((d) => [d.range, ...(d.expansion ?? [])]).map((rg) => places.key(rg)));
        for (const at of nasmWarned) assert.ok(ours.has(at), `nasm warns at ${at}, we do not`);
        const tags = places.tags(r.printedMessages);
        for (const t of places.nasmTags(fs.readFileSync(err, 'utf8'))) assert.ok(tags.has(t), `nasm warns at ${t}, we do not (with that class)`);
      });
    } else if (fs.existsSync(bin)) {
      it(`${rel} matches nasm's bytes`, () => {
        const r = assembleFixture(file);
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        assert.deepEqual(errors.map((d) => `${path.basename(d.range.file)}:${d.range.start.line + 1}: ${d.message}`), []);
        const expected = new Uint8Array(fs.readFileSync(bin));
        if (Buffer.compare(Buffer.from(r.image), Buffer.from(expected)) !== 0) assert.fail(describeMismatch(r, expected));
      });
      it(`${rel} warns where nasm warns`, () => {
        // Lines of the fixture itself: nasm's warnings with the `... from macro' lines after them,
        // ours with the call sites of the expansions they came from.
        const warnFile = file.replace(/\.asm$/, '.warn');
        const text = fs.existsSync(warnFile) ? fs.readFileSync(warnFile, 'utf8') : '';
        const r = assembleFixture(file);
        const places = new NasmPlaces(file, r);
        const nasmWarned = places.nasm(text, 'warning');
        const nasmContext = places.nasm(text, '...');
        const warnings = r.printedMessages.filter((d) => d.severity === 'warning');
        const ours = new Set(warnings.map((d) => places.key(d.range)).filter((at) => places.own(at)));
        const oursContext = new Set(warnings.flatMap((d) => d.expansion ?? []).map((rg) => places.key(rg)));
        for (const at of nasmWarned) assert.ok(ours.has(at) || oursContext.has(at), `nasm warns at ${at}, we do not`);
        for (const at of ours) assert.ok(nasmWarned.has(at) || nasmContext.has(at), `we warn at ${at}, nasm does not`);
        // Each with nasm's class: the switch its `[-w+CLASS]` names.
        const tags = places.tags(r.printedMessages);
        for (const t of places.nasmTags(text)) assert.ok(tags.has(t), `nasm warns at ${t}, we do not (with that class)`);
      });
    }
  }
});

/** test/fixtures/examples/list.json: the bundled example guests and nasm's bytes for each. */
interface ExampleEntry { readonly name: string; readonly source: string; readonly includePaths: readonly string[] }

describe('example guests (byte-identical with the committed nasm output)', () => {
  const repo = path.join(__dirname, '..', '..');
  const listFile = path.join(repo, 'test', 'fixtures', 'examples', 'list.json');
  const list = (JSON.parse(fs.readFileSync(listFile, 'utf8')) as { examples: ExampleEntry[] }).examples;
  it('lists examples', () => assert.ok(list.length > 0));
  for (const ex of list) {
    it(`${ex.source} matches nasm's ${ex.name}.bin`, () => {
      const file = path.join(repo, ex.source);
      // nasm ran from the repository root with `-I` paths relative to it.
      const r = assemble({
        file, includePaths: ex.includePaths.map((p) => path.join(repo, p)),
        host: { readFile: (p) => (fs.existsSync(p) && fs.statSync(p).isFile() ? fs.readFileSync(p, 'utf8') : undefined) },
      });
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => `${path.basename(d.range.file)}:${d.range.start.line + 1}: ${d.message}`), []);
      const expected = new Uint8Array(fs.readFileSync(path.join(repo, 'test', 'fixtures', 'examples', `${ex.name}.bin`)));
      if (Buffer.compare(Buffer.from(r.image), Buffer.from(expected)) !== 0) assert.fail(describeMismatch(r, expected));
    });
  }
});
