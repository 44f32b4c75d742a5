// A line's parse under another non-local label, made from its parse under the first one: a line
// naming `.local` labels (`jne .next`, `.next:`) recurs under many labels, and differs between
// them only in the names that `.x` becomes (manual §3.9), so only those are made again. Most
// such lines are not copied but share one statement, made here under no label (see
// sharedStatement in parser.ts); the others (data, `times`, `at`, ...) get a copy per label.

import { valueShape } from './encode-cache';
import { isLocalName, qualifyName, type Expr } from './expr';
import { operandValue, type DataItem, type ParsedOperand, type ParsedStatement } from './parser';
import type { PPToken } from './source';

/**
 * `st`, parsed from `tokens` (a line's own tokens), as parsed under `base` instead: objects that
 * hold no local name are shared with `st`, the others are made again. Only for statements whose
 * parse does not set the base itself (no non-local label, not `struc`): their names all hang
 * from the base the line is read under.
 */
export function rebaseStatement(st: ParsedStatement, tokens: readonly PPToken[], base: string | undefined): ParsedStatement {
  const label = st.label === undefined ? undefined : { ...st.label, name: qualify(st.label.short, base), parent: base };
  const times = st.times === undefined ? undefined : rebaseExpr(st.times, tokens, base);
  const operands = rebaseEach(st.operands, rebaseOperand, tokens, base);
  const data = rebaseData(st.data, tokens, base);
  // `at .x, ...` names a field of the `istruc`'s structure, whatever label the line is under: its
  // field is read with no base (LineParser.atField) and qualified by the assembler.
  const fieldLocal = st.at !== undefined && isLocalName(identAt(tokens, st.at.start)?.text);
  let refs = st.refs;
  if (refs.length > 0) {
    const own: ParsedStatement['refs'][number][] = new Array(refs.length);
    for (let n = 0; n < refs.length; n++) {
      const r = refs[n], t = identAt(tokens, r.start);
      const inField = fieldLocal && r.start >= st.at!.start && r.end <= st.at!.end;
      own[n] = { name: t === undefined || inField ? r.name : qualify(t.text, base), start: r.start, end: r.end, src: r.src, at: r.at };
    }
    refs = own;
  }
  // Every copy of a one-value line has the same shape (names are not part of it): made once
  // here, not once per copy in the first pass.
  const shape = st.valueOperand >= 0 ? valueShape(st) : st.valueShape;
  // Property order as in LineParser.finish (the same object layout).
  const out: ParsedStatement = {
    kind: st.kind, label, times, size16: -1, size32: -1, staticOperands: st.staticOperands, enc16: undefined, enc32: undefined,
    valueOperand: st.valueOperand, value: operandValue(operands, st.valueOperand),
    values16: undefined, values32: undefined,
    prefixes: st.prefixes, op: st.op, operands, data, args: st.args, localBase: base, refs, opIndex: st.opIndex, valueShape: shape,
  };
  // (With its atText mark: a field that is no expression alone, `at .x-`, is read as nasm's macro
  // pastes it under every label; the copy had dropped the mark and read it as the number 0.)
  const placed = st.at === undefined ? out : { ...out, at: fieldLocal ? st.at : rebaseExpr(st.at, tokens, base), ...(st.atText ? { atText: true as const } : {}) };
  // An `align`'s fill (`align 8, jmp .next`) is a statement of the same line: its names too (it
  // had been left out of the copy, and the align padded with NOPs).
  return st.fill === undefined ? placed : { ...placed, fill: rebaseStatement(st.fill, tokens, base) };
}

/** Data items with their names qualified under `base`; `items` itself when none changes. */
function rebaseData(items: readonly DataItem[], tokens: readonly PPToken[], base: string | undefined): readonly DataItem[] {
  return rebaseEach(items, rebaseItem, tokens, base);
}

function rebaseItem(d: DataItem, tokens: readonly PPToken[], base: string | undefined): DataItem {
  if (d.kind === 'expr') {
    const expr = rebaseExpr(d.expr, tokens, base);
    return expr === d.expr ? d : { kind: 'expr', expr, start: d.start, end: d.end };
  }
  if (d.kind !== 'group') return d;
  const counts = rebaseEach(d.counts, rebaseExpr, tokens, base);
  const inner = rebaseData(d.items, tokens, base);
  return counts === d.counts && inner === d.items ? d : { ...d, counts, items: inner };
}

/**
 * `items` each rebased by `rebase`; `items` itself when none changes, else a copy made at the first
 * change (a line's parse under another label shares every object that names no `.local` label).
 */
