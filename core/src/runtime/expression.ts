// The debugger's expression language for breakpoint conditions, log messages and `evaluate`:
// numbers (NASM forms 0x1F, 1Fh, 0b101, 'A'), registers, symbols, memory `[expr]` with optional
// `byte`/`word`/`dword` size, and C operators. Parsed once, evaluated many times; errors are values.

import { parseNumberExact } from '../asm/numbers';
import { wordTable } from '../word-table';

/** What an expression can read; undefined means "no such name" or "unreadable memory". */
export interface EvalScope {
  register(name: string): number | undefined;
  symbol(name: string): number | undefined;
  readMemory(address: number, size: 1 | 2 | 4): number | undefined;
  /** Why a register `register` gives no value for is not known here (an outer stack frame's), or undefined when it is no register. */
  unavailable?(name: string): string | undefined;
}

export type ParseResult = { readonly ok: true; readonly expression: Expression } | { readonly ok: false; readonly message: string; readonly column: number };
export type EvalResult = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

type Node =
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'name'; readonly name: string; readonly column: number }
  | { readonly t: 'mem'; readonly size: 1 | 2 | 4; readonly addr: Node }
  | { readonly t: 'un'; readonly op: string; readonly a: Node }
  | { readonly t: 'bin'; readonly op: string; readonly a: Node; readonly b: Node };

/** Binary operators by precedence (higher binds tighter), as in C. */
const BINARY: Readonly<Record<string, number>> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '<=': 7, '>': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};
const SIZES: Readonly<Record<string, 1 | 2 | 4>> = wordTable({ byte: 1, word: 2, dword: 4 });

/**
 * How deeply parentheses, brackets and unary operators may nest, and how many tokens an expression
 * may have (a chain `1+1+...` is a tree as deep as it is long): the parser and the evaluator recurse
 * once per level, and no expression a client sends may exhaust the host's stack.
 */
const MAX_NESTING = 200;
const MAX_TOKENS = 2000;

interface Token { readonly text: string; readonly kind: 'num' | 'name' | 'op' | 'end'; readonly column: number; readonly value?: number }

class ExprError {
  constructor(readonly message: string, readonly column: number) {}
}

/**
 * A number literal's value as the language computes, modulo 2^32: exactly, however many digits
 * (`0x20000000000001` is 1; read as a double it was 0). The forms are NASM's, which its reader
 * (parseNumberExact) reads.
 */
