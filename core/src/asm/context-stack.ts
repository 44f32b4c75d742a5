// The preprocessor's context stack (NASM manual §4.7): %push/%pop/%repl, and the names `%$x`
// (`%$$x` one context further out, ...) that are local to a context.

export interface Context {
  name: string;
  /** Unique number in the names of context-local labels and macros (`..@N.x`). */
  readonly id: number;
}

/** The contexts of a stack, innermost last, with their names then (see ContextStack.save). */
export type ContextsSaved = readonly (readonly [Context, string])[];

export class ContextStack {
  private readonly stack: Context[] = [];

  get depth(): number {
    return this.stack.length;
  }

  push(name: string, id: number): void {
    this.stack.push({ name, id });
  }

  /** Pops the innermost context; false when the stack is empty. */
  pop(): Context | undefined {
    return this.stack.pop();
  }

  save(): ContextsSaved {
    return this.stack.map((c) => [c, c.name] as const);
  }

  /** Whether the stack holds the contexts `saved` holds, with the same names. */
  same(saved: ContextsSaved): boolean {
    return saved.length === this.stack.length && saved.every(([c, name], i) => this.stack[i] === c && c.name === name);
  }

  restore(saved: ContextsSaved): void {
    this.stack.length = 0;
    for (const [c, name] of saved) { c.name = name; this.stack.push(c); }
  }

  top(): Context | undefined {
    return this.stack[this.stack.length - 1];
  }

  /**
   * The global name of a context-local token `%$x` / `%$$x` (one `$` per level outward), or a
   * message when there is no such context.
   */
  resolve(token: string): { name: string } | { error: string } {
    let levels = 0;
    let i = 1;
    while (token.charCodeAt(i) === 0x24) { levels++; i++; }
    const ctx = this.stack[this.stack.length - levels];
    if (this.stack.length === 0) return { error: `\`${token}': context stack is empty` };
    if (!ctx) return { error: `\`${token}': context stack is only ${this.stack.length} level${this.stack.length === 1 ? '' : 's'} deep` };
    return { name: `..@${ctx.id}.${token.slice(i)}` };
  }
}
