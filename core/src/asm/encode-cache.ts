// Memory of encodings between passes, so a pass re-encodes only what can have changed: an
// instruction whose operands are all numbers is encoded once (and shared by every statement with
// the same text); one that uses symbols is re-encoded only when its operand values change.

import { constantOf, type Expr } from './expr';
import { foldExpr, type ExprFold } from './expr-walk';
import type { ParsedOperand, ParsedStatement } from './parser';
import type { AsmOperand, EncodeResult, OperandValue } from '../isa/operands';

/**
 * How a statement's encoding is found. Own: made for this assembly alone, as dynamic ones are but
 * never by value or kept on the statement, which every assembly shares (an assembly at -O0 or
 * -O1, whose encodings are not -Ox's).
 */
export const enum Encoding { Unknown, Static, Dynamic, Own }

export class EncodeCache {
  /** Per statement: whether its encoding can depend on symbol values or its own address. */
  readonly kind: Uint8Array;
  /** Per statement: `bits` of the cached encoding. */
  readonly bits: Uint8Array;
  readonly result: (EncodeResult | undefined)[];
  /**
   * Dynamic statements encoded the general way: the inputs the cached encoding was made from
   * (see `operandKey`). Made on first use, like `data`: most files need neither.
   */
  key: (string | undefined)[] | undefined;
  /** Data directives whose items are all constants: the bytes of one repetition. */
  data: (Uint8Array | undefined)[] | undefined;
  /**
   * Static encodings by statement text (`bits 16`, `bits 32`), shared between statements that are
   * not one object already (see Assembler.staticKey).
   */
  readonly byText16: Map<string, EncodeResult>;
  readonly byText32: Map<string, EncodeResult>;
  /** Symbol-dependent encodings by mnemonic, prefixes and `operandKey`, shared between statements. */
  readonly shared: Map<string, EncodeResult>;
  /** Encodings of lines with one value (ParsedStatement.valueOperand), by `valueShape` and `oneValueKey` (`bits 16`, `bits 32`). */
  readonly byValue16: Map<string, ByValue>;
  readonly byValue32: Map<string, ByValue>;

  private readonly count: number;

  /** `shared`: the maps kept across assemblies are used (else this assembly's own, new ones). */
  constructor(count: number, shared = true) {
    this.kind = new Uint8Array(count);
    this.bits = new Uint8Array(count);
    // Holes read as undefined; filling them would touch every slot before the first pass does.
    this.result = new Array<EncodeResult | undefined>(count);
    this.count = count;
    if (kept.byText16.size + kept.byText32.size + kept.shared.size + kept.byValueCount > MAX_KEPT) kept = newKept();
    const maps = shared ? kept : newKept();
    this.byText16 = maps.byText16;
    this.byText32 = maps.byText32;
    this.shared = maps.shared;
    this.byValue16 = maps.byValue16;
    this.byValue32 = maps.byValue32;
  }

  keys(): (string | undefined)[] {
    return (this.key ??= new Array<string | undefined>(this.count));
  }

  dataBytes(): (Uint8Array | undefined)[] {
    return (this.data ??= new Array<Uint8Array | undefined>(this.count));
  }

  /** Keeps `r` for a one-value line (`rel`: r's branch operand, or -1) when its key can be made. */
  keepByValue(byShape: Map<string, ByValue>, shape: string, operand: number, rel: number, v: number | undefined, sec: number, section: number, address: number, r: EncodeResult): void {
    let entry = byShape.get(shape);
    if (entry === undefined) {
      entry = { relative: rel === operand, encodings: new Map() };
      byShape.set(shape, entry);
    } else if (entry.relative !== (rel === operand)) return;
    const key = oneValueKey(entry.relative && v !== undefined ? v - address : v, sec, section);
    if (key === undefined) return;
    if (!entry.encodings.has(key)) kept.byValueCount++;
    entry.encodings.set(key, r);
  }
}

/**
 * The shared maps outlive one assembly: an encoding is a function of its key alone, and the
 * language server re-assembles a file after every edit, mostly unchanged.
 */
