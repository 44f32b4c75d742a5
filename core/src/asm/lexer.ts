// Splits one NASM source line into tokens with column ranges. Shared by the preprocessor, the
// parser and the language server's semantic tokens, so it classifies but never interprets.

export type TokenKind =
  | 'ident'     // labels, mnemonics, registers, directives: letters, digits, _ $ # @ ~ . ?
  | 'number'    // any NASM numeric form (see numbers.ts)
  | 'string'    // '...', "..." or `...` (strings and character constants are the same token)
  | 'here'      // `$` or `$$`
  | 'op'        // operators and punctuation: + - * / // % %% << >> ( ) [ ] , : == ...
  | 'preproc'   // %directive, %1, %%local, %+, %{1}, %0, %$ctx
  | 'comment'   // from `;` to the end of the line
  | 'invalid';  // a character NASM rejects, or an unterminated string

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 0-based UTF-16 column of the first character. */
  readonly start: number;
  /** Column just past the last character. */
  readonly end: number;
}

const enum Ch {
  Tab = 9, Space = 32, Bang = 33, DQuote = 34, Hash = 35, Dollar = 36, Percent = 37, Amp = 38,
  SQuote = 39, LParen = 40, RParen = 41, Star = 42, Plus = 43, Comma = 44, Minus = 45, Dot = 46,
  Slash = 47, D0 = 48, D9 = 57, Colon = 58, Semi = 59, Lt = 60, Eq = 61, Gt = 62, Question = 63,
  At = 64, A = 65, Z = 90, LBracket = 91, Backslash = 92, RBracket = 93, Caret = 94, Underscore = 95,
  BQuote = 96, a = 97, e = 101, h = 104, p = 112, x = 120, z = 122, LBrace = 123, Pipe = 124, RBrace = 125, Tilde = 126,
}

const enum CharClass { IdentStart = 1, IdentChar = 2 }

/**
 * CharClass bits of the ASCII characters (no other character is part of a name), so the scan of
 * a name reads one table entry per character. NASM manual §3.1: identifiers start with a letter,
 * `_ . ? @` and may contain letters, digits, `_ $ # @ ~ . ?`.
 */
const CHAR_CLASS = ((): Uint8Array => {
  const t = new Uint8Array(128);
  const set = (chars: string, bits: number): void => { for (const ch of chars) t[ch.charCodeAt(0)] |= bits; };
  set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.?@', CharClass.IdentStart | CharClass.IdentChar);
  set('0123456789$#~', CharClass.IdentChar);
  return t;
})();

/** As nasm 2.16.01 reads bytes: any non-ASCII character starts or continues a name (measured: `xé:`, `éx:` and `a😀b:` are labels). */
export function isIdentStart(c: number): boolean {
  // (Past the text's end `c` is NaN: no name.)
  return c < 128 ? (CHAR_CLASS[c] & CharClass.IdentStart) !== 0 : c >= 128;
}

/** NASM manual §3.1: identifiers may contain letters, digits, `_ $ # @ ~ . ?` (and any non-ASCII character, see isIdentStart). */
export function isIdentChar(c: number): boolean {
  return c < 128 ? (CHAR_CLASS[c] & CharClass.IdentChar) !== 0 : c >= 128;
}

