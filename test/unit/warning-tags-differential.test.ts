// The `[-w+CLASS]` / `[-w+error=CLASS]` tag that ends each warning line of `ringside asm`, against
// nasm run now on sources giving every kind of warning we give, under switches that turn classes
// off or into errors. Needs nasm on PATH (skipped otherwise), like the other differential tests.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../core/src/cli/main';
import { hasNasm } from '../support/random';

/** Sources by name, each for a few kinds of warning (the ones nasm rejects only with warnings made errors). */
const SOURCES: Readonly<Record<string, string>> = {
  'numbers.asm': 'bits 32\ndb 300\nmov al, 300\ndw 70000\ndd 0x1ffffffffffffffff1\npush byte 200\nmov eax, [ebx+0x1ffffffff]\n',
  'labels.asm': 'foo\nbar\n',
  'user.asm': '%warning hello there\n%warning second\n',
  'pp.asm': '%if 1\n%endif junk\n%rep -1\n%endrep\n%if 0\n%else\n%else\n%endif\n%if 0\n%else\n%elif 1\n%endif\n' +
    '%macro m1 1-2\n%endmacro\nm1 1,\n%macro m1 1-2\n%endmacro\n%define CS 1\n%idefine cs 2\n%macro nop 1\n%endmacro\nnop\n',
  'zeroing.asm': 'resb 4\nresw 1\n',
  'other.asm': "bits 32\nmov eax, 'abcdefgh'\ndt 123456789012345678901234p\nrep rep movsb\nsection .text foo=bar\nsection .bss\ndb 1\n",
  'classes.asm': 'bits 32\nlock mov eax, ebx\ndb\ndq 1.0e999\nmov eax, dword ptr\nptr: dd 0\nmov eax, dword eax\n[warning +unknown-warning]\n[warning +nosuchthing]\n[warning pop]\n',
  'macros.asm': '%macro mk 1\n  db %1\n  %warning in macro %1\nlbl%1\n%endmacro\nmk 300\nmk 400\n%rep 2\n  db 256\n  %warning in rep\n%endrep\n',
  'switched.asm': '[warning -number-overflow]\ndb 400\n[warning +number-overflow]\n[warning push]\n[warning -user]\n%warning silenced\n' +
    '[warning pop]\n%warning back\n[warning +error=user]\n%warning now an error\n[warning -error=user]\n[warning +error=number-overflow]\ndb 500\n',
};

const OPTIONS: readonly (readonly string[])[] = [[], ['-Werror'], ['-w-number-overflow', '-w+error=user'], ['-w+error=label-orphan', '-w-user']];

/** A tagged line of either assembler: severity, message and tag, and the 1-based line. */
interface Tagged { readonly what: string; readonly line: number }

function nasmTagged(stderr: string): Tagged[] {
  const out: Tagged[] = [];
  for (const l of stderr.split('\n')) {
    const m = /^[^:]+:(\d+): ((?:warning|error): .* \[-w\+[a-z=-]+\])$/.exec(l);
    if (m) out.push({ what: m[2], line: Number(m[1]) });
  }
  return out;
}

/** Ours, with the lines of their macro calls (`note: expanded from here`); the `(it takes N)` Ringside adds to a message left out. */
function oursTagged(stderr: string): { tagged: Tagged[]; notes: number[][] } {
  const tagged: Tagged[] = [], notes: number[][] = [];
  for (const l of stderr.split('\n')) {
    const m = /^[^:]+:(\d+):\d+: ((?:warning|error): .*)$/.exec(l);
    const note = /^[^:]+:(\d+):\d+: note: expanded from here$/.exec(l);
    if (note) notes[notes.length - 1]?.push(Number(note[1]));
    else if (m) { tagged.push({ what: m[2].replace(/ \(it takes [^)]*\)/, ''), line: Number(m[1]) }); notes.push([]); }
  }
  return { tagged, notes };
}

describe('warning tags against nasm (nasm run now)', function () {
  this.timeout(60000);
  let dir: string;
  before(function () {
    if (!hasNasm) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-wtags-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  for (const [name, text] of Object.entries(SOURCES)) {
    it(`${name}: every warning ends with nasm's tag`, () => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      for (const opts of OPTIONS) {
        const what = `${name} ${opts.join(' ')}`;
        const nasm = spawnSync('nasm', ['-f', 'bin', ...opts, name, '-o', 'n.bin'], { cwd: dir, encoding: 'utf8' });
        let err = '';
        main(['asm', ...opts, file, '-o', path.join(dir, 'o.bin')], { out: () => undefined, err: (t) => { err += t; } });
        const theirs = nasmTagged(nasm.stderr);
        const { tagged: ours, notes } = oursTagged(err);
        if (opts.length === 0) assert.ok(theirs.length > 0, `${what}: nasm gave no tagged line\n${nasm.stderr}`);
        // Every warning of ours has a tag (an error only when a switch made it of a warning).
        for (const o of ours) if (o.what.startsWith('warning:')) assert.match(o.what, / \[-w\+[a-z-]+\]$/, what);
        // nasm's each tagged line is ours, at its line or at the macro call it came from (nasm puts a macro body's
        // warnings at the call, Ringside at the body's line with the call as a note). When nasm stops on an error,
        // it gives only the warnings of the passes it ran: then ours may be more.
        const at = (t: Tagged) => ours.flatMap((o, k) => (o.what === t.what ? [o.line, ...notes[k]] : []));
        for (const t of theirs) assert.ok(at(t).includes(t.line), `${what}: nasm says "${t.line}: ${t.what}", we say\n${err}`);
        if (nasm.status === 0) {
          assert.deepEqual([...new Set(ours.map((o) => o.what))].sort(), [...new Set(theirs.map((t) => t.what))].sort(), what);
        }
      }
    });
  }
});
