// The preprocessor's context stack (NASM manual §4.7): %push/%pop/%repl, and the names `%$x`
// (`%$$x` one context further out, ...) that are local to a context.

import { NOWHERE, spaced, type PPToken } from './source';
import { isNameText } from './lexer';

/** Whether `t` is a context-local name as written, `%$x` (`%$$x`, ...). */
export function isContextLocal(t: PPToken | undefined): boolean {
  return t !== undefined && t.kind === 'preproc' && t.text.charCodeAt(1) === 0x24;
}

/**
 * Whether `t`, after `prev`, continues a macro name written in pieces: a name, a number, a
 * context-local name or a `%word` no directive or macro took (nasm's TOK_PREPROC_ID: measured,
 * `%define S y` / `%defstr S%x` defines y) with no blanks before it, as nasm's expand_id reads one.
 */
export function continuesName(prev: PPToken | undefined, t: PPToken | undefined): boolean {
  return prev !== undefined && t !== undefined && !spaced(prev, t) && (t.kind === 'ident' || t.kind === 'number' || isContextLocal(t) || isPercentWord(t));
}

/** A `%` and a word (`%x`): no parameter, construct or context-local name. */
function isPercentWord(t: PPToken): boolean {
  if (t.kind !== 'preproc') return false;
  const c = t.text.charCodeAt(1);
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x2e || c === 0x40;
}

/** How a resolution that finds no context is reported: `message` about token `t`. */
export type ContextProblem = (message: string, t: PPToken) => void;

export interface Context {
  name: string;
  /** Unique number in the names of context-local labels and macros (`..@N.x`). */
  readonly id: number;
  /** For a `struc`'s or `istruc`'s context: the structure's name as the call gives it (its `%$strucname`). */
  readonly structure?: readonly PPToken[];
}

/** The contexts of a stack, innermost last, with their names then (see ContextStack.save). */
export type ContextsSaved = readonly (readonly [Context, string])[];

export class ContextStack {
  private readonly stack: Context[] = [];

  /**
   * `catchUp`: opens and closes the contexts of the lines passed on since it was last called
   * (nasm's `struc` and `istruc` macros `%push` one, `endstruc` and `iend` `%pop` the innermost:
   * see open and close), before the stack is read or changed.
   */
  constructor(private readonly catchUp: () => void = () => undefined) {}

  get depth(): number {
    this.catchUp();
    return this.stack.length;
  }

  push(name: string, id: number): void {
    this.catchUp();
    this.stack.push({ name, id });
  }

  /** Pops the innermost context; false when the stack is empty. */
  pop(): Context | undefined {
    this.catchUp();
    return this.stack.pop();
  }

  /** A context a standard macro's `%push` opened (unnamed: nasm's messages call it `anonymous`), while catching up. */
  open(id: number, structure: readonly PPToken[]): void {
    this.stack.push({ name: '', id, structure });
  }

  /** The innermost context, while catching up. */
  innermost(): Context | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** A standard macro's `%pop`, while catching up: the innermost context, whoever opened it. */
  close(): void {
    this.stack.pop();
  }

  save(): ContextsSaved {
    this.catchUp();
    return this.stack.map((c) => [c, c.name] as const);
  }

  /** Whether the stack holds the contexts `saved` holds, with the same names. */
  same(saved: ContextsSaved): boolean {
    this.catchUp();
    return saved.length === this.stack.length && saved.every(([c, name], i) => this.stack[i] === c && c.name === name);
  }

  restore(saved: ContextsSaved): void {
    this.catchUp();
    this.stack.length = 0;
    for (const [c, name] of saved) { c.name = name; this.stack.push(c); }
  }

  top(): Context | undefined {
    this.catchUp();
    return this.stack[this.stack.length - 1];
  }