function parseNumber(text: string): number | undefined {
  const t = text.toLowerCase().replace(/_/g, '');
  const form = /^0x[0-9a-f]+$/.test(t) || /^[0-9][0-9a-f]*h$/.test(t) || /^\$[0-9a-f]+$/.test(t) || /^0b[01]+$/.test(t) || /^[01]+b$/.test(t)
    || /^0o[0-7]+$/.test(t) || /^[0-7]+[qo]$/.test(t) || /^[0-9]+d?$/.test(t);
  return form ? Number(BigInt.asUintN(32, parseNumberExact(t))) : undefined;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t') { i++; continue; }
    const rest = src.slice(i);
    let m = /^[0-9][0-9a-zA-Z_]*/.exec(rest) ?? /^\$[0-9a-fA-F][0-9a-fA-F_]*/.exec(rest);
    if (m) {
      const v = parseNumber(m[0]);
      if (v === undefined) throw new ExprError(`bad number ${quoted(m[0])}`, i);
      out.push({ text: m[0], kind: 'num', column: i, value: v });
      i += m[0].length;
      continue;
    }
    if ((m = /^'([^'\\]{1,4})'/.exec(rest))) {
      // NASM character constants are little-endian: 'AB' is 0x4241.
      let v = 0;
      for (let k = m[1].length - 1; k >= 0; k--) v = v * 256 + m[1].charCodeAt(k);
      out.push({ text: m[0], kind: 'num', column: i, value: v });
      i += m[0].length;
      continue;
    }
    if ((m = /^[A-Za-z_.?@][A-Za-z0-9_.?@$#~]*/.exec(rest))) {
      out.push({ text: m[0], kind: 'name', column: i });
      i += m[0].length;
      continue;
    }
    m = /^(\|\||&&|==|!=|<=|>=|<<|>>|[-+*/%&|^~!<>()[\]])/.exec(rest);
    if (!m) throw new ExprError(`unexpected character \`${c}'`, i);
    out.push({ text: m[0], kind: 'op', column: i });
    i += m[0].length;
  }
  out.push({ text: '', kind: 'end', column: src.length });
  return out;
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token { return this.tokens[this.pos]; }
  private next(): Token { return this.tokens[this.pos++]; }
  private expect(text: string): void {
    const t = this.next();
    if (t.text !== text) throw new ExprError(`expected \`${text}'${t.kind === 'end' ? ' at the end' : ` before ${quoted(t.text)}`}`, t.column);
  }

  parseAll(): Node {
    const n = this.binary(1);
    const t = this.peek();
    if (t.kind !== 'end') throw new ExprError(`unexpected ${quoted(t.text)}`, t.column);
    return n;
  }

  private binary(minPrec: number): Node {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const prec = t.kind === 'op' ? BINARY[t.text] : undefined;
      if (prec === undefined || prec < minPrec) return left;
      this.next();
      const right = this.binary(prec + 1);
      left = { t: 'bin', op: t.text, a: left, b: right };
    }
  }

  private unary(): Node {
    const t = this.peek();
    if (++this.depth > MAX_NESTING) throw new ExprError(`expression nested more than ${MAX_NESTING} deep`, t.column);
    try {
      if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!')) {
        this.next();
        return { t: 'un', op: t.text, a: this.unary() };
      }
      return this.primary();
    } finally {
      this.depth--;
    }
  }

  private primary(): Node {
    const t = this.next();
    if (t.kind === 'num') return { t: 'num', v: t.value ?? 0 };
    if (t.kind === 'name') {
      const size = SIZES[t.text.toLowerCase()];
      if (size !== undefined && this.peek().text === '[') return this.memory(size);
      return { t: 'name', name: t.text, column: t.column };
    }
    if (t.text === '(') {
      const n = this.binary(1);
      this.expect(')');
      return n;
    }
    if (t.text === '[') { this.pos--; return this.memory(4); }
    throw new ExprError(t.kind === 'end' ? 'expression ends too early' : `unexpected ${quoted(t.text)}`, t.column);
  }

  private memory(size: 1 | 2 | 4): Node {
    this.expect('[');
    const addr = this.binary(1);
    this.expect(']');
    return { t: 'mem', size, addr };
  }
}

class EvalError {
  constructor(readonly message: string) {}
}

/** The most of a text (a condition, a name, a number) a message quotes: enough to recognise it, not a copy of a pasted page. */
const QUOTED_CHARS = 80;

/** `text` quoted for a message: whole when short, else its start and its length (the column of an error still says where). */
export function quoted(text: string): string {
  return text.length <= QUOTED_CHARS ? `\`${text}'` : `\`${text.slice(0, QUOTED_CHARS)}...' (${text.length} characters)`;
}

/** A parsed expression; values are unsigned 32-bit, comparisons and logic give 0 or 1. */
export class Expression {
  constructor(readonly source: string, private readonly root: Node) {}

  evaluate(scope: EvalScope): EvalResult {
    try {
      return { ok: true, value: this.eval(this.root, scope) >>> 0 };
    } catch (e) {
      if (e instanceof EvalError) return { ok: false, message: e.message };
      throw e;
    }
  }

  /**
   * For a memory reference (`[counter]`, `byte [esi+1]`): the address it reads its value from and
   * how many bytes; undefined for any other expression.
   */
  memoryOperand(scope: EvalScope): { readonly address: EvalResult; readonly size: 1 | 2 | 4 } | undefined {
    const n = this.root;
    if (n.t !== 'mem') return undefined;
    try {
      return { address: { ok: true, value: this.eval(n.addr, scope) >>> 0 }, size: n.size };
    } catch (e) {
      if (e instanceof EvalError) return { address: { ok: false, message: e.message }, size: n.size };
      throw e;
    }
  }

  /**
   * How wide the value is: a memory reference's size, a register's own (`registerSize`, given the
   * lower-case name); undefined for anything else, a 32-bit value computed from its parts.
   */
  valueSize(registerSize: (name: string) => 1 | 2 | 4 | undefined): 1 | 2 | 4 | undefined {
    const n = this.root;
    if (n.t === 'mem') return n.size;
    return n.t === 'name' ? registerSize(n.name.toLowerCase()) : undefined;
  }

