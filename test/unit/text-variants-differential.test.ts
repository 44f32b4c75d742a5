// Every recorded fixture written as other editors and other habits write it, assembled by nasm
// 2.16.01 and by `ringside asm` in the fixture's folder: both must accept or refuse it alike, with
// the same bytes. The fixtures are mostly lower case with Unix line ends; these variants are:
// - Windows line ends (CR LF) and a UTF-8 byte-order mark, whose messages must match nasm's too;
// - every letter in upper case: mnemonics, registers, directives, keywords and size words are
//   read without regard to case, names and strings change on both sides alike.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ringsideAsm } from '../support/cli-runs';
import { MESSAGE_DIFFERENCES } from '../support/message-differences';
import { findAsm, fixtureArgs } from '../support/nasm-fixtures';
import { nasmOn, nasmScratch } from '../support/nasm-live';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'nasm', 'asm');

/**
 * nasm reads a byte-order mark as the name of a label on the first line, under which the `.x`
 * labels before the file's own first label then hang: in these two, undefined ones, which nasm
 * reports only in the first pass that fails (see LATER in test/support/message-differences.ts).
 */
const MARK_NAMES_LOCALS = new Set(['count-carried-local.asm', 'err-count-carried-local.asm']);

interface Variant {
  readonly name: string;
  readonly of: (text: string) => string;
  /** Whether the messages are compared too, for a fixture (relative to the fixtures' folder). */
  readonly messages: (fixture: string) => boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'CR LF line ends', of: (text) => text.replace(/\r?\n/g, '\r\n'), messages: () => true },
  { name: 'a byte-order mark', of: (text) => `\xef\xbb\xbf${text}`, messages: (fixture) => !MARK_NAMES_LOCALS.has(fixture) },
  // (Not the messages: nasm names a directive in them as the source wrote it, Ringside in lower case.)
  { name: 'upper case', of: (text) => text.toUpperCase(), messages: () => false },
];

describe('differential: every fixture in other spellings (line ends, byte-order mark, upper case), by nasm and by ringside asm', function () {
  this.timeout(60_000);

  const scratch = nasmScratch('ringside-variants-');
  if (scratch === undefined) return;

  for (const file of findAsm(FIXTURES)) {
    const name = path.relative(FIXTURES, file);
    it(name, () => {
      const text = fs.readFileSync(file, 'latin1');
      const cwd = path.dirname(file);
      const args = fixtureArgs(file);
      const source = path.join(scratch, path.basename(file));
      for (const variant of VARIANTS) {
        const written = variant.of(text);
        if (written === text) continue;
        const nasm = nasmOn(source, written, args, cwd);
        const out = `${source}.ours.bin`;
        fs.rmSync(out, { force: true });
        // (`-X gnu`: nasm's message form, which Ringside's default gives with the column.)
        const ours = ringsideAsm(['-X', 'gnu', `-I${cwd}/`, ...args, '-o', out, source], cwd);
        const bytes = ours.code === 0 && fs.existsSync(out) ? fs.readFileSync(out).toString('hex') : '';
        assert.equal(ours.code === 0, nasm.code === 0, `${variant.name}: accepted by one only:\n${ours.err}\n${nasm.stderr}`);
        assert.equal(bytes, nasm.bin, `${variant.name}: bytes`);
        if (variant.messages(name) && MESSAGE_DIFFERENCES[name] === undefined) assert.equal(Buffer.from(ours.err, 'utf8').toString('latin1'), nasm.stderr, `${variant.name}: messages`);
      }
    });
  }
});
