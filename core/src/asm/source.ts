// What the preprocessor hands the parser: lines of tokens that remember where they were written
// and which macro calls and %include directives led there (for diagnostics and the source map).

import type { SourceRange } from './api';
import type { Token } from './lexer';

/** A token after preprocessing. `src` is set when it was substituted from elsewhere (a macro argument). */
export interface PPToken extends Token {
  readonly src?: SourceRange;
}

export interface PPLine {
  readonly file: string;
  /** 0-based line in `file`. */
  readonly line: number;
  /** The line as written, for the listing. */
  readonly text: string;
  /** Tokens to assemble; columns refer to `text`. Empty for directive and skipped lines. */
  readonly tokens: readonly PPToken[];
  /** Macro call and %include sites that led here, innermost first. */
  readonly expansion: readonly SourceRange[];
  /** Listing depth: number of macro/%rep/%include levels. */
  readonly depth: number;
  /** Preprocessor directive, comment or skipped line: listed but not assembled. */
  readonly listOnly: boolean;
  /** The innermost multi-line macro call, when the line came from one. */
  readonly macroCall?: SourceRange;
  /** The non-local label a `%%local` label must not reset: set for lines of a macro body. */
  readonly inMacro?: boolean;
  /** `tokens` are the line's own tokens (comment aside): nothing was substituted or expanded. */
  readonly verbatim?: boolean;
}

/** What the lines of one file, macro call or %rep frame share (one object per frame, not per line). */
export interface LineOrigin {
  readonly expansion: readonly SourceRange[];
  readonly depth: number;
  readonly macroCall?: SourceRange;
  readonly inMacro: boolean;
}

export const enum LineFlag { ListOnly = 1, Verbatim = 2 }

/**
 * The preprocessor's output as parallel arrays (no object per line): line `i` is `text[i]`,
 * `tokens[i]`, ... `at(i)` builds the PPLine view of one line for the rarer readers.
 */
export class PPLines {
  count = 0;
  readonly file: string[] = [];
  readonly text: string[] = [];
  readonly tokens: (readonly PPToken[])[] = [];
  readonly origin: LineOrigin[] = [];
  /** 0-based line in `file`. */
  line = new Int32Array(1024);
  /** LineFlag bits. */
  flags = new Uint8Array(1024);

  push(file: string, line: number, text: string, tokens: readonly PPToken[], origin: LineOrigin, flags: number): void {
    const i = this.count++;
    if (i === this.line.length) {
      const grownLine = new Int32Array(i * 2);
      grownLine.set(this.line);
      this.line = grownLine;
      const grownFlags = new Uint8Array(i * 2);
      grownFlags.set(this.flags);
      this.flags = grownFlags;
    }
    this.file.push(file);
    this.text.push(text);
    this.tokens.push(tokens);
    this.origin.push(origin);
    this.line[i] = line;
    this.flags[i] = flags;
  }

  at(i: number): PPLine {
    const o = this.origin[i];
    const f = this.flags[i];
    const l: PPLine = {
      file: this.file[i], line: this.line[i], text: this.text[i], tokens: this.tokens[i], expansion: o.expansion, depth: o.depth,
      listOnly: (f & LineFlag.ListOnly) !== 0, macroCall: o.macroCall, inMacro: o.inMacro, verbatim: (f & LineFlag.Verbatim) !== 0,
    };
    return l;
  }

  all(): PPLine[] {
    const out: PPLine[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.at(i));
    return out;
  }

  /** The statement's extent: its tokens, or the whole line when it has none. */
  range(i: number): SourceRange {
    const toks = this.tokens[i];
    return toks.length > 0 ? lineRange(this.file[i], this.line[i], toks[0].start, toks[toks.length - 1].end) : lineRange(this.file[i], this.line[i], 0, this.text[i].length);
  }
}

export function lineRange(file: string, line: number, start: number, end: number): SourceRange {
  return { file, start: { line, col: start }, end: { line, col: end } };
}