interface Kept {
  readonly byText16: Map<string, EncodeResult>;
  readonly byText32: Map<string, EncodeResult>;
  readonly shared: Map<string, EncodeResult>;
  readonly byValue16: Map<string, ByValue>;
  readonly byValue32: Map<string, ByValue>;
  byValueCount: number;
}

/**
 * The encodings of one statement shape whose only input is one value: by `oneValueKey`. The
 * shape fixes everything else the encoder reads (mnemonic, prefixes, registers, sizes); the value
 * counts as a distance from the instruction when it is the target of a relative branch.
 */
export interface ByValue {
  readonly relative: boolean;
  readonly encodings: Map<number, EncodeResult>;
}

/** Values beyond this take the general path (keys stay exact doubles). */
const MAX_KEYED_VALUE = 2 ** 40;
/** Keys of values not yet known (a forward label in the first pass): above every known value's. */
const UNKNOWN_KEY = 2 ** 44;

/**
 * One number for a value (undefined: not known yet) and how it relates to the instruction's
 * section (`section`, -1 in absolute space): a label of the section; a number; a label elsewhere;
 * a number in absolute space, which is no label's (`[ebx+6]` there may take a byte, `[ebx+x]` with
 * x at 6 in a section may not: nasm gives a label four). What `operandKey` records for a single
 * operand. Undefined when the value is too large to key.
 */
export function oneValueKey(v: number | undefined, sec: number, section: number): number | undefined {
  const relation = sec < 0 ? (section < 0 ? 3 : 0) : sec === section ? 1 : 2;
  if (v === undefined) return UNKNOWN_KEY + relation;
  if (!Number.isInteger(v) || v >= MAX_KEYED_VALUE || v <= -MAX_KEYED_VALUE) return undefined;
  return v * 4 + relation;
}

/** Entries kept across assemblies; past this the maps start over (a memory bound). */
const MAX_KEPT = 1 << 18;

function newKept(): Kept {
  return { byText16: new Map(), byText32: new Map(), shared: new Map(), byValue16: new Map(), byValue32: new Map(), byValueCount: 0 };
}

let kept = newKept();

/** Forgets every encoding kept across assemblies (see `forgetCaches` in index.ts). */
export function forgetEncodings(): void {
  kept = newKept();
}

/**
 * What the encoding of a statement with one value (ParsedStatement.valueOperand) depends on
 * besides that value and `bits`: mnemonic, prefixes and every operand but the value itself. Lines
 * of different texts share it (`jmp block_1`, `jmp block_2`, `call f` wherever written), so one
 * encoding serves every branch over the same distance.
 */
export function valueShape(st: ParsedStatement): string {
  if (st.valueShape !== undefined) return st.valueShape;
  const plain = isPlainTarget(st);
  let k = plain ? plainShapes.get(st.op!.name) : undefined;
  if (k === undefined) {
    k = shapeOf(st);
    if (plain) plainShapes.set(st.op!.name, k);
  }
  return (st.valueShape = k);
}

/**
 * The shapes of statements that are a mnemonic and one plain value (`jmp x`, `call f`, `push n`),
 * by mnemonic: most one-value lines, made once rather than once per line.
 */
const plainShapes = new Map<string, string>();

function isPlainTarget(st: ParsedStatement): boolean {
  if (st.prefixes.length !== 0 || st.operands.length !== 1) return false;
  const o = st.operands[0];
  return o.kind === 'imm' && o.size === undefined && o.strict !== true && o.jump === undefined;
}

function shapeOf(st: ParsedStatement): string {
  let k = st.op!.name;
  for (const p of st.prefixes) k += ' ' + p.name;
  for (const o of st.operands) {
    switch (o.kind) {
      case 'reg': k += `|r${o.reg.name}`; break;
      case 'imm': k += `|i${o.size ?? ''},${o.strict ? 1 : 0},${o.jump ?? ''}`; break;
      case 'mem':
        k += `|m${o.size ?? ''},${o.far ? 1 : o.jump ?? 0},${o.segment?.name ?? ''},${o.base?.name ?? ''},${o.index?.name ?? ''},${o.scale},${o.disp === undefined ? 0 : 1},${o.dispSize ?? ''},${(o.nosplit ? 1 : 0) + (o.rel ? 2 : 0) + (o.byteWritten ? 4 : 0)}`;
        break;
      // A far pointer holds two values: never part of a one-value statement (see valueOperand).
      case 'farptr': k += '|f'; break;
    }
  }
  return k;
}