/** Whether `s` is a name as nasm 2.16.01 reads one: an identifier's first character, then its characters. */
export function isNameText(s: string): boolean {
  if (!isIdentStart(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) if (!isIdentChar(s.charCodeAt(i))) return false;
  return true;
}

function isDigit(c: number): boolean {
  return c >= Ch.D0 && c <= Ch.D9;
}

/**
 * Two-character operators, tried before one-character ones (the manual's §3.5 operator list plus
 * %if's comparisons): `// << >> == != <> <= >= && || ^^`. Compared by character code: most lines
 * have a few operators, and a two-character string per operator would be made only to be dropped.
 */
function isTwoCharOp(a: number, b: number): boolean {
  switch (a) {
    case Ch.Slash: case Ch.Amp: case Ch.Pipe: case Ch.Caret: return b === a;
    case Ch.Lt: return b === Ch.Lt || b === Ch.Gt || b === Ch.Eq;
    case Ch.Gt: return b === Ch.Gt || b === Ch.Eq;
    case Ch.Eq: case Ch.Bang: return b === Ch.Eq;
    default: return false;
  }
}

/** `+ - * / ( ) [ ] , : = < > & | ^ ~ ! { } \`. */
function isOneCharOp(c: number): boolean {
  switch (c) {
    case Ch.Plus: case Ch.Minus: case Ch.Star: case Ch.Slash: case Ch.LParen: case Ch.RParen: case Ch.LBracket: case Ch.RBracket:
    case Ch.Comma: case Ch.Colon: case Ch.Eq: case Ch.Lt: case Ch.Gt: case Ch.Amp: case Ch.Pipe: case Ch.Caret: case Ch.Tilde:
    case Ch.Bang: case Ch.LBrace: case Ch.RBrace: case Ch.Backslash:
      return true;
    default:
      return false;
  }
}

/**
 * The tokens of the line being scanned. The caller gets an exact-size copy: an array grown by
 * push keeps room for 16 or more, and the line cache keeps every distinct line's tokens. Counted,
 * not cut back by `length = 0`, which would drop the array's room (and costs a runtime call):
 * slots past the count hold an earlier line's tokens until overwritten.
 */
const scratch: Token[] = [];

/** Tokenizes a line (without its line terminator). Never throws. */
export function tokenizeLine(text: string): Token[] {
  const tokens = scratch;
  let count = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) { i++; continue; }
    const start = i;
    if (c === Ch.Semi) {
      // Inside a `%[...]`, which nasm's tokenizer reads whole, a `;` comments out the rest of its
      // contents only (measured: `db %[1 ;x ], 2` is `db 1, 2`): on from its `]`.
      while (indirectionEnds.length > 0 && indirectionEnds[indirectionEnds.length - 1] < i) indirectionEnds.pop();
      if (indirectionEnds.length > 0) { i = indirectionEnds[indirectionEnds.length - 1]; continue; }
      tokens[count++] = { kind: 'comment', text: text.slice(i), start: i, end: n };
      break;
    }
    if (c === Ch.SQuote || c === Ch.DQuote || c === Ch.BQuote) {
      i = scanString(text, i, c);
      const closed = stringClosed;
      tokens[count++] = { kind: closed ? 'string' : 'invalid', text: text.slice(start, i), start, end: i };
      continue;
    }
    if (isDigit(c)) {
      i = scanNumber(text, i + 1);
      tokens[count++] = { kind: 'number', text: text.slice(start, i), start, end: i };
      continue;
    }
    if (c === Ch.Dollar) {
      const next = text.charCodeAt(i + 1);
      if (isDigit(next)) {
        i = scanNumber(text, i + 2, true);
        tokens[count++] = { kind: 'number', text: text.slice(start, i), start, end: i };
      } else if (next === Ch.Dollar) {
        i += 2;
        tokens[count++] = { kind: 'here', text: '$$', start, end: i };
      } else if (isIdentStart(next)) {
        // `$name` escapes a name that would otherwise be a register or keyword (manual §3.1).
        i += 1;
        while (i < n && isIdentChar(text.charCodeAt(i))) i++;
        tokens[count++] = { kind: 'ident', text: text.slice(start, i), start, end: i };
      } else {
        i += 1;
        tokens[count++] = { kind: 'here', text: '$', start, end: i };
      }
      continue;
    }
    if (isIdentStart(c)) {
      i++;
      while (i < n && isIdentChar(text.charCodeAt(i))) i++;
      tokens[count++] = { kind: 'ident', text: text.slice(start, i), start, end: i };
      continue;
    }
    if (c === Ch.Percent) {
      i = scanPercent(text, i);
      if (i > start) {
        tokens[count++] = text.charCodeAt(start + 1) === Ch.LBrace ? bracedToken(text, start, i) : { kind: 'preproc', text: text.slice(start, i), start, end: i };
        continue;
      }
      // A bare `%` or `%%` is the modulo operator.
      i = text.charCodeAt(start + 1) === Ch.Percent ? start + 2 : start + 1;
      tokens[count++] = { kind: 'op', text: text.slice(start, i), start, end: i };
      // nasm reads an unterminated `%[` to the line's end, as if closed there (see openConstruct).
      if (i === start + 1 && text.charCodeAt(i) === Ch.LBracket) {
        const close = scanNested(text, i + 1, Ch.LBracket, Ch.RBracket);
        if (nestedClosed) indirectionEnds.push(close - 1);
        else openIndirections++;
      }
      continue;
    }
    if (i + 1 < n && isTwoCharOp(c, text.charCodeAt(i + 1))) {
      // `<<<` and `>>>` (manual §3.5.6), `<=>` (§3.5.2).
      const next = text.charCodeAt(i + 1), third = text.charCodeAt(i + 2);
      i += ((c === Ch.Lt || c === Ch.Gt) && next === c && third === c) || (c === Ch.Lt && next === Ch.Eq && third === Ch.Gt) ? 3 : 2;
      tokens[count++] = { kind: 'op', text: text.slice(start, i), start, end: i };
      continue;
    }
    if (isOneCharOp(c)) {
      i++;
      tokens[count++] = { kind: 'op', text: text[start], start, end: i };
      continue;
    }
    i++;
    tokens[count++] = { kind: 'invalid', text: text.slice(start, i), start, end: i };
  }
  indirectionEnds.length = 0;
  if (openIndirections > 0) {
    // The `]` nasm closes each with, spanning no column: before the comment, which nasm reads
    // inside the `%[` (measured: `db %[%[ 8` is `db 8`, each `%[` warned of).
    const last = count > 0 ? tokens[count - 1] : undefined;
    const comment = last !== undefined && last.kind === 'comment';
    const at = comment ? last.start : n;
    if (comment) count--;
    for (; openIndirections > 0; openIndirections--) tokens[count++] = { kind: 'op', text: ']', start: at, end: at };
    if (comment) tokens[count++] = last;
  }
  return tokens.slice(0, count);
}

