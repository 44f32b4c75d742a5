// Every recorded fixture built as a project builds from its top folder: `asm/NAME.asm` run from
// the fixtures' parent folder, with `-Iasm/` (and the fixture's own -I folders, from there), by
// nasm 2.16.01 and by `ringside asm`. Both must accept or refuse it alike, with the same bytes and
// the same messages. The corpus tests run each fixture from its own folder, where the working
// directory and the source's folder are one: here they differ, so where each looks for an
// included file, and how `__FILE__`, `%pathsearch` and messages name files, are checked too, with
// the dependency lists of `-M` and `-MG` of a fixture that reads other files.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ringsideAsm } from '../support/cli-runs';
import { MESSAGE_DIFFERENCES } from '../support/message-differences';
import { findAsm, fixtureArgs } from '../support/nasm-fixtures';
import { nasmScratch } from '../support/nasm-live';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'nasm', 'asm');
const TOP = path.dirname(FIXTURES);

/** Fixtures that differ only when built from the top folder, each with why. */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {};

/** Fixtures whose `-M -MG` list differs, each with why. */
const MISSING_OK_DIFFERENCES: Readonly<Record<string, string>> = {
  'pathsearch.asm': 'with -MG, nasm lists no file for an `%include` of a `%pathsearch` name it did not find (b.inc, which it lists when the name is written out)',
};

/** A fixture's arguments with its relative -I folders written from the top folder. */
function fromTop(file: string): string[] {
  const folder = path.relative(TOP, path.dirname(file));
  return fixtureArgs(file).map((a) => (a.startsWith('-I') && a.length > 2 && !path.isAbsolute(a.slice(2)) ? `-I${path.join(folder, a.slice(2))}/` : a));
}

describe('differential: every fixture built from the top folder, by nasm and by ringside asm', function () {
  this.timeout(60_000);

  const scratch = nasmScratch('ringside-layout-');
  if (scratch === undefined) return;

  for (const file of findAsm(FIXTURES)) {
    const name = path.relative(FIXTURES, file);
    // (`-I dir` as two words and -D values naming files stay as the recorder wrote them.)
    if (fixtureArgs(file).some((a) => a === '-I' || (a.startsWith('-D') && a.includes('/')))) continue;
    it(name, () => {
      // (`-X gnu`: nasm's message form, which Ringside's default gives with the column.)
      const args = ['-X', 'gnu', `-I${path.relative(TOP, path.dirname(file))}/`, ...fromTop(file), '-o'];
      const source = path.relative(TOP, file);
      const outputs = { nasm: path.join(scratch, 'nasm.bin'), ours: path.join(scratch, 'ours.bin') };
      for (const out of Object.values(outputs)) fs.rmSync(out, { force: true });
      const nasm = spawnSync('nasm', ['-f', 'bin', ...args, outputs.nasm, source], { cwd: TOP, encoding: 'latin1', timeout: 20_000 });
      const ours = ringsideAsm([...args, outputs.ours, source], TOP);
      const bytes = (out: string) => (fs.existsSync(out) ? fs.readFileSync(out).toString('hex') : '');
      const same = (ours.code === 0) === (nasm.status === 0) && bytes(outputs.ours) === bytes(outputs.nasm);
      const known = KNOWN_DIFFERENCES[name];
      // (Still different: when it is not, the entry goes.)
      if (known !== undefined) { assert.ok(!same || ours.err !== nasm.stderr, `no longer differs: take it out of KNOWN_DIFFERENCES (${known})`); return; }
      assert.equal(ours.code === 0, nasm.status === 0, `accepted by one only:\n${ours.err}\n${nasm.stderr}`);
      assert.equal(bytes(outputs.ours), bytes(outputs.nasm), 'bytes');
      if (MESSAGE_DIFFERENCES[name] === undefined) assert.equal(Buffer.from(ours.err, 'utf8').toString('latin1'), nasm.stderr, 'messages');
      if (!/%include|incbin|%pathsearch|%depend/i.test(fs.readFileSync(file, 'latin1'))) return;
      for (const options of [['-M'], ['-M', '-MG']]) {
        if (options.length > 1 && MISSING_OK_DIFFERENCES[name] !== undefined) continue;
        const list = [...options, '-MT', 'x', ...args.slice(0, -1), source];
        const theirs = spawnSync('nasm', list, { cwd: TOP, encoding: 'latin1', timeout: 20_000 });
        const mine = ringsideAsm(list, TOP);
        assert.equal(Buffer.from(mine.out, 'utf8').toString('latin1'), theirs.stdout, `${options.join(' ')}: the dependencies`);
      }
    });
  }
});