/**
 * True when an expression is made of numbers only (no symbol, `$` or `$$`) and evaluates without
 * error. A static statement is evaluated once, in a pass that reports nothing, so one whose
 * evaluation fails (`dd 1/0`) must stay dynamic for the final pass to report it.
 */
export function isStaticExpr(e: Expr): boolean {
  return foldExpr(e, STATIC);
}

const STATIC: ExprFold<boolean> = {
  leaf: (x) => x.k === 'num',
  // (`__?ilog2e?__` and `__?ilog2w?__` report a value that is no power of two.)
  unary: (x, a) => a && x.op !== 'ilog2e' && x.op !== 'ilog2w',
  // (`5 wrt 3`: the segment is judged in the final pass, see withRespectTo.)
  binary: (x, a, b) => a && b && x.op !== 'wrt' && !(DIVISIONS.has(x.op) && isZero(x.b)),
};

const DIVISIONS = new Set(['/', '//', '%', '%%']);

/** A static divisor's value is zero (the only error a static expression can have). */
function isZero(e: Expr): boolean {
  if (e.k === 'num') return e.v === 0 && e.big === undefined;
  return constantOf(e) === 0;
}

export function isStaticOperand(o: ParsedOperand): boolean {
  // (Decorators make the line an error, whatever its operands: see the assembler's decoratedMatch.)
  if (o.decorated !== undefined) return false;
  switch (o.kind) {
    case 'reg': return true;
    case 'imm': return isStaticExpr(o.expr);
    case 'mem': return o.terms === undefined && (o.disp === undefined || isStaticExpr(o.disp));
    case 'farptr': return isStaticExpr(o.selector) && isStaticExpr(o.offset);
  }
}

/**
 * The inputs an encoding depends on, as a string: every operand's evaluated value, whether it is
 * a label and whether it lies in the instruction's own section. The encoder reads the
 * instruction's address only for a relative branch target (operand `relative`), whose bytes
 * depend only on the distance, so that operand contributes `target - address` instead.
 */
export function operandKey(operands: readonly AsmOperand[], bits: number, section: number, address: number, relative: number): string {
  let k = String(bits);
  for (let i = 0; i < operands.length; i++) {
    const o = operands[i];
    switch (o.kind) {
      case 'reg': k += `|r${o.reg}`; break;
      case 'imm':
        k += `|i${o.size ?? ''},${o.strict ? 1 : 0},${o.jump ?? ''},`;
        // (nasm's unknown for good: a branch to it depends on its own address.)
        if (o.unknown === true) k += `u${address}`;
        else k += i === relative && o.value !== undefined ? `@${o.value - address},${o.reloc ? 1 : 0},${(o.reloc ? o.section : -1) === section ? 1 : 0}` : valueKey(o, section);
        break;
      case 'mem':
        k += `|m${o.size ?? ''},${o.far ? 1 : o.jump ?? 0},${o.segment ?? ''},${o.base ?? ''},${o.index ?? ''},${o.scale},${o.hasDisp ? 1 : 0},${o.dispSize ?? ''},${(o.nosplit ? 1 : 0) + (o.rel ? 2 : 0) + (o.byteWritten ? 4 : 0)},${o.addressSize},${valueKey(o.disp, section)}${o.disp.written === undefined ? '' : `,w${o.disp.written}`}`;
        break;
      case 'farptr':
        k += `|f${o.size ?? ''},${valueKey(o.selector, section)},${valueKey(o.offset, section)}`;
        break;
    }
  }
  return k;
}

function valueKey(v: OperandValue, section: number): string {
  return `${v.value ?? '?'},${v.reloc ? 1 : 0},${v.section === undefined ? '' : v.section === section ? 's' : 'o'}`;
}
