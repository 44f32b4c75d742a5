// Errors worded as nasm words them: for every recorded fixture nasm rejects (test/fixtures/nasm,
// its .err), the errors on the fixture's own lines are nasm's, line and message, and we give no
// other; the call site stands for an error from a macro expansion. nasm repeats an error in each
// pass it meets it in: each counts once. nasm-corpus.test.ts checks the lines alone, for every
// fixture; the fixtures below differ from nasm in their wording, each for its reason.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assembleFixture, findAsm, NasmPlaces } from '../support/nasm-fixtures';

const ROOT = path.join(__dirname, '..', 'fixtures', 'nasm');

/** The sections' layout: nasm's bin format gives it as it writes its output. */
const LAYOUT = 'nasm gives an error of the sections\' layout with no line and in its own words (`sections .a and .b overlap!`); Ringside at the first line, with the section names quoted';

/** Fixtures whose errors are worded otherwise than nasm's, and why. */
const WORDED_OTHERWISE: Readonly<Record<string, string>> = {
  'asm/err-align-fill.asm': 'Ringside names the directive `align` cannot repeat, nasm wants an instruction',
  'asm/err-align-times.asm': 'Ringside says `times` cannot repeat the `align` macro, nasm wants an instruction',
  'asm/err-directive-label.asm': 'Ringside says a directive is no label, nasm reads the line as the directive',
  'asm/err-include-self.asm': 'nasm runs out of open files in this include cycle and says so in the system\'s words; Ringside says at the same include that the file includes itself',
  'asm/err-float.asm': 'nasm reports a bad significand (`dd 1.5x`) in its final pass only, which the other errors stop it before',
  'asm/err-istruc-forward.asm': 'Ringside names the structure defined after the `istruc`, at its `iend`',
  'asm/err-struc-no-context.asm': 'Ringside says `iend`, `at` or `endstruc` has no `istruc` or `struc` open, where nasm gives the errors of its standard macros\' bodies run with no context (its `nasm -E` output is matched)',
  'asm/err-struc-size-suffix-no-structure.asm': 'as err-struc-no-context.asm: Ringside says `iend` or `endstruc` has no `istruc` or `struc` open (its `nasm -E` output is matched)',
  'asm/err-struc-context-popped.asm': 'Ringside says a `%pop` or `%push` left no structure\'s context for the `endstruc`, `at` or `iend`, where nasm gives the errors of its standard macros\' bodies run in another context or none',
  'asm/err-istruc-undefined.asm': 'nasm stops after the first pass (the `iend`\'s error), before the `at` of the undefined structure Ringside also reports (err-istruc-undefined-open.asm has no `iend`)',
  'asm/err-undefined-first-only.asm': 'nasm names the first undefined symbol of a statement (its evaluator stops there); Ringside names each, as the editor shows every error at once',
  'asm/err-undefined-first-critical.asm': 'nasm names the first undefined symbol of a statement (its evaluator stops there); Ringside names each, as the editor shows every error at once',
  'asm/err-label-scaled.asm': 'nasm stops after its first pass, before the instruction values Ringside also reports',
  'asm/err-label-sums.asm': 'nasm stops after its first pass, before the instruction values Ringside also reports',
  'asm/err-nolist-include.asm': 'nasm places the lines an `%include` in a `.nolist` macro brings, and the body\'s after it, at the `%include` line; '
    + 'this test takes the outermost call (the command line places them as nasm does: cli-messages-differential.test.ts)',
  'asm/err-outside-dialect.asm': 'instructions nasm has and the dialect leaves out: Ringside\'s own error',
  'asm/err-dollar-register-use.asm': 'registers nasm has and the dialect leaves out: Ringside\'s own error (and nasm stops after its first pass, before the `mov ebx, xmm0` Ringside also reports)',
  'asm/err-wide-data.asm': 'data directives nasm has and the dialect leaves out: Ringside\'s own error',
  'asm/err-scale-equ.asm': 'nasm stops after its first pass, before the undefined symbol Ringside also reports',
  'asm/err-special-symbol-label.asm': 'nasm stops after its first pass, before the `..x` label\'s error of its last pass, which Ringside also reports',
  'asm/err-section-origin.asm': LAYOUT,
  'asm/err-section-overlap.asm': LAYOUT,
  'asm/err-section-follows.asm': LAYOUT,
  'asm/err-section-follows-double-equals.asm': LAYOUT,
  'asm/err-section-self-follows.asm': LAYOUT,
  'asm/err-section-origin-negative.asm': LAYOUT,
  'asm/err-seg-wrt.asm': 'nasm stops after its first pass, before the lines Ringside also reports',
  'asm/err-stack-frame.asm': 'an %arg list nasm gives up on a line earlier than Ringside',
  'asm/err-context-local.asm': 'nasm reports errors of its expansion at lines Ringside reports at the call',
  'asm/err-context-define-late.asm': 'nasm stops after its first pass, before the undefined symbol Ringside also reports',
  'asm/err-common-bases.asm': 'nasm stops after its first pass, before the external reference its final pass would refuse, which Ringside also reports (the command line does not print it)',
  'asm/err-common-used.asm': 'nasm stops after the pass of the common variable\'s error, before the external references its final pass would refuse, which Ringside also reports (the command line does not print them)',
  'asm/err-extern-after-stop.asm': 'nasm stops after its first pass, before the external references its final pass would refuse, which Ringside also reports (the command line does not print them)',
  'asm/err-resb-label-repeated.asm': 'nasm stops after its first pass, before the error of its second for a count naming a label further on, which Ringside also reports (the command line does not print it)',
  'asm/err-final-pass-after-stop.asm': 'nasm stops after its first pass, before the errors of its final pass, which Ringside also reports (the command line does not print them)',
  'asm/err-first-pass-stop-later-lines.asm': 'nasm stops after its first pass, before the undefined symbols of its final pass and the section attributes of its second, which Ringside also reports (the command line does not print them)',
  'asm/err-section-attribute-later-pass.asm': 'nasm stops after its second pass (the section attributes\' errors), before the undefined symbols of its final pass, which Ringside also reports (the command line does not print them)',
  'asm/err-second-pass-forward-resb.asm': 'nasm stops after its second pass (the section attribute\'s error), before the undefined symbol of its final pass, which Ringside also reports (the command line does not print it)',
  'asm/use-altreg-64bit.asm': 'altreg\'s 64-bit names: the dialect\'s error for the register they stand for',
  'asm/err-require-message.asm': 'the error is nasm\'s at the line of the file `%require` reads, which this test leaves out; it takes the `%require` line '
    + '(the command line places it as nasm does: cli-messages-differential.test.ts)',
  'asm/err-segment-override-operands.asm': 'nasm stops after its first pass, before the invalid combination of its final pass, which Ringside also reports (the command line does not print it)',
  'asm/err-register-set-final-pass.asm': 'nasm stops after its first pass, before the register sets\' errors of its final pass, which Ringside also reports (the command line does not print it)',
  'asm/err-data-later-pass-error.asm': 'nasm stops after its first pass, before the comparison\'s error of a later pass, which Ringside also reports (the command line does not print it)',
  'asm/err-address-invalid-undefined-name.asm': 'nasm stops after its first pass, before the undefined symbols of its final pass, which Ringside also reports (the command line does not print them)',
  'asm/err-data-refused-second-pass.asm': 'nasm stops after its first pass, before the errors of its second for data naming a label further on, which Ringside also reports (the command line does not print them)',
  'asm/err-conditional-register-data.asm': 'nasm stops after its first pass, before the undefined symbol of its final pass (`zz`), which Ringside also reports (the command line does not print it)',
  'asm/err-resb-register-count.asm': 'nasm stops after its first pass, before the invalid combinations of its final pass (`resb eax`, `resb eax+1`), which Ringside also reports (the command line does not print them)',
  'asm/err-equ-register-branch-condition.asm': 'nasm stops after its first pass, before the "bad syntax for EQU" of a later pass (`z3`, its condition defined further on), which Ringside also reports (the command line does not print it)',
  'asm/pp-only-register-operator-goes-on.asm': 'nasm stops after its first pass, before the undefined symbol of its final pass (`v`, which the failed %assign left undefined), which Ringside also reports (the command line does not print it)',
};

