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

export function lineRange(file: string, line: number, start: number, end: number): SourceRange {
  return { file, start: { line, col: start }, end: { line, col: end } };
}
