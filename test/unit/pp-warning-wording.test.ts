// Preprocessor warnings worded as nasm words them: for the fixtures below, each of nasm's warnings
// (recorded .warn/.err) is ours on the same line, with nasm's message and warning class
// (`[-w+pp-open-string]`), and we give no other. nasm reports a warning from a macro expansion at
// the outermost call; we at the line of the body, with the calls in its expansion chain.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble } from '../../core/src/asm/index';
import { warningClass } from '../../core/src/asm/warning-switches';

const ASM = path.join(__dirname, '..', 'fixtures', 'nasm', 'asm');
const FIXTURES = ['pp-open-string', 'err-pp-open-string', 'pp-macro-def-case', 'pp-cond-never', 'pp-if-trailing', 'pp-elif-failed', 'pp-defstr-spacing',
  'pp-function-arity-name', 'if-macro-range', 'macro-call-expands-empty'];

describe("preprocessor warnings in nasm's words", () => {
  for (const name of FIXTURES) {
    it(`${name}.asm: nasm's warnings, wording and class`, () => {
      const file = path.join(ASM, `${name}.asm`);
      const own = path.basename(file);
      const recorded = [`${name}.warn`, `${name}.err`].map((f) => path.join(ASM, f)).find((f) => fs.existsSync(f));
      const nasm = (recorded === undefined ? [] : fs.readFileSync(recorded, 'utf8').split('\n'))
        .filter((l) => l.startsWith(`${own}:`) && l.includes(': warning: ')).sort();
      const ours = assemble({ file, host: { readFile: (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined) } }).diagnostics.filter((d) => d.severity === 'warning').map((d) => {
        const site = [d.range, ...(d.expansion ?? [])].filter((r) => path.basename(r.file) === own).at(-1)!;
        return `${own}:${site.start.line + 1}: warning: ${d.message} [-w+${warningClass(d.code, d.message)}]`;
      }).sort();
      assert.deepEqual(ours, nasm);
    });
  }
});
