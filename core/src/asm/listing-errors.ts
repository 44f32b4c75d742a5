// Which errors leave nasm's listing written (NASM 2.16.01, measured): those it reports in its final
// pass alone. An error of an earlier pass (a parser error, a value it needs in its first pass, ...)
// stops nasm before the pass that lists, and it writes no listing.

import type { Diagnostic, ListingLine } from './api';

/**
 * An error nasm reports only in its final pass, and whether it then drops the statement (its line
 * is listed with no data) or puts it out as it would have (its data listed). Each was measured with
 * `nasm -l` on the fixtures of test/fixtures/nasm/asm/err-*.asm (listing-differential.test.ts).
 */
interface FinalPassError {
  readonly code: string;
  readonly message: RegExp;
  readonly dropsStatement: boolean;
  /** A statement it drops is listed with its data all the same (nasm listed it before it failed to put it out). */
  readonly listsDropped?: true;
  /** Given once the listing is written (nasm's output format lays the sections out as it writes them): not in it. */
  readonly afterListing?: true;
}

const FINAL_PASS_ERRORS: readonly FinalPassError[] = [
  { code: 'undefined-symbol', message: /^symbol `[^']*' not defined$/, dropsStatement: true },
  { code: 'invalid-operands', message: /^(invalid combination of opcode and operands|unsupported mode decorator for instruction|(mask|broadcast) not permitted on this operand|register set not valid for operand)$/, dropsStatement: true },
  // `mov eax, ebx+2`: nasm's parser reads the register alone on, and puts the instruction out.
  { code: 'invalid-operands', message: /^invalid register set size$/, dropsStatement: false },
  { code: 'operand-size', message: /^(mismatch in operand sizes|operation size not specified)$/, dropsStatement: true },
  { code: 'encode', message: /^(no instruction for this cpu level|instruction not supported in \d+-bit mode)$/, dropsStatement: true },
  { code: 'encode', message: /^repne prefix is not allowed$/, dropsStatement: false },
  // Data or code in absolute space: listed, once for each call of nasm's output routine (see copies).
  { code: 'absolute-data', message: /^attempt to assemble code in \[ABSOLUTE\] space$/, dropsStatement: false },
  // `jmp far 5`: put out, its selector a segment there is none of (listed `[ssss]`).
  { code: 'far-segment', message: /^(value referenced by FAR is not relocatable|binary output format does not support segment base references)$/, dropsStatement: false },
  // `jmp -x`: put out, in its near form; given as each copy of a `times` is put out (see copies).
  { code: 'self-relative', message: /^invalid use of self-relative expression$/, dropsStatement: false },
  // `dd x wrt 3`: put out, the bin format refusing the segment as it is; `dd x wrt x`: dropped as it is read.
  { code: 'wrt', message: /^WRT not supported by binary output format$/, dropsStatement: false },
  { code: 'wrt-operand', message: /^invalid right-hand operand to WRT$/, dropsStatement: true },
  // `dd a`, `jmp a` (extern a): put out, relocatable in the external name's segment (listed `[00000000]`, `(00000000)`).
  { code: 'extern', message: /^binary output format does not support external references$/, dropsStatement: false },
  // (Put out with the displacement cut to a byte.)
  { code: 'out-of-range', message: /^short jump is out of range$/, dropsStatement: false },
  // `%error` (and `%warning` made an error): nasm's preprocessor gives them in its final pass only.
  { code: 'user-error', message: /^/, dropsStatement: false },
  { code: 'user-warning', message: /^/, dropsStatement: false },
  // `dd 9x1.5`: put out as a quiet NaN (see FloatProblem).
  { code: 'float-significand', message: /^invalid character in floating-point constant significand/, dropsStatement: false },
  // An integer as data wider than 64 bits (`dt 1`, `dq tword 1`): the item is put out as nothing.
  { code: 'integer-size', message: /^integer supplied as \d+-bit data$/, dropsStatement: false },
  // (nasm's parser reports it in its final pass only, and puts the statement out no times.)
  { code: 'times-negative', message: /^TIMES value -\d+ is negative$/, dropsStatement: false },
  // `incbin` at a negative offset: listed `<bin N>` (the room nasm's first passes counted), nothing put out.
  { code: 'incbin', message: /^`incbin': unable to seek on file `[^']*'$/, dropsStatement: true, listsDropped: true },
  // The sections laid out (nasm's fatal errors of its bin format: `section .text begins before program origin`).
  { code: 'section-layout', message: /^/, dropsStatement: false, afterListing: true },
  // A label the final pass put elsewhere than the pass before (a `%arg` frame carried from pass to
  // pass: see preprocessorRuns in index.ts), an error by default.
  { code: 'label-redef-late', message: /^label `[^']*' changed during code generation$/, dropsStatement: false },
  // A value out of a data item's range made an error (-Werror, `[warning +error=number-overflow]`).
  { code: 'data-overflow', message: /^/, dropsStatement: false },
];

function finalPassError(d: Pick<Diagnostic, 'code' | 'message' | 'warningClass'>): FinalPassError | undefined {
  // (A warning the preprocessor gives as it reads, made an error, is one of nasm's first pass: err-smacro-param-mix.asm.)
  return FINAL_PASS_ERRORS.find((e) => e.code === d.code && e.message.test(d.message));
}

/** Whether error `d` is one nasm gives in its final pass alone (any other stops it after an earlier pass). */
export function givenInFinalPass(d: Diagnostic): boolean {
  return finalPassError(d) !== undefined;
}

/** Whether nasm reaches its final pass, and writes its listing, despite `diagnostics`: each error is one it reports only there. */
export function onlyFinalPassErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.every((d) => d.severity !== 'error' || finalPassError(d) !== undefined);
}

/**
 * Whether the listing of an assembly with errors is written: when nasm writes its own (see
 * onlyFinalPassErrors) and `listing` is as nasm's, no line's data in doubt (see
 * ListingLine.afterDropped). (Such a listing is left unwritten rather than written wrong.)
 */
export function listedDespiteErrors(diagnostics: readonly Diagnostic[], listing: () => readonly ListingLine[]): boolean {
  return onlyFinalPassErrors(diagnostics) && !listing().some((l) => l.afterDropped === true);
}

/** Whether nasm put out nothing for the statement of error `d`: its line listed without the statement's data (but see listsDropped). */
export function dropsStatement(d: Diagnostic): boolean {
  return d.severity === 'error' && finalPassError(d)?.dropsStatement === true;
}

/** Whether nasm lists the data of the statement error `d` dropped (see FinalPassError.listsDropped). */
export function listsDropped(d: Diagnostic): boolean {
  return d.severity === 'error' && finalPassError(d)?.listsDropped === true;
}

/** Whether nasm lists message `d` (an error its output format gives after the listing is written is not). */
export function listsMessage(d: Diagnostic): boolean {
  return d.severity !== 'error' || finalPassError(d)?.afterListing !== true;
}
