// Our listing against `nasm -l`, line for line: every recorded fixture nasm accepts (a .bin next
// to it; its .args honoured as scripts/record-nasm-fixtures.sh honours them), those it rejects
// and still lists (and that nasm writes none of the others), and the bundled
// example guests (with their include paths from test/fixtures/examples/list.json). Needs nasm on
// PATH; the listing is nasm's own output of the moment, never one recorded from our code.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assemble, renderListing, type AssembleResult } from '../../core/src/asm/index';
import { listedDespiteErrors } from '../../core/src/asm/listing-errors';
import { assembleFixture, fileHost, findAsm, fixtureArgs } from '../support/nasm-fixtures';
import { hasNasm } from '../support/random';

const REPO = path.join(__dirname, '..', '..');
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'nasm', 'asm');

/**
 * Listing rows we do not match, each with why: by file (relative to the fixtures directory, or
 * the example's source), the rows of nasm's listing and of ours that are left out of the
 * comparison (the text of each row, exactly).
 */
interface KnownDifference {
  readonly nasm: readonly string[];
  readonly ours: readonly string[];
  readonly reason: string;
}

/** Ringside's warning for a macro called with a count it does not take says the counts it takes; nasm's does not. */
const TAKES = 'Ringside adds to the message of a macro called with the wrong count the counts it takes `(it takes N)`, a help in the editor';

const KNOWN_DIFFERENCES: Readonly<Record<string, KnownDifference>> = {
  'macro-names.asm': {
    reason: TAKES,
    nasm: ['Name', 'shout', 'Shout', 'SHOUT'].map((m, k) => `    ${14 + k}          ******************       warning: multi-line macro \`${m}' exists, but not taking 1 parameter [-w+pp-macro-params-multi]`),
    ours: ['Name', 'shout', 'Shout', 'SHOUT'].map((m, k) => `    ${14 + k}          ******************       warning: multi-line macro \`${m}' exists, but not taking 1 parameter (it takes 0) [-w+pp-macro-params-multi]`),
  },
  'err-undefined-first-only.asm': {
    reason: 'nasm names the first undefined symbol of a statement (its evaluator stops there); Ringside names each, as the editor shows every error at once',
    nasm: [],
    ours: [[5, 'bar'], [6, 'bar'], [8, 'bar'], [9, 'bar'], [10, 'bar'], [11, 'bar'], [12, 'bar'], [13, 'bar']]
      .map(([l, name]) => `    ${String(l).padStart(2)}          ******************       error: symbol \`${name}' not defined`),
  },
  'macro-trailing-empty.asm': {
    reason: TAKES,
    nasm: ["    20          ******************       warning: multi-line macro `m' exists, but not taking 0 parameters [-w+pp-macro-params-multi]"],
    ours: ["    20          ******************       warning: multi-line macro `m' exists, but not taking 0 parameters (it takes 1+) [-w+pp-macro-params-multi]"],
  },
};

/**
 * Rejected fixtures nasm writes a listing of and Ringside's CLI does not (listedDespiteErrors says
 * no: it writes none rather than one it is not sure of), each with why.
 */
const NOT_LISTED: Readonly<Record<string, string>> = {
  'err-seg-in-group.asm': 'Ringside refuses `seg x` as it parses the line; nasm puts it out as a segment ([ssss]) and refuses it in its output format, after the listing',
  'err-seg-zext.asm': 'as err-seg-in-group.asm: Ringside refuses `seg x` as it parses the line, nasm puts it out and refuses it in its output format',
  'err-seg-width.asm': 'as err-seg-in-group.asm: Ringside refuses `seg x` as it parses the line, nasm puts it out and refuses it in its output format',
  'err-macro-argument-names.asm': 'each undefined name drops its `db` and the next names a symbol: lines whose bytes Ringside leaves in doubt after a drop (ListingLine.afterDropped)',
  'err-dropped-then-repeated-messages.asm': 'an undefined name drops `dw nope`, and the lines after it are instructions it moved and a line naming a label: lines whose bytes Ringside leaves in doubt after a drop (ListingLine.afterDropped); their messages are printed as often as nasm\'s all the same',
  'err-extern-times.asm': 'an undefined name drops `dd a, zz` and `mov eax, [a + zz]`, and the lines after them name external names: lines whose bytes Ringside leaves in doubt after a drop (ListingLine.afterDropped)',
};

