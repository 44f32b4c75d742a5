// Expressions (NASM manual §3.5): parsed once from tokens into a small tree, evaluated every pass.
// Values are 64-bit integers (held as JS numbers; exact up to 2^53) that are either absolute or
// relative to a section; the difference of two labels in one section is absolute, as in nasm.

import type { Token } from './lexer';
import { parseNumber } from './numbers';
import { decodeString, stringValue } from './strings';

export type Expr =
  | { readonly k: 'num'; readonly v: number; readonly start: number; readonly end: number }
  | { readonly k: 'sym'; readonly name: string; readonly start: number; readonly end: number; readonly tok: number }
  | { readonly k: 'here' | 'base'; readonly start: number; readonly end: number }
  | { readonly k: 'un'; readonly op: string; readonly a: Expr; readonly start: number; readonly end: number }
  | { readonly k: 'bin'; readonly op: string; readonly a: Expr; readonly b: Expr; readonly start: number; readonly end: number };

/** An evaluated value. `v` undefined: a symbol is not known (yet). `sec` -1: absolute, else the section. */
export interface Value {
  v: number | undefined;
  sec: number;
}

export interface EvalContext {
  /** A symbol's value, or undefined when it is not defined (yet). */
  symbol(name: string, node: Expr): Value | undefined;
  /** `$` and `$$`; undefined outside the assembler (preprocessor %if). */
  here(): Value | undefined;
  base(): Value | undefined;
  /** Reports a problem at a node; evaluation continues with an unknown value. */
  error(message: string, node: Expr): void;
}

export interface ParseError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** Binary operator precedence, lowest first (manual §3.5 plus the %if operators of §4.4). */
const PRECEDENCE: Record<string, number> = {
  '||': 1, '^^': 2, '&&': 3,
  '=': 4, '==': 4, '!=': 4, '<>': 4, '<': 4, '>': 4, '<=': 4, '>=': 4,
  '|': 5, '^': 6, '&': 7, '<<': 8, '>>': 8, '+': 9, '-': 9,
  '*': 10, '/': 10, '//': 10, '%': 10, '%%': 10,
};

/**
 * Recursive-descent expression parser over a token slice. `localBase` turns `.x` into `parent.x`.
 * Stops at the first token that cannot continue the expression; the caller checks `pos`.
 */
export class ExprParser {
  pos: number;
  error: ParseError | undefined;

  constructor(private readonly tokens: readonly Token[], start: number, private readonly end: number, private readonly localBase: string | undefined) {
    this.pos = start;
  }

  parse(): Expr | undefined {
    const e = this.binary(1);
    return this.error ? undefined : e;
  }

  private peek(): Token | undefined {
    return this.pos < this.end ? this.tokens[this.pos] : undefined;
  }

  private fail(message: string, t: Token | undefined): undefined {
    if (!this.error) {
      const last = this.tokens[this.end - 1];
      this.error = t ? { message, start: t.start, end: t.end } : { message, start: last ? last.end : 0, end: last ? last.end : 0 };
    }
    return undefined;
  }

  private binary(minPrec: number): Expr | undefined {
    let left = this.unary();
    if (!left) return undefined;
    for (;;) {
      const t = this.peek();
      if (!t || t.kind !== 'op') return left;
      const prec = PRECEDENCE[t.text];
      if (prec === undefined || prec < minPrec) return left;
      this.pos++;
      const right = this.binary(prec + 1);
      if (!right) return undefined;
      left = { k: 'bin', op: t.text, a: left, b: right, start: left.start, end: right.end };
    }
  }

  private unary(): Expr | undefined {
    const t = this.peek();
    if (!t) return this.fail('expression syntax error', t);
    if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!')) {
      this.pos++;
      const a = this.unary();
      if (!a) return undefined;
      return { k: 'un', op: t.text, a, start: t.start, end: a.end };
    }
    return this.primary();
  }

  private primary(): Expr | undefined {
    const t = this.peek();
    if (!t) return this.fail('expression syntax error', t);
    this.pos++;
    switch (t.kind) {
      case 'number': {
        const v = parseNumber(t.text);
        if (v === undefined) return this.fail(`invalid number \`${t.text}'`, t);
        return { k: 'num', v, start: t.start, end: t.end };
      }
      case 'string': {
        const bytes = decodeString(t.text);
        if (!bytes) return this.fail('invalid escape in string', t);
        if (bytes.length > 8) return this.fail('character constant too long', t);
        return { k: 'num', v: stringValue(bytes), start: t.start, end: t.end };
      }
      case 'here':
        return { k: t.text === '$' ? 'here' : 'base', start: t.start, end: t.end };
      case 'ident': {
        const name = qualifyName(t.text, this.localBase);
        return { k: 'sym', name, start: t.start, end: t.end, tok: this.pos - 1 };
      }
      case 'op':
        if (t.text === '(') {
          const e = this.binary(1);
          if (!e) return undefined;
          const close = this.peek();
          if (!close || close.text !== ')') return this.fail('expecting `)\'', close);
          this.pos++;
          return e;
        }
        break;
      default:
        break;
    }
    return this.fail('expression syntax error', t);
  }
}

/** `.x` after label `p` is `p.x`; `..@x` and `..start` stay global (manual §3.9). */
export function qualifyName(name: string, localBase: string | undefined): string {
  if (name.charCodeAt(0) === 0x24) name = name.slice(1);
  if (name.charCodeAt(0) === 0x2e && name.charCodeAt(1) !== 0x2e && localBase !== undefined) return localBase + name;
  return name;
}

const TWO64 = 2n ** 64n;

