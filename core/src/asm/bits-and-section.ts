// What nasm's standard macros `__BITS__` and `__SECT__` stand for (manual §5.1), from the lines the
// preprocessor passed on: the last `bits` and section directive, unless a branch of a block the
// assembler decides set it, which only the assembler can tell.

import type { CheckCondition } from './deferred-check';
import type { DeferredIfs } from './deferred-if';
import { tokenizeLine } from './lexer';
import { tokensText } from './macros';
import { gapped, LineFlag, type PPLines, type PPToken } from './source';

/**
 * The segment size `bits` names, read as nasm reads it, as C's atoi: a sign and the leading
 * decimal digits of the argument's text (`bits +16` and `bits 32d` are 16 and 32, `bits 0x20` 0);
 * NaN when it starts with neither.
 */
export function segmentSize(args: readonly PPToken[]): number {
  return parseInt(tokensText(args), 10);
}

export class BitsAndSection {
  /** `bits` as last set by a `bits`/`use16`/`use32` line, for `__BITS__`. */
  bits = 16;
  /**
   * The `%if` handed to the assembler whose branch set `bits`, or held a `section` line, since the
   * last such line outside one: `__BITS__`, `__SECT__` then depend on the branch taken.
   */
  bitsUnknownAfter: CheckCondition | undefined;
  sectUnknownAfter: CheckCondition | undefined;
  /** `__SECT__`'s tokens (see `section`), and the output lines read for them so far. */
  private sect: readonly PPToken[] = tokenizeLine('[section .text]');
  private sectScanned = 0;
  /** The first of the checks handed on that may hold output lines from `sectScanned` on. */
  private sectCheck = 0;

  constructor(private readonly deferred: DeferredIfs) {}

  /** Notes `bits N` / `[bits N]` / `use16` / `use32` for `__BITS__` (nasm defines `bits` as a macro that sets it). */
  trackBits(toks: readonly PPToken[]): void {
    let i = toks[0]?.text === '[' ? 1 : 0;
    // After a label, `foo: bits 32` or `foo bits 32`, nasm's preprocessor calls the macro too
    // (measured with nasm 2.16.01: `__?BITS?__` is 32 after either, and after `mov bits 32`).
    if (i === 0 && toks.length > 1 && toks[0].kind === 'ident') i = toks[1].text === ':' ? 2 : toks[1].kind === 'ident' && SIZE_WORDS.has(toks[1].text.toLowerCase()) ? 1 : 0;
    const t = toks[i];
    if (t === undefined || t.kind !== 'ident' || t.text.length < 4 || t.text.length > 5) return;
    const w = t.text.toLowerCase();
    // (`use16 nop` calls no macro: nasm's `use16` takes no parameters, and the word is a label.)
    let n = (w === 'use16' || w === 'use32') && (toks.length === i + 1 || toks[i + 1].text === ']') ? (w === 'use16' ? 16 : 32) : NaN;
    if (w === 'bits') {
      // As the assembler reads it (C's atoi: `bits +16`, `bits 32d`).
      const end = toks[toks.length - 1]?.text === ']' && toks[0].text === '[' ? toks.length - 1 : toks.length;
      n = segmentSize(toks.slice(i + 1, end));
    }
    if (n !== 16 && n !== 32 && n !== 64) return;
    // In a block the assembler decides, the branch taken sets it (see bitsUnknownAfter).
    if (this.deferred.open !== undefined) { this.bitsUnknownAfter = this.deferred.open.first; return; }
    this.bits = n;
    this.bitsUnknownAfter = undefined;
  }

  /**
   * What `__SECT__` stands for: the primitive form of the last `section`, `segment` or `absolute`
   * directive written without brackets (in nasm those are standard macros that define `__SECT__`
   * as `[section ARGS]`, the word in lower case, and then expand it; the bracketed forms leave it
   * alone), `[section .text]` before any. Found from the lines emitted so far, read once each. One
   * in a block the assembler decides leaves it to the branch taken (`sectUnknownAfter`). `out`: the
   * preprocessor's output so far.
   */
  section(out: PPLines): readonly PPToken[] {
    const open = this.deferred.outermost();
    const end = open !== undefined ? open.first.outputLine : out.count;
    for (; this.sectScanned < end; this.sectScanned++) {
      const i = this.sectScanned;
      const sect = sectionAt(out, i);
      if (sect === undefined) continue;
      const checks = this.deferred.checks;
      while (this.sectCheck < checks.length && checks[this.sectCheck].outputLine <= i) this.sectCheck++;
      const c = checks[this.sectCheck];
      if (c !== undefined && c.startLine <= i) this.sectUnknownAfter = c.branches[0].condition;
      else { this.sect = sect; this.sectUnknownAfter = undefined; }
    }
    if (open !== undefined && this.sectUnknownAfter === undefined) {
      for (let i = end; i < out.count; i++) if (sectionAt(out, i) !== undefined) return (this.sectUnknownAfter = open.first, this.sect);
    }
    return this.sect;
  }
}

/** `__SECT__` as output line `i` of `out` sets it, if it is a `section`, `segment` or `absolute` line (see BitsAndSection.section). */
export function sectionAt(out: PPLines, i: number): readonly PPToken[] | undefined {
  // Any line counts, an included file's or a macro's too (fixture sect-nested).
  if ((out.flags[i] & LineFlag.ListOnly) !== 0) return undefined;
  return sectionOf(out.tokensOf(i));
}

/** `__SECT__` as a line of tokens `toks` sets it, if it is a `section`, `segment` or `absolute` line. */
export function sectionOf(toks: readonly PPToken[]): readonly PPToken[] | undefined {
  const first = toks[0];
  if (first === undefined || first.kind !== 'ident' || first.text.length < 7 || first.text.length > 8) return undefined;
  const word = first.text.toLowerCase();
  if (word !== 'section' && word !== 'segment' && word !== 'absolute') return undefined;
  if (toks.length < 2) return undefined;
  // nasm's `%define __?SECT?__ [section %1]`: blanks between the word and the arguments only.
  const open: PPToken = { kind: 'op', text: '[', start: 0, end: 0, gap: false };
  const close: PPToken = { kind: 'op', text: ']', start: 0, end: 0, gap: false };
  return [open, { ...first, text: word, gap: false }, gapped(toks[1], true), ...toks.slice(2), close];
}

/** The standard macros that set `__?BITS?__` (see BitsAndSection.trackBits). */
const SIZE_WORDS: ReadonlySet<string> = new Set(['bits', 'use16', 'use32']);