  private eval(n: Node, scope: EvalScope): number {
    switch (n.t) {
      case 'num': return n.v >>> 0;
      case 'name': {
        const register = scope.register(n.name.toLowerCase());
        const why = register === undefined ? scope.unavailable?.(n.name.toLowerCase()) : undefined;
        if (why !== undefined) throw new EvalError(why);
        const v = register ?? scope.symbol(n.name);
        if (v === undefined) throw new EvalError(`unknown register or symbol ${quoted(n.name)}`);
        return v >>> 0;
      }
      case 'mem': {
        const addr = this.eval(n.addr, scope);
        const v = scope.readMemory(addr, n.size);
        if (v === undefined) throw new EvalError(`cannot read ${n.size} byte(s) at 0x${addr.toString(16)}`);
        return v >>> 0;
      }
      case 'un': {
        const a = this.eval(n.a, scope);
        if (n.op === '-') return (-a) >>> 0;
        if (n.op === '~') return ~a >>> 0;
        if (n.op === '!') return a === 0 ? 1 : 0;
        return a;
      }
      case 'bin': {
        // && and || short-circuit, so `p != 0 && [p] == 5` never reads through a null pointer.
        if (n.op === '&&') return this.eval(n.a, scope) !== 0 && this.eval(n.b, scope) !== 0 ? 1 : 0;
        if (n.op === '||') return this.eval(n.a, scope) !== 0 || this.eval(n.b, scope) !== 0 ? 1 : 0;
        const a = this.eval(n.a, scope), b = this.eval(n.b, scope);
        switch (n.op) {
          case '|': return (a | b) >>> 0;
          case '^': return (a ^ b) >>> 0;
          case '&': return (a & b) >>> 0;
          case '==': return a === b ? 1 : 0;
          case '!=': return a !== b ? 1 : 0;
          case '<': return a < b ? 1 : 0;
          case '<=': return a <= b ? 1 : 0;
          case '>': return a > b ? 1 : 0;
          case '>=': return a >= b ? 1 : 0;
          case '<<': return b >= 32 ? 0 : (a << b) >>> 0;
          case '>>': return b >= 32 ? 0 : a >>> b;
          case '+': return (a + b) >>> 0;
          case '-': return (a - b) >>> 0;
          case '*': return Math.imul(a, b) >>> 0;
          default:
            if (b === 0) throw new EvalError('division by zero');
            return (n.op === '/' ? Math.floor(a / b) : a % b) >>> 0;
        }
      }
    }
  }
}

/** Parses `source`; a syntax error comes back with its 0-based column. */
export function parseExpression(source: string): ParseResult {
  try {
    const tokens = tokenize(source);
    if (tokens.length > MAX_TOKENS) return { ok: false, message: `expression longer than ${MAX_TOKENS} tokens`, column: tokens[MAX_TOKENS].column };
    return { ok: true, expression: new Expression(source, new Parser(tokens).parseAll()) };
  } catch (e) {
    if (e instanceof ExprError) return { ok: false, message: e.message, column: e.column };
    throw e;
  }
}

/** Parses and evaluates in one go (the console's `evaluate`). */
export function evaluateExpression(source: string, scope: EvalScope): EvalResult {
  const p = parseExpression(source);
  return p.ok ? p.expression.evaluate(scope) : { ok: false, message: `${p.message} (column ${p.column + 1})` };
}

/**
 * Expands `{expr}` in a log message; `{{` and `}}` are literal braces. Values print in hex;
 * an expression that fails prints its error in place, so a log point never stops the guest.
 */
export function interpolate(template: string, scope: EvalScope): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if ((c === '{' || c === '}') && template[i + 1] === c) { out += c; i++; continue; }
    if (c !== '{') { out += c; continue; }
    const close = template.indexOf('}', i + 1);
    if (close < 0) { out += template.slice(i); break; }
    const r = evaluateExpression(template.slice(i + 1, close), scope);
    out += r.ok ? `0x${r.value.toString(16)}` : `<${r.message}>`;
    i = close;
  }
  return out;
}