  /**
   * The global name of a context-local token `%$x` / `%$$x` (one `$` per level outward), or a
   * message when there is no such context.
   */
  resolve(token: string): { name: string } | { error: string } {
    this.catchUp();
    let levels = 0;
    let i = 1;
    while (token.charCodeAt(i) === 0x24) { levels++; i++; }
    const ctx = this.stack[this.stack.length - levels];
    if (this.stack.length === 0) return { error: `\`${token}': context stack is empty` };
    // nasm names what is left of the token once it has walked every level there is (measured:
    // `%$$z` one level deep is "`z': ...", `%$$$$v` two levels deep "`$v': ...").
    if (!ctx) return { error: `\`${token.slice(this.stack.length + 2)}': context stack is only ${this.stack.length} level${this.stack.length === 1 ? '' : 's'} deep` };
    return { name: `..@${ctx.id}.${token.slice(i)}` };
  }

  /** `toks` with each `%$x` (`%$$x`, ...) replaced by the context's global name, `..@N.x`. */
  substitute(toks: readonly PPToken[], problem: ContextProblem): PPToken[] {
    const out: PPToken[] = [];
    for (const t of toks) {
      if (isContextLocal(t)) {
        const r = this.resolve(t.text);
        // (A name with more in it, from braces never closed, `%{$y:dw 2`, is text nasm's assembler
        // reads again, as the `%` constructs left in a line: see reread.ts.)
        if ('name' in r && !isNameText(r.name)) { out.push({ kind: 'preproc', text: r.name, start: t.start, end: t.end, src: t.src, gap: t.gap }); continue; }
        if ('name' in r) { out.push({ kind: 'ident', text: r.name, start: t.start, end: t.end, src: t.src, gap: t.gap, contextLocal: t.text }); continue; }
        problem(r.error, t);
      }
      out.push(t);
    }
    return out;
  }

  /**
   * A line's `%$x` names replaced (see substitute), but in the body of a `%define`, which keeps
   * them as written until the macro expands (see nameNow), and of an `%xdefine`, which keeps them
   * too after saying, as it expands the body, that there is no context. Measured with nasm
   * 2.16.01: `%define Q %$q` then `%push c` / `%$q:` / `jmp Q` jumps to the context's label, and
   * with no context the error is at the use; `%xdefine X %$q` made in context a and used in
   * context b is b's `%$q`. (The macro's name is resolved at once: `%define %$n 1`.)
   */
  substituteLine(toks: PPToken[], problem: ContextProblem): PPToken[] {
    const d = toks[0]?.kind === 'preproc' ? toks[0].text.toLowerCase() : '';
    const expands = d === '%xdefine' || d === '%ixdefine';
    if ((!expands && d !== '%define' && d !== '%idefine') || toks.length <= 2) return this.substitute(toks, problem);
    // (The name, which may be written in pieces: `%define w%$b 8`, see Preprocessor.nameInPieces.)
    let n = 2;
    while (continuesName(toks[n - 1], toks[n])) n++;
    const body = toks.slice(n);
    if (expands) {
      for (const t of body) {
        const r = isContextLocal(t) ? this.resolve(t.text) : undefined;
        if (r !== undefined && 'error' in r) problem(r.error, t);
      }
    }
    return [...this.substitute(toks.slice(0, n), problem), ...body];
  }

  /**
   * A `%$x` a `%define` body kept (see substituteLine) as a call puts it out at `start`..`end`:
   * the name in the context now on top, or, with no such context, as written after nasm's error.
   */
  nameNow(b: PPToken, start: number, end: number, gap: boolean, problem: (message: string) => void): PPToken {
    const r = this.resolve(b.text);
    if ('name' in r) return isNameText(r.name) ? { kind: 'ident', text: r.name, start, end, at: NOWHERE, gap, contextLocal: b.text } : { kind: 'preproc', text: r.name, start, end, at: NOWHERE, gap };
    problem(r.error);
    return { kind: b.kind, text: b.text, start, end, at: b.at ?? NOWHERE, gap };
  }
}