function rebaseEach<T>(items: readonly T[], rebase: (item: T, tokens: readonly PPToken[], base: string | undefined) => T, tokens: readonly PPToken[], base: string | undefined): readonly T[] {
  let out = items;
  for (let n = 0; n < items.length; n++) {
    const item = rebase(items[n], tokens, base);
    if (item === items[n]) continue;
    if (out === items) out = items.slice();
    (out as T[])[n] = item;
  }
  return out;
}

function rebaseOperand(o: ParsedOperand, tokens: readonly PPToken[], base: string | undefined): ParsedOperand {
  switch (o.kind) {
    case 'reg': return o;
    case 'imm': {
      const expr = rebaseExpr(o.expr, tokens, base);
      return expr === o.expr ? o : { ...o, expr };
    }
    case 'mem': {
      const disp = o.disp === undefined ? undefined : rebaseExpr(o.disp, tokens, base);
      const terms = o.terms === undefined ? undefined : rebaseExpr(o.terms, tokens, base);
      return disp === o.disp && terms === o.terms ? o : { ...o, disp, terms };
    }
    case 'farptr': {
      const selector = rebaseExpr(o.selector, tokens, base), offset = rebaseExpr(o.offset, tokens, base);
      return selector === o.selector && offset === o.offset ? o : { ...o, selector, offset };
    }
  }
}

/** `e` with its names qualified under `base`; `e` itself when none changes. */
function rebaseExpr(e: Expr, tokens: readonly PPToken[], base: string | undefined): Expr {
  switch (e.k) {
    case 'sym': {
      // (A name read from a rescanned string, `dw -'Q'`, is no token of the line's: see LineParser.dataList.)
      const t = tokens[e.tok];
      if (t === undefined || t.start !== e.start) return e;
      const name = qualify(t.text, base);
      return name === e.name ? e : { k: 'sym', name, start: e.start, end: e.end, tok: e.tok };
    }
    case 'un': {
      if (e.a.k === 'un' && e.a.a.k === 'un') return rebaseChain(e, tokens, base);
      const a = rebaseExpr(e.a, tokens, base);
      return a === e.a ? e : { k: 'un', op: e.op, a, start: e.start, end: e.end };
    }
    case 'bin': {
      if (e.a.k === 'bin' && e.a.a.k === 'bin') return rebaseChain(e, tokens, base);
      const a = rebaseExpr(e.a, tokens, base), b = rebaseExpr(e.b, tokens, base);
      return a === e.a && b === e.b ? e : { k: 'bin', op: e.op, a, b, start: e.start, end: e.end };
    }
    default: return e;
  }
}

/**
 * rebaseExpr of `e` and the chain of left (or only) operands below it, taken in a loop in rebaseExpr's
 * order: a chain as long as nasm allows (8,191 operators) is deeper than the host's stack (see
 * evaluateChain in expr.ts).
 */
function rebaseChain(e: Expr & { k: 'bin' | 'un' }, tokens: readonly PPToken[], base: string | undefined): Expr {
  const spine: (Expr & { k: 'bin' | 'un' })[] = [];
  let x: Expr = e;
  while (x.k === 'bin' || x.k === 'un') { spine.push(x); x = x.a; }
  let a = rebaseExpr(x, tokens, base);
  for (let i = spine.length - 1; i >= 0; i--) {
    const n = spine[i];
    if (n.k === 'un') { a = a === n.a ? n : { k: 'un', op: n.op, a, start: n.start, end: n.end }; continue; }
    const b = rebaseExpr(n.b, tokens, base);
    a = a === n.a && b === n.b ? n : { k: 'bin', op: n.op, a, b, start: n.start, end: n.end };
  }
  return a;
}

/** The last name qualified, and what from. */
let lastWritten = '';
let lastBase: string | undefined;
let lastName = '';

/**
 * `qualifyName`, giving the same string for the same name twice in a row: a line's local name
 * is qualified for its expression and again for its reference, and the statement keeps both;
 * and a `.x:` line often follows the line jumping to it (`jne .x`) with no other local name
 * between, so the label and its uses share one string (hashed once by the symbol table).
 */
function qualify(written: string, base: string | undefined): string {
  if (written !== lastWritten || base !== lastBase) {
    lastName = qualifyName(written, base);
    lastWritten = written;
    lastBase = base;
  }
  return lastName;
}

/** The identifier token starting at column `start` (a line's own tokens have distinct columns). */
function identAt(tokens: readonly PPToken[], start: number): PPToken | undefined {
  for (const t of tokens) if (t.start === start) return t.kind === 'ident' ? t : undefined;
  return undefined;
}
