// The lines in %if branches not taken (AssembleResult.inactive), which the editor fades: checked
// against `nasm -E`, which writes out every line it preprocesses, each after a `%line N+M FILE`
// marker that names where it came from. No line nasm writes out may be called inactive, and the
// lines of a branch not taken are.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AssembleResult } from '../../core/src/asm/api';
import { assembleFixture, findAsm, fixtureArgs } from '../support/nasm-fixtures';
import { hasNasm } from '../support/random';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'nasm', 'asm');

/** `file:line` (1-based, the name as nasm -E writes it) of every line with text that `nasm -E` run in `cwd` writes out. */
function nasmWrites(args: readonly string[], cwd: string): Set<string> {
  const r = spawnSync('nasm', ['-E', ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
  const out = new Set<string>();
  let file = '';
  let line = 0;
  let step = 1;
  for (const text of r.stdout.split('\n')) {
    const marker = /^%line (\d+)(?:\+(\d+))? (.*)$/.exec(text);
    if (marker) {
      line = Number(marker[1]);
      step = marker[2] === undefined ? 1 : Number(marker[2]);
      file = marker[3];
      continue;
    }
    if (text.trim() !== '') out.add(`${file}:${line}`);
    line += step;
  }
  return out;
}

/** `file:line` (1-based, relative to `cwd`) of every line `r` calls inactive. */
function inactive(r: AssembleResult, cwd: string): string[] {
  return (r.inactive ?? []).flatMap((x) => Array.from({ length: x.end - x.start + 1 }, (_, k) => `${path.relative(cwd, x.file)}:${x.start + k + 1}`));
}

describe('inactive lines against nasm -E', function () {
  this.timeout(120_000);
  if (!hasNasm) {
    it('is skipped: nasm is not on PATH (install NASM 2.16 to run it)', function () { this.skip(); });
    return;
  }

  it('calls inactive no line nasm -E writes out, over every recorded fixture with a conditional', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const file of findAsm(FIXTURES)) {
      const text = fs.readFileSync(file, 'latin1');
      // (A %line renumbers what nasm -E names; a fixture without a conditional has nothing inactive.)
      if (!/^\s*%(?:el)?if/im.test(text) || /^\s*%line\b/im.test(text)) continue;
      const cwd = path.dirname(file);
      const r = assembleFixture(file);
      const lines = inactive(r, cwd);
      if (lines.length === 0) continue;
      checked++;
      const written = nasmWrites([...fixtureArgs(file), path.basename(file)], cwd);
      for (const l of lines) if (written.has(l)) problems.push(`${path.basename(file)}: ${l} is written out by nasm -E`);
    }
    assert.deepEqual(problems, []);
    assert.ok(checked > 40, `only ${checked} fixtures had inactive lines`);
  });

  it('fades the branches not taken: nested groups, %elif chains, -D, and a file read twice only where both readings skip it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-inactive-'));
    try {
      const main = [
        '%if 0', //                   1
        'db 1', //                    2  inactive
        '%if 1', //                   3  inactive (a group inside one)
        'db 2', //                    4  inactive
        '%endif', //                  5  inactive
        '%elif FAST', //              6
        'db 3', //                    7  taken with -DFAST=1
        '%else', //                   8
        'db 4', //                    9  inactive
        '%endif', //                  10
        '%define TWICE 0', //         11
        '%include "part.inc"', //     12
        '%define TWICE 1', //         13
        '%include "part.inc"', //     14
        '%ifdef NOPE', //             15
        '%endif', //                  16
        '',
      ].join('\n');
      const part = ['%if TWICE', 'db 5', '%else', 'db 6', '%endif', '%if 0', 'db 7', '%endif', ''].join('\n');
      fs.writeFileSync(path.join(dir, 'main.asm'), main);
      fs.writeFileSync(path.join(dir, 'part.inc'), part);
      fs.writeFileSync(path.join(dir, 'main.args'), '-DFAST=1');
      const r = assembleFixture(path.join(dir, 'main.asm'));
      const lines = inactive(r, dir);
      assert.deepEqual(lines, ['main.asm:2', 'main.asm:3', 'main.asm:4', 'main.asm:5', 'main.asm:9', 'part.inc:7']);
      const written = nasmWrites(['-DFAST=1', 'main.asm'], dir);
      for (const l of lines) assert.ok(!written.has(l), `${l} is written out by nasm -E`);
      // What the readings take between them: db 3, and db 5 and db 6 (one each).
      for (const l of ['main.asm:7', 'part.inc:2', 'part.inc:4']) assert.ok(written.has(l), `nasm -E writes ${l}: ${[...written].join(' ')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fades every line a backslash joins to a line of a branch not taken (NASM manual §3.1: the lines are one)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-inactive-'));
    try {
      const main = [
        '%if 0', //                   1
        'db 1, \\', //                2  inactive
        '  2, \\', //                 3  inactive (joined to 2)
        '  3', //                     4  inactive (joined to 2)
        '%elif 1 + \\', //            5
        '  0', //                     6  (joined to 5: the %elif taken)
        'db 5', //                    7
        '%else', //                   8
        'db 6, \\', //                9  inactive
        '  7', //                     10 inactive (joined to 9)
        '%endif', //                  11
        'db 9', //                    12
        '',
      ].join('\n');
      fs.writeFileSync(path.join(dir, 'main.asm'), main);
      const lines = inactive(assembleFixture(path.join(dir, 'main.asm')), dir);
      const written = nasmWrites(['main.asm'], dir);
      assert.deepEqual([...written].sort(), ['main.asm:12', 'main.asm:7']);
      assert.deepEqual(lines, ['main.asm:2', 'main.asm:3', 'main.asm:4', 'main.asm:9', 'main.asm:10']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fades the lines of a %rep body that every round skips, not those one round takes, nor a macro\'s', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-inactive-'));
    try {
      const main = [
        '%assign i 0', //             1
        '%rep 3', //                  2
        '%if 0', //                   3
        'db 1', //                    4  inactive in every round
        '%elif i == 1', //            5
        'db 2', //                    6  taken in the second round
        '%else', //                   7
        'db 3', //                    8  taken in the first and third
        '%endif', //                  9
        '%ifdef NOPE', //             10
        '%rep 2', //                  11 inactive
        'db 4', //                    12 inactive
        '%endrep', //                 13 inactive
        '%endif', //                  14
        '%assign i i+1', //           15
        '%endrep', //                 16
        '%macro m 0', //              17
        '%if 0', //                   18
        'db 5', //                    19 (a macro's: left alone)
        '%endif', //                  20
        '%endmacro', //               21
        'm', //                       22
        '',
      ].join('\n');
      fs.writeFileSync(path.join(dir, 'main.asm'), main);
      const lines = inactive(assembleFixture(path.join(dir, 'main.asm')), dir);
      const written = nasmWrites(['main.asm'], dir);
      // nasm -E writes out db 2 and db 3 (the branches some round takes), none of the others.
      assert.deepEqual([...written].sort(), ['main.asm:6', 'main.asm:8']);
      assert.deepEqual(lines, ['main.asm:4', 'main.asm:11', 'main.asm:12', 'main.asm:13']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fades the lines a backslash joins to a skipped line of a %rep body, nested %reps too', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-inactive-'));
    try {
      const main = [
        '%rep 2', //                  1
        '%if 0', //                   2
        'db 1, \\', //                3  inactive
        '  2', //                     4  inactive (joined to 3)
        '%elif 1', //                 5
        'db 3, \\', //                6  taken
        '  4', //                     7  (joined to 6)
        '%endif', //                  8
        '%rep 2', //                  9
        '%ifdef NOPE', //             10
        'db 5, \\', //                11 inactive
        '  6', //                     12 inactive (joined to 11)
        '%endif', //                  13
        '%endrep', //                 14
        '%endrep', //                 15
        '',
      ].join('\n');
      fs.writeFileSync(path.join(dir, 'main.asm'), main);
      const lines = inactive(assembleFixture(path.join(dir, 'main.asm')), dir);
      assert.deepEqual([...nasmWrites(['main.asm'], dir)], ['main.asm:6']);
      assert.deepEqual(lines, ['main.asm:3', 'main.asm:4', 'main.asm:11', 'main.asm:12']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
