// Messages from the lines of a `%use` package's multi-line macros (`bf16`, `segment`, `proc` ...)
// are placed at the macro's call, where nasm 2.16.01 places them (its packages' macros are
// .nolist), never at the `%use` line or in the package's own text: checked against the messages
// nasm recorded for fixture use-package-call-place, place and text.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { assembleFixture, NasmPlaces } from '../support/nasm-fixtures';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'nasm', 'asm', 'use-package-call-place.asm');

describe('%use package macros: messages at the call', () => {
  it('nasm\'s messages for use-package-call-place are ours, at the same lines, with no place inside the package', () => {
    const r = assembleFixture(FIXTURE);
    const places = new NasmPlaces(FIXTURE, r);
    const nasm = readFileSync(FIXTURE.replace(/\.asm$/, '.warn'), 'utf8').split('\n').filter((l) => l !== '').map((l) => {
      const m = /^(.+?):(\d+): (warning|error): (.*?)(?: \[-w\+[a-z=-]+\])?$/.exec(l);
      assert.ok(m !== null, l);
      return `${m[1]}:${m[2]}: ${m[3]}: ${m[4]}`;
    });
    assert.ok(nasm.length >= 2, 'the fixture records nasm\'s two warnings');
    assert.deepEqual(r.diagnostics.map((d) => `${places.key(d.range)}: ${d.severity}: ${d.message}`), nasm);
    for (const d of r.diagnostics) for (const at of [d.range, ...(d.expansion ?? [])]) assert.equal(at.file, FIXTURE, `${d.message}: a place in ${at.file}`);
  });
});