/** How many `%[` with no `]` the line tokenizeLine is scanning has (counted and cleared by tokenizeLine). */
let openIndirections = 0;
/** The columns of the `]` of each closed `%[` tokenizeLine has met on the line and may be inside, the innermost last. */
const indirectionEnds: number[] = [];

/**
 * A `%{...}` token (`%{` to `end`) as nasm 2.16.01's tokenizer makes it: a macro parameter (`%{1}`,
 * `%{-1}`, `%{1:2}`: its contents start with a digit, `-`, `+` or `:`) keeps its braces; any other
 * is the token written without them (`%{foo}` is `%foo`, `%{$x}` is `%$x`, `%{+}` is `%+`; measured:
 * `db %{foo}` is "symbol `foo' not defined" as `db %foo` is); an empty one, `%{}` or `%{` at the
 * line's end, is the `%` operator (measured: `db 2 %{}` is an expression syntax error). An
 * unterminated one runs to the line's end and is read as if closed there (nasm warns
 * "unterminated %{...} construct"; measured: in a macro, `db %{1:1` is `db %{1:1}`, `db %{1:1 ; c`
 * the parameter `%{1:1 ; c}`).
 */
function bracedToken(text: string, start: number, end: number): Token {
  const inner = text.slice(start + 2, nestedClosed ? end - 1 : end);
  if (inner === '') return { kind: 'op', text: '%', start, end };
  const c = inner.charCodeAt(0);
  // One whose contents open a brace again is no parameter nor name: nasm leaves it, its outer
  // braces dropped, for its assembler to find a decorator in (measured: `db %{{3}}` is `db %{3}`
  // in `nasm -E`, no "not in a macro call"; `db %{{3:3}`, unterminated, `db %{3:3}`).
  if (c === Ch.LBrace) return { kind: 'op', text: `%${inner}`, start, end };
  const parameter = isDigit(c) || ((c === Ch.Minus || c === Ch.Plus || c === Ch.Colon) && inner.length > 1);
  return { kind: 'preproc', text: parameter ? `%{${inner}}` : `%${inner}`, start, end };
}

