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
  it('each message nasm recorded for use-package-call-place is ours, at the same line, with no place inside the package', () => {
    const r = assembleFixture(FIXTURE);
    const places = new NasmPlaces(FIXTURE, r);
    const recorded = readFileSync(FIXTURE.replace(/\.asm$/, '.err'), 'utf8').split('\n').filter((l) => l !== '');
    assert.ok(recorded.length >= 2, 'the fixture records nasm\'s warning and error');
    for (const line of recorded) {
      const m = /^(.+?):(\d+): (?:warning|error): (.*?)(?: \[-w\+[a-z=-]+\])?$/.exec(line);
      assert.ok(m !== null, line);
      const ours = r.diagnostics.filter((d) => d.message === m[3]);
      assert.deepEqual(ours.map((d) => places.key(d.range)), [`${m[1]}:${m[2]}`], line);
      for (const d of ours) for (const at of [d.range, ...(d.expansion ?? [])]) assert.equal(at.file, FIXTURE, `${line}: a place in ${at.file}`);
    }
  });
});