/**
 * The distinct errors of `lines` at the fixture's own places (a fatal one as an error) (not in a file it includes; a line a
 * `%line` renumbered by the name it gave), sorted; a warning made an error without its class
 * (`[-w+error=user]`).
 */
function errorsOf(lines: readonly string[], places: NasmPlaces): string[] {
  const own = lines.filter((l) => {
    const m = /^(.+?):(-?\d+): (?:error|fatal): /.exec(l);
    return m !== null && places.own(`${m[1]}:${m[2]}`);
  });
  return [...new Set(own.map((l) => l.replace(/: fatal: /, ': error: ').replace(/ \[-w\+error=[^\]]*\]$/, '')))].sort();
}

describe("errors in nasm's words", () => {
  const files = findAsm(ROOT).filter((f) => fs.existsSync(f.replace(/\.asm$/, '.err')));
  it('has rejected fixtures', () => assert.ok(files.length > 0));
  for (const file of files) {
    const rel = path.relative(ROOT, file);
    if (WORDED_OTHERWISE[rel] !== undefined) continue;
    it(`${rel}: nasm's errors, line and message`, () => {
      const own = path.basename(file);
      const r = assembleFixture(file);
      const places = new NasmPlaces(file, r);
      const nasm = errorsOf(fs.readFileSync(file.replace(/\.asm$/, '.err'), 'utf8').split('\n'), places);
      const ours = errorsOf(r.diagnostics.filter((d) => d.severity === 'error').map((d) => {
        const site = [d.range, ...(d.expansion ?? [])].filter((rg) => path.basename(rg.file) === own).at(-1);
        return site === undefined ? '' : `${places.key(site)}: error: ${d.message}`;
      }), places);
      assert.deepEqual(ours, nasm);
    });
  }
  it('lists only fixtures that exist', () => {
    for (const rel of Object.keys(WORDED_OTHERWISE)) assert.ok(fs.existsSync(path.join(ROOT, rel)), rel);
  });
});