/**
 * The unterminated `%{` or `%[` a line's code tokens (without their comment) end with, if any, and
 * nasm's warning for it (class pp-open-brackets), which nasm gives as it reads the line: a `%{`
 * token found open again in `text`, the line (only a token whose text is not what it spans can be
 * one: see bracedToken), or the zero-width `]` tokenizeLine closes a `%[` with.
 */
export function openConstruct(tokens: readonly Token[], text: string): { readonly token: Token; readonly message: string } | undefined {
  const t = tokens[tokens.length - 1];
  if (t === undefined || t.end - t.start === t.text.length) return undefined;
  if (t.kind === 'op' && t.text === ']') return { token: t, message: 'unterminated %[...] construct (missing `]\')' };
  if (text.charCodeAt(t.start) !== Ch.Percent || text.charCodeAt(t.start + 1) !== Ch.LBrace) return undefined;
  scanNested(text, t.start + 2, Ch.LBrace, Ch.RBrace);
  return nestedClosed ? undefined : { token: t, message: 'unterminated %{...} construct (missing `}\')' };
}

/**
 * The unterminated string a line's tokens end with, if any (one runs to the end of its line), and
 * nasm's warning for it (class pp-open-string), which nasm gives for every line it reads.
 */
export function openString(tokens: readonly Token[]): { readonly token: Token; readonly message: string } | undefined {
  const t = tokens[tokens.length - 1];
  if (t === undefined || t.kind !== 'invalid') return undefined;
  const c = t.text.charCodeAt(0);
  if (c !== Ch.SQuote && c !== Ch.DQuote && c !== Ch.BQuote) return undefined;
  // (After `%!` it is an environment variable's name, of which nasm gives its own error: see readEnvironment.)
  const before = tokens[tokens.length - 2];
  if (before !== undefined && before.kind === 'preproc' && before.text === '%!' && before.end === t.start) return undefined;
  return { token: t, message: `unterminated string (missing \`${t.text[0]}')` };
}

/** Whether `t` is a string, or an unterminated one (which runs to its line's end). */
export function isQuoted(t: Token): boolean {
  if (t.kind === 'string') return true;
  const c = t.text.charCodeAt(0);
  return t.kind === 'invalid' && (c === Ch.SQuote || c === Ch.DQuote || c === Ch.BQuote);
}

/**
 * Whether `test` holds for one of the `ident` tokens tokenizeLine would give for `text` from
 * column `from` on (called with the token's columns, in order, until it holds), found without
 * making tokens: a plain line goes out as written unless one of its names is a macro's
 * (Preprocessor.namesNoMacro). Steps over strings, numbers and `%` tokens the way tokenizeLine
 * does, so a name inside them is not one.
 */
export function someIdent(text: string, from: number, test: (text: string, start: number, end: number) => boolean): boolean {
  const n = text.length;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === Ch.Semi) break;
    if (c === Ch.SQuote || c === Ch.DQuote || c === Ch.BQuote) { i = scanString(text, i, c); continue; }
    if (isDigit(c)) { i = scanNumber(text, i + 1); continue; }
    if (c === Ch.Dollar) {
      const next = text.charCodeAt(i + 1);
      if (isDigit(next)) { i = scanNumber(text, i + 2, true); continue; }
      // `$$`, a lone `$`, or `$name` (a name with its `$`, as tokenizeLine gives it).
      if (!isIdentStart(next)) { i += next === Ch.Dollar ? 2 : 1; continue; }
    } else if (!isIdentStart(c)) {
      i = c === Ch.Percent ? Math.max(scanPercent(text, i), i + 1) : i + 1;
      continue;
    }
    const start = i++;
    while (i < n && isIdentChar(text.charCodeAt(i))) i++;
    if (test(text, start, i)) return true;
  }
  return false;
}

