// The recorded fixtures whose messages `ringside asm` does not print as nasm 2.16.01 does, each with
// why: the command line's message differential (test/unit/cli-messages-differential.test.ts) and
// the project-layout one (test/unit/project-layout-differential.test.ts) both hold them.

const LAYOUT = 'nasm finds this as it lays the sections out (fatal, no line, in its words); Ringside at the section';
const OWN_WORDS = 'Ringside words this error its own way, saying what is wrong and what to write';
const TAKES = 'Ringside adds to the message of a macro called with the wrong count the counts it takes `(it takes N)`';
const DIALECT = 'Ringside\'s dialect leaves out 64-bit and later instructions and registers, and says so';
const BEGINS = 'Ringside says where the block left open begins (and gives a missing `%endif` as an error where nasm gives it as fatal)';
const LATER = 'nasm stops after the pass its first error is in; Ringside also reports the errors it finds in later lines or checks';
const EVERY_NAME = 'nasm names the first undefined symbol of a statement (its evaluator stops there); Ringside names each, as the editor shows every error at once';

/** Fixtures whose recorded messages Ringside's are not, each with why (relative to the fixtures directory). */
export const MESSAGE_DIFFERENCES: Readonly<Record<string, string>> = {
  'err-align-fill.asm': OWN_WORDS, 'err-align-times.asm': OWN_WORDS, 'err-istruc-forward.asm': OWN_WORDS,
  'err-struc-no-context.asm': OWN_WORDS, 'err-struc-size-suffix-no-structure.asm': OWN_WORDS, 'err-struc-context-popped.asm': OWN_WORDS,
  'err-macro-args.asm': TAKES, 'macro-names.asm': TAKES, 'macro-trailing-empty.asm': TAKES,
  'err-outside-dialect.asm': DIALECT, 'err-dollar-register-use.asm': DIALECT, 'use-altreg-64bit.asm': DIALECT, 'err-wide-data.asm': DIALECT,
  'err-pp-cond-across-bodies.asm': BEGINS, 'err-unterminated-if.asm': BEGINS, 'err-unterminated-if-macro.asm': BEGINS,
  'err-unterminated-macro.asm': BEGINS, 'err-unterminated-rep-include.asm': BEGINS, 'err-rep-macro-left-open.asm': BEGINS,
  'err-rep-unended-in-macro.asm': 'nasm gives this as fatal; Ringside as an error (its diagnostics have no fatal severity), and stops there as nasm does',
  'err-istruc-undefined.asm': LATER,
  'err-undefined-first-only.asm': EVERY_NAME, 'err-undefined-first-critical.asm': EVERY_NAME,
  'err-special-symbol-label.asm': LATER, 'err-label-scaled.asm': LATER, 'err-seg-wrt.asm': LATER,
  'err-section-origin.asm': LAYOUT, 'err-section-follows.asm': LAYOUT, 'err-section-overlap.asm': LAYOUT, 'err-section-follows-double-equals.asm': LAYOUT,
  'err-section-origin-negative.asm': LAYOUT, 'err-section-self-follows.asm': LAYOUT,
  'err-include-self.asm': 'nasm runs out of open files in this include cycle and says so in the system\'s words; Ringside says at the same include that the file includes itself',
  'limit-macro-levels.asm': 'nasm prints a `... from macro` line for each of the 100 expansions it stopped in; Ringside the innermost call\'s',
};