/** nasm's listing of `source`, assembled in `cwd` with `args` (undefined when it wrote none), its exit status and stderr. */
function nasmListing(source: string, args: readonly string[], cwd: string): { listing?: string; status: number | null; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-listing-'));
  try {
    const out = path.join(dir, 'out.bin'), lst = path.join(dir, 'out.lst');
    const r = spawnSync('nasm', ['-f', 'bin', ...args, source, '-o', out, '-l', lst], { cwd, encoding: 'utf8', timeout: 20_000 });
    return { listing: fs.existsSync(lst) ? fs.readFileSync(lst, 'utf8') : undefined, status: r.status, stderr: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where the listings part: undefined when they are the same but for `known`, rows that one of
 * them has where the other has another (each taken once, where the listings first part on it).
 */
function difference(nasm: readonly string[], ours: readonly string[], known: KnownDifference | undefined): string | undefined {
  const nasmLeft = [...(known?.nasm ?? [])], oursLeft = [...(known?.ours ?? [])];
  const take = (left: string[], row: string | undefined): boolean => {
    const k = row === undefined ? -1 : left.indexOf(row);
    if (k >= 0) left.splice(k, 1);
    return k >= 0;
  };
  let i = 0, j = 0;
  while (i < nasm.length || j < ours.length) {
    if (nasm[i] === ours[j]) { i++; j++; continue; }
    if (take(nasmLeft, nasm[i])) { i++; continue; }
    if (take(oursLeft, ours[j])) { j++; continue; }
    const show = (l: readonly string[], k: number): string => l.slice(Math.max(0, k - 2), k + 4).map((r, n) => `  ${Math.max(0, k - 2) + n + 1}: ${JSON.stringify(r)}`).join('\n');
    return `nasm's row ${i + 1} and our row ${j + 1} differ\nnasm:\n${show(nasm, i)}\nours:\n${show(ours, j)}`;
  }
  if (nasmLeft.length + oursLeft.length > 0) return `known differences no longer there (take them out of KNOWN_DIFFERENCES): ${JSON.stringify([...nasmLeft, ...oursLeft])}`;
  return undefined;
}

function compare(name: string, nasmText: string, ours: AssembleResult, errors = false): void {
  if (!errors) assert.deepEqual(ours.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  const problem = difference(nasmText.split('\n'), renderListing(ours.listing).split('\n'), KNOWN_DIFFERENCES[name]);
  if (problem !== undefined) assert.fail(problem);
}

describe('differential: listings vs nasm -l', function () {
  this.timeout(60000);
  if (!hasNasm) {
    it('is skipped: nasm is not on PATH (install NASM 2.16 to run it)', function () { this.skip(); });
    return;
  }

  describe('recorded fixtures', () => {
    for (const file of findAsm(FIXTURES)) {
      if (!fs.existsSync(file.replace(/\.asm$/, '.bin'))) continue;
      const name = path.relative(FIXTURES, file);
      it(`${name} lists as nasm lists it`, () => {
        const nasm = nasmListing(path.basename(file), fixtureArgs(file), path.dirname(file));
        assert.ok(nasm.status === 0 && nasm.listing !== undefined, `nasm failed:\n${nasm.stderr}`);
        compare(name, nasm.listing, assembleFixture(file));
      });
    }
  });

  // A listing after errors: written where nasm writes one (its errors of the final pass listed), none where nasm writes none.
  describe('rejected fixtures', () => {
    for (const file of findAsm(FIXTURES)) {
      if (fs.existsSync(file.replace(/\.asm$/, '.bin'))) continue;
      const name = path.relative(FIXTURES, file);
      it(`${name}: a listing written where nasm writes one, as nasm lists it`, () => {
        const nasm = nasmListing(path.basename(file), fixtureArgs(file), path.dirname(file));
        assert.notEqual(nasm.status, 0, 'nasm accepts it: record the fixture again');
        const ours = assembleFixture(file);
        const listed = listedDespiteErrors(ours.diagnostics, () => ours.listing);
        if (nasm.listing === undefined) assert.ok(!listed, 'nasm writes no listing; Ringside would');
        else if (name in NOT_LISTED) assert.ok(!listed, `Ringside now lists it: take it out of NOT_LISTED (${NOT_LISTED[name]})`);
        else {
          assert.ok(listed, 'nasm writes a listing; Ringside would not (say why in NOT_LISTED, or class its errors in listing-errors.ts)');
          compare(name, nasm.listing, ours, true);
        }
      });
    }
  });

  describe('example guests', () => {
    const list = JSON.parse(fs.readFileSync(path.join(REPO, 'test', 'fixtures', 'examples', 'list.json'), 'utf8')) as
      { examples: { name: string; source: string; includePaths: string[] }[] };
    for (const e of list.examples) {
      it(`${e.source} lists as nasm lists it`, () => {
        // nasm runs from the repository root with `-I` paths relative to it (as examples.test.ts).
        const nasm = nasmListing(e.source, e.includePaths.map((p) => `-I${p}`), REPO);
        assert.ok(nasm.listing !== undefined, `nasm failed:\n${nasm.stderr}`);
        const ours = assemble({ file: path.join(REPO, e.source), includePaths: e.includePaths.map((p) => path.join(REPO, p)), host: fileHost });
        compare(e.source, nasm.listing, ours);
      });
    }
  });
});