/** The texts of the `ident` tokens tokenizeLine would give, in order (someIdent's names). */
export function identWords(text: string, from = 0): string[] {
  const words: string[] = [];
  someIdent(text, from, (t, start, end) => { words.push(t.slice(start, end)); return false; });
  return words;
}

/**
 * A space, tab, carriage return, vertical tab or form feed: what separates tokens (nasm reads C's
 * white space; measured: `db 1\v,\f2` is 01 02, a line of a form feed alone is blank).
 */
export function isBlank(c: number): boolean {
  return c === Ch.Space || c === Ch.Tab || c === 13 || c === 11 || c === 12;
}

/** The first column from `from` on that is not blank (the text's length when there is none). */
export function skipBlanks(text: string, from: number): number {
  let i = from;
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The column past a line's code (its tokens but a trailing comment), found without making tokens;
 * `start`: the code's first column. Only for lines without `%` (a `%{...}` token may hold quotes
 * and `;`). Exact because every token but a string is a run of characters that are neither
 * blank, quote nor `;`, so a scan need only step over strings the way tokenizeLine does.
 */
export function codeEnd(text: string, start: number): number {
  const n = text.length;
  let i = start, end = start;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) { i++; continue; }
    if (c === Ch.Semi) break;
    i = c === Ch.SQuote || c === Ch.DQuote || c === Ch.BQuote ? scanString(text, i, c) : i + 1;
    end = i;
  }
  return end;
}

/**
 * Whether the first word of a line's code, or of the code inside a leading `[`, is `bits`,
 * `use16` or `use32` in any case, found without tokens or strings cut out. `start`: the code's
 * first column.
 */
export function bitsWordAt(text: string, start: number): boolean {
  let i = start;
  if (text.charCodeAt(i) === Ch.LBracket) i = skipBlanks(text, i + 1);
  if (!isIdentStart(text.charCodeAt(i))) return false;
  let j = i + 1;
  while (j < text.length && isIdentChar(text.charCodeAt(j))) j++;
  if (j - i === 4) return lowerAt(text, i) === 0x62 && lowerAt(text, i + 1) === 0x69 && lowerAt(text, i + 2) === 0x74 && lowerAt(text, i + 3) === 0x73;
  if (j - i !== 5 || lowerAt(text, i) !== 0x75 || lowerAt(text, i + 1) !== 0x73 || lowerAt(text, i + 2) !== 0x65) return false;
  const a = text.charCodeAt(i + 3), b = text.charCodeAt(i + 4);
  return (a === 0x31 && b === 0x36) || (a === 0x33 && b === 0x32);
}

/**
 * The code of the character at `i` with 0x20 set: a letter's lower case. (bitsWordAt runs for
 * every new line: a closure for this would be an allocation a line.)
 */
function lowerAt(text: string, i: number): number {
  return text.charCodeAt(i) | 0x20;
}

/** Whether the string scanString read last ended with its quote (`` `a\` `` does not: the quote is escaped). */
let stringClosed = false;

function scanString(text: string, i: number, quote: number): number {
  const n = text.length;
  i++;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (quote === Ch.BQuote && c === Ch.Backslash) { i += 2; continue; }
    i++;
    if (c === quote) { stringClosed = true; return i; }
  }
  stringClosed = false;
  return n;
}

/** Whether the `%{` or `%[` scanNested read last was closed. */
let nestedClosed = false;

/**
 * Past the `close` that ends a `%{` or `%[` whose contents start at `i`, the way nasm 2.16.01's
 * tokenizer finds it: `open` and `close` nest, strings are stepped over; the line's end when none
 * does (nestedClosed then false).
 */
