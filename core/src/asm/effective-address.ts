// A memory reference's `+`/`-` terms made into base, index, scale and displacement (NASM manual
// §3.3), for both ways a line is parsed: from its tokens (parser.ts) and from its characters
// (parse-plain.ts). The terms are gathered in scratch arrays, read by `effectiveAddress`.

import { evaluate, type Expr } from './expr';
import type { ParsedOperand, Span } from './parser';
import { lookupRegister } from '../isa/registers';
import type { RegisterInfo } from '../isa/types';

/** What `effectiveAddress` needs of the parser that read the terms. */
export interface TermReader {
  /** Ends the line's parse with a problem. */
  fail(message: string, at: Span, code?: string): never;
  /** Notes the symbols a displacement term names (a register there is a problem). */
  collectRefs(e: Expr): void;
}

/**
 * The terms of the memory reference being parsed, each with whether it is subtracted: counted,
 * not cut back, since arrays grown by push for every memory operand would be garbage made with
 * room for 16. Slots past the count hold an earlier reference's terms until overwritten.
 */
export const termExprs: Expr[] = [];
export const termNegated: boolean[] = [];

/** The registers among the terms, each once (see `effectiveAddress`), counted like the terms. */
const regs: { reg: RegisterInfo; scale: number; explicit: boolean }[] = [];

/**
 * Splits a memory reference's expression at the `+` and `-` whose sides name a register: the
 * terms put in the scratch arrays from `count` on; returns the new count. (Both parsers make the
 * same terms for the common forms without the tree.)
 */
export function splitTerms(e: Expr, neg: boolean, count: number): number {
  if (e.k === 'bin' && (e.op === '+' || e.op === '-') && (mentionsRegister(e.a) || mentionsRegister(e.b))) {
    return splitTerms(e.b, e.op === '-' ? !neg : neg, splitTerms(e.a, neg, count));
  }
  if (e.k === 'un' && (e.op === '-' || e.op === '+') && mentionsRegister(e.a)) return splitTerms(e.a, e.op === '-' ? !neg : neg, count);
  termExprs[count] = e;
  termNegated[count] = neg;
  return count + 1;
}

export function termRegister(e: Expr): RegisterInfo | undefined {
  return e.k === 'sym' && e.name.length <= 3 ? lookupRegister(e.name) : undefined;
}

export function mentionsRegister(e: Expr): boolean {
  switch (e.k) {
    case 'sym': return termRegister(e) !== undefined;
    case 'un': return mentionsRegister(e.a);
    case 'bin': return mentionsRegister(e.a) || mentionsRegister(e.b);
    default: return false;
  }
}

function constant(e: Expr): number | undefined {
  let ok = true;
  const v = evaluate(e, { symbol: () => { ok = false; return undefined; }, here: () => undefined, base: () => undefined, error: () => { ok = false; } });
  return ok ? v.v : undefined;
}

/**
 * The memory operand of the first `termCount` scratch terms, spanning columns `from` to `to`,
 * with what was written around and inside the brackets.
 */
export function effectiveAddress(p: TermReader, termCount: number, from: number, to: number, size: 8 | 16 | 32 | 48 | 64 | 80 | undefined, far: boolean, strict: boolean,
  segment: RegisterInfo | undefined, dispSize: 8 | 16 | 32 | undefined, nosplit: boolean): ParsedOperand {
  let regCount = 0;
  let disp: Expr | undefined;
  for (let n = 0; n < termCount; n++) {
    const e = termExprs[n], neg = termNegated[n];
    const r = termRegister(e);
    if (r) {
      if (neg) p.fail('invalid effective address: a register cannot be subtracted', e);
      if (r.cls !== 'gpr32' && r.cls !== 'gpr16') p.fail(`invalid effective address: \`${r.name}' cannot address memory`, e);
      regs[regCount++] = { reg: r, scale: 1, explicit: false };
      continue;
    }
    if (e.k === 'bin' && e.op === '*') {
      const ra = termRegister(e.a), rb = termRegister(e.b);
      if (ra || rb) {
        const r = (ra ?? rb)!;
        const factor = constant(ra ? e.b : e.a);
        if (neg || factor === undefined || (r.cls !== 'gpr32' && r.cls !== 'gpr16')) p.fail('invalid effective address', e);
        if (factor !== 0) regs[regCount++] = { reg: r, scale: factor, explicit: true };
        continue;
      }
    }
    if (mentionsRegister(e)) p.fail('invalid effective address', e);
    p.collectRefs(e);
    const part: Expr = neg ? { k: 'un', op: '-', a: e, start: e.start, end: e.end } : e;
    disp = disp ? { k: 'bin', op: '+', a: disp, b: part, start: disp.start, end: part.end } : part;
  }
  // Same register written twice (`[eax+eax]`, `[eax*2+eax]`) is one index with the scales added.
  for (let a = 0; a < regCount; a++) {
    for (let b = a + 1; b < regCount; b++) {
      if (regs[a].reg !== regs[b].reg) continue;
      regs[a].scale += regs[b].scale; regs[a].explicit = true;
      for (let k = b + 1; k < regCount; k++) regs[k - 1] = regs[k];
      regCount--; b--;
    }
  }
  if (regCount > 2) p.fail('invalid effective address: too many registers', { start: from, end: to });
  let base: RegisterInfo | undefined;
  let index: RegisterInfo | undefined;
  let scale = 1;
  if (regCount === 1) {
    const r = regs[0];
    if (r.scale === 1) base = r.reg;
    else { index = r.reg; scale = r.scale; }
  } else if (regCount === 2) {
    let a = regs[0], b = regs[1];
    // A scaled register must be the index; otherwise the first written is the base (nasm).
    if (a.scale !== 1 || (a.explicit && !b.explicit)) [a, b] = [b, a];
    if (a.scale !== 1) p.fail('invalid effective address: two scaled registers', { start: from, end: to });
    base = a.reg; index = b.reg; scale = b.scale;
    if (index.name === 'esp' && scale === 1) [base, index] = [index, base];
  }
  if (scale !== 1 && scale !== 2 && scale !== 4 && scale !== 8) {
    // nasm folds `[eax*3]`/`[eax*5]`/`[eax*9]` into base+index*(n-1) when there is no base.
    if (!base && index && (scale === 3 || scale === 5 || scale === 9) && !nosplit) { base = index; scale -= 1; }
    else p.fail(`invalid effective address: scale factor ${scale}`, { start: from, end: to });
  }
  if (base && index && base.bits !== index.bits) p.fail('invalid effective address: mixed 16- and 32-bit registers', { start: from, end: to });
  return {
    kind: 'mem', size, far: far || undefined, segment, base, index, scale: scale as 1 | 2 | 4 | 8, disp, dispSize,
    nosplit: nosplit || undefined, strict: strict || undefined, start: from, end: to,
  };
}