function toU64(v: number): bigint {
  const b = BigInt(v);
  return b < 0n ? b + TWO64 : b;
}

function fromI64(b: bigint): number {
  return Number(BigInt.asIntN(64, b));
}

function wrap(v: number): number {
  return Number.isSafeInteger(v) ? v : fromI64(BigInt(Math.trunc(v)));
}

function isInt32(v: number): boolean {
  return (v | 0) === v;
}

/** Evaluates an expression; never throws. */
export function evaluate(e: Expr, ctx: EvalContext): Value {
  switch (e.k) {
    case 'num':
      return { v: e.v, sec: -1 };
    case 'here':
    case 'base': {
      const v = e.k === 'here' ? ctx.here() : ctx.base();
      if (!v) { ctx.error(`\`${e.k === 'here' ? '$' : '$$'}' is not valid here`, e); return { v: undefined, sec: -1 }; }
      return { v: v.v, sec: v.sec };
    }
    case 'sym': {
      const v = ctx.symbol(e.name, e);
      return v ? { v: v.v, sec: v.sec } : { v: undefined, sec: -1 };
    }
    case 'un': {
      const a = evaluate(e.a, ctx);
      if (e.op === '+') return a;
      if (a.sec >= 0 && a.v !== undefined) { ctx.error(`unary \`${e.op}' applied to a relocatable value`, e); return { v: undefined, sec: -1 }; }
      if (a.v === undefined) return { v: undefined, sec: -1 };
      const x = a.v;
      if (e.op === '-') return { v: wrap(-x), sec: -1 };
      if (e.op === '~') return { v: isInt32(x) ? ~x : fromI64(~BigInt(x)), sec: -1 };
      return { v: x === 0 ? 1 : 0, sec: -1 };
    }
    case 'bin':
      return binary(e, evaluate(e.a, ctx), evaluate(e.b, ctx), ctx);
  }
}

function binary(e: Extract<Expr, { k: 'bin' }>, a: Value, b: Value, ctx: EvalContext): Value {
  const op = e.op;
  if (op === '+') {
    if (a.sec >= 0 && b.sec >= 0) { ctx.error('cannot add two relocatable values', e); return { v: undefined, sec: -1 }; }
    const sec = a.sec >= 0 ? a.sec : b.sec;
    return { v: a.v === undefined || b.v === undefined ? undefined : wrap(a.v + b.v), sec };
  }
  if (op === '-') {
    let sec: number;
    if (b.sec >= 0) {
      if (a.sec !== b.sec) {
        if (a.v !== undefined && b.v !== undefined) ctx.error('cannot subtract values in different sections', e);
        // Unknown operands still give a (pessimistic) relocatable result until they are known.
        return { v: undefined, sec: -1 };
      }
      sec = -1;
    } else sec = a.sec;
    return { v: a.v === undefined || b.v === undefined ? undefined : wrap(a.v - b.v), sec };
  }
  if ((a.sec >= 0 && a.v !== undefined) || (b.sec >= 0 && b.v !== undefined)) {
    ctx.error(`\`${op}' applied to a relocatable value`, e);
    return { v: undefined, sec: -1 };
  }
  if (a.v === undefined || b.v === undefined) {
    // `||` and `&&` short-circuit only on known values; unknown stays unknown.
    return { v: undefined, sec: -1 };
  }
  const x = a.v, y = b.v;
  let v: number;
  switch (op) {
    case '*': v = x * y; if (!Number.isSafeInteger(v)) v = fromI64(BigInt(x) * BigInt(y)); break;
    case '/': case '%': case '//': case '%%': {
      if (y === 0) { ctx.error('division by zero', e); return { v: undefined, sec: -1 }; }
      if (op === '//') v = Math.trunc(x / y);
      else if (op === '%%') v = x % y;
      else if (x >= 0 && y >= 0) v = op === '/' ? Math.floor(x / y) : x % y;
      else v = fromI64(op === '/' ? toU64(x) / toU64(y) : toU64(x) % toU64(y));
      if (Object.is(v, -0)) v = 0;
      break;
    }
    case '<<': v = y >= 64 ? 0 : isInt32(x) && x >= 0 && y < Math.clz32(x) - 1 ? x << y : fromI64(BigInt(x) << BigInt(y & 63)); break;
    case '>>': v = y >= 64 ? 0 : fromI64(toU64(x) >> BigInt(y & 63)); break;
    case '&': v = isInt32(x) && isInt32(y) ? x & y : fromI64(BigInt(x) & BigInt(y)); break;
    case '|': v = isInt32(x) && isInt32(y) ? x | y : fromI64(BigInt(x) | BigInt(y)); break;
    case '^': v = isInt32(x) && isInt32(y) ? x ^ y : fromI64(BigInt(x) ^ BigInt(y)); break;
    case '=': case '==': v = x === y ? 1 : 0; break;
    case '!=': case '<>': v = x !== y ? 1 : 0; break;
    case '<': v = x < y ? 1 : 0; break;
    case '>': v = x > y ? 1 : 0; break;
    case '<=': v = x <= y ? 1 : 0; break;
    case '>=': v = x >= y ? 1 : 0; break;
    case '&&': v = x !== 0 && y !== 0 ? 1 : 0; break;
    case '||': v = x !== 0 || y !== 0 ? 1 : 0; break;
    case '^^': v = (x !== 0) !== (y !== 0) ? 1 : 0; break;
    default: ctx.error(`unknown operator \`${op}'`, e); return { v: undefined, sec: -1 };
  }
  return { v, sec: -1 };
}