function scanNested(text: string, i: number, open: number, close: number): number {
  const n = text.length;
  let depth = 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === open) depth++;
    else if (c === close && --depth === 0) { nestedClosed = true; return i + 1; }
    else if (c === Ch.SQuote || c === Ch.DQuote || c === Ch.BQuote) { i = scanString(text, i, c); continue; }
    i++;
  }
  nestedClosed = false;
  return n;
}

/**
 * Past the number that starts before `i` (after its `$` when `hex`), as nasm 2.16.01's scanner
 * reads one: letters, digits, `_` and `.`, and the sign of an exponent (manual §3.4.6) after a
 * `p`, or after an `e` while no `h`, `x` or `$` has made the number hexadecimal (`1.5e-3`,
 * `0x1.8p+2`, `$1p-3`; not `0x1e-3` nor `$1e+1`, a hexadecimal number and then a sum).
 */
function scanNumber(text: string, i: number, hex = false): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    const letter = c >= Ch.A && c <= Ch.z && (c <= Ch.Z || c >= Ch.a) ? c | 0x20 : 0;
    if ((letter === Ch.e && !hex) || letter === Ch.p) {
      const sign = text.charCodeAt(i + 1);
      i += sign === Ch.Plus || sign === Ch.Minus ? 2 : 1;
      continue;
    }
    if (letter === Ch.h || letter === Ch.x) hex = true;
    else if (letter === 0 && !isDigit(c) && c !== Ch.Underscore && c !== Ch.Dot) break;
    i++;
  }
  return i;
}

/**
 * `%name`, `%1`, `%-1`, `%0`, `%%name`, `%+`, `%,`, `%?`, `%*?`, `%{...}`, `%$name`, `%$$name`, `%!env`. Returns the index
 * past the token, or `i` unchanged when the `%` is an operator.
 */
function scanPercent(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  const c = text.charCodeAt(j);
  // `%,`: nasm's conditional comma, one token (see the preprocessor's expandCall).
  if (c === Ch.Plus || c === Ch.Comma) return j + 1;
  // `%?` and `%??`: the macro's name as called and as defined.
  if (c === Ch.Question) return text.charCodeAt(j + 1) === Ch.Question ? j + 2 : j + 1;
  // `%*?` and `%*??`: the same in a single-line macro's body (nasm 2.16.01's tokenizer).
  if (c === Ch.Star && text.charCodeAt(j + 1) === Ch.Question) return text.charCodeAt(j + 2) === Ch.Question ? j + 3 : j + 2;
  if (c === Ch.LBrace) return scanNested(text, j + 1, Ch.LBrace, Ch.RBrace);
  if (c === Ch.Percent) {
    // (Any name character after `%%` makes a macro-local name, `$`, `#` and `~` too: measured,
    // `%%$l:` in a macro is `..@0.$l:`.)
    if (isIdentChar(text.charCodeAt(j + 1))) {
      j += 1;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      return j;
    }
    return i;
  }
  if (c === Ch.Minus && isDigit(text.charCodeAt(j + 1))) j++;
  if (isDigit(text.charCodeAt(j))) {
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    return j;
  }
  // `%$` with no name after it is the operator `%` and `$` (nasm 2.16.01's tokenizer; measured: `db %$` is
  // `db % $`, 0, with no "context stack is empty"); `%$$` is the outer context's empty name.
  if (c === Ch.Dollar && !isIdentChar(text.charCodeAt(j + 1))) return i;
  if (c === Ch.Dollar || c === Ch.Bang) {
    j++;
    while (j < n && (text.charCodeAt(j) === Ch.Dollar)) j++;
    while (j < n && isIdentChar(text.charCodeAt(j))) j++;
    return j;
  }
  if (isIdentStart(c)) {
    while (j < n && isIdentChar(text.charCodeAt(j))) j++;
    return j;
  }
  return i;
}
