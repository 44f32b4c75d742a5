// The preprocessor's context stack (NASM manual §4.7): %push/%pop/%repl, and the names `%$x`
// (`%$$x` one context further out, ...) that are local to a context.

export interface Context {
  name: string;
  /** Unique number in the names of context-local labels and macros (`..@N.x`). */
  readonly id: number;
}

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
