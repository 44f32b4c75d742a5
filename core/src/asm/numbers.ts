// NASM numeric constants (manual §3.4.1): prefixes 0x/0h/$ 0d/0t 0o/0q 0b/0y, suffixes h/x d/t q/o b/y,
// underscores as separators. A radix suffix wins when the digits before it are valid in that radix
// (nasm reads `0bh` as 0x0B and `0b1h` as 0xB1).

const RADIX: Record<string, number> = { h: 16, x: 16, d: 10, t: 10, o: 8, q: 8, b: 2, y: 2 };

function digitsValue(digits: string, radix: number): number | undefined {
  let v = 0;
  let any = false;
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i) | 0x20;
    if (c === 0x7f) continue; // '_' | 0x20
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
    else return undefined;
    if (d >= radix) return undefined;
    v = v * radix + d;
    any = true;
  }
  if (!any) return undefined;
  // Above 2^53 the number is approximate (parseNumberExact gives the exact 64-bit value); wrap
  // it to 64 bits like nasm, exactly, so even a 400-digit literal stays finite.
  return v > Number.MAX_SAFE_INTEGER ? Number(BigInt.asUintN(64, digitsBig(digits, radix))) : v;
}

function digitsBig(digits: string, radix: number): bigint {
  let v = 0n;
  const r = BigInt(radix);
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i) | 0x20;
    if (c === 0x7f) continue;
    v = v * r + BigInt(c <= 0x39 ? c - 0x30 : c - 0x61 + 10);
  }
  return v;
}

/**
 * The exact value of a number token whose `parseNumber` value is beyond 2^53, as nasm's signed
 * 64-bit integer (wrapping modulo 2^64). Only for tokens `parseNumber` accepted.
 */
export function parseNumberExact(text: string): bigint {
  return BigInt.asIntN(64, unwrappedValue(text));
}

/**
 * A number token is 2^64 or more (nasm warns, and keeps the low 64 bits); not one `parseNumber`
 * refuses, of which nasm's scanner says nothing but that it is no number (measured with nasm
 * 2.16.01: `db 2z2222222222222222222222` is "expression syntax error" alone).
 */
export function exceeds64Bits(text: string): boolean {
  return unwrappedValue(text) >= 1n << 64n && parseNumber(text) !== undefined;
}

function unwrappedValue(text: string): bigint {
  if (text.charCodeAt(0) === 0x24) return digitsBig(text.slice(1), 16);
  const lower = text.toLowerCase();
  const suffix = RADIX[lower[lower.length - 1]];
  if (suffix !== undefined && lower.length > 1 && digitsValue(lower.slice(0, -1), suffix) !== undefined) return digitsBig(lower.slice(0, -1), suffix);
  if (lower.length > 2 && lower[0] === '0' && RADIX[lower[1]] !== undefined) return digitsBig(lower.slice(2), RADIX[lower[1]]);
  return digitsBig(lower, 10);
}

/** The value of a number token, or undefined when it is malformed. */
export function parseNumber(text: string): number | undefined {
  if (text.charCodeAt(0) === 0x24) return digitsValue(text.slice(1), 16);
  const lower = text.toLowerCase();
  const last = lower[lower.length - 1];
  const suffix = RADIX[last];
  if (suffix !== undefined && lower.length > 1) {
    const v = digitsValue(lower.slice(0, -1), suffix);
    if (v !== undefined) return v;
  }
  if (lower.length > 2 && lower[0] === '0') {
    const prefix = RADIX[lower[1]];
    // Underscores alone after a prefix are 0 (measured: `dq 0b_` and `dd 0X_` are 0).
    if (prefix !== undefined) return digitsValue(lower.slice(2), prefix) ?? (/^_+$/.test(lower.slice(2)) ? 0 : undefined);
  }
  return digitsValue(lower, 10);
}

/**
 * The number nasm's `readnum` reads from `text` (a directive's or an option's argument), undefined
 * where it errs: after blanks and a `-`, a run of letters, digits, `_` and `$` that is a number
 * (what follows the run is not looked at: measured, `[common a 5 x]`, `[common a 5.0]` and
 * `--limit-rep=5.0` are no error, `[common a +5]`, `[common a (5)]` and `--limit-rep=+5` are).
 */
export function readNumber(text: string): number | undefined {
  const m = /^\s*(-?)([0-9A-Za-z_$]*)/.exec(text)!;
  const v = m[2] === '' ? undefined : parseNumber(m[2]);
  return v === undefined ? undefined : m[1] === '-' ? -v : v;
}

/**
 * Whether a number token's text is a floating-point constant rather than an integer, as nasm
 * 2.16.01's scanner decides (see the lexer's scanNumber): a `.` or a `p` anywhere, or an `e` seen
 * while no `h`, `x` or `$` has made the number hexadecimal, unless an `h` or `x` comes after it
 * with no sign between (`1e10`, `0t1e5` and `0b1e` are floats, `0e5h`, `1ex` and `0x1e` integers).
 */
export function isFloatText(text: string): boolean {
  let hex = text.charCodeAt(0) === 0x24;
  let exponent = false;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k) | 0x20;
    if (c === 0x2e || c === 0x70) return true;
    if (c === 0x65 && !hex) {
      const sign = text.charCodeAt(k + 1);
      if (sign === 0x2b || sign === 0x2d) return true;
      exponent = true;
    } else if (c === 0x68 || c === 0x78) hex = true;
  }
  return exponent && !hex;
}
