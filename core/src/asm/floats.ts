// Floating-point constants (NASM manual §3.4.6): `1.5`, `1e10`, `1.`, `0x1.8p3`, `0b1.1`, `0q7.4`,
// `1_000.5`, and the special values `__?Infinity?__`, `__?QNaN?__` and `__?SNaN?__`, made into the
// IEEE 754 bytes of `dw` (binary16), `dd` (binary32), `dq` (binary64) and `dt` (x87 extended)
// data and of the `__?floatN?__()` functions.
//
// The value is converted exactly (BigInt) and rounded to nearest; a decimal constant exactly
// halfway between two floats goes to the smaller magnitude, as nasm 2.16 rounds it (measured:
// `dd 16777219.0` is 16777218, `dw 2051.0` is 2050), while one written in a power-of-two radix
// ties to even (`dd 0x1.000003p0`). Far past the largest finite value nasm gives an infinity, but
// just past it other bits (`dd 6.8e38` is 0x7FFFC99E): Ringside reports an error there.

import { standardName } from './macros';

/** A parsed constant: `digits × base^exponent`, or a special value. */
export type FloatConstant =
  | { readonly kind: 'finite'; readonly digits: bigint; readonly base: 2 | 10; readonly exponent: number }
  | { readonly kind: 'infinity' | 'qnan' | 'snan' };

/** An IEEE 754 interchange format, or the x87 extended one with its explicit integer bit. */
export interface FloatFormat {
  readonly name: string;
  readonly exponentBits: number;
  /** Fraction bits, the integer bit excluded. */
  readonly fractionBits: number;
  readonly explicitInteger: boolean;
}

/** The format of each data unit (bytes) that takes floating-point constants. */
export const FLOAT_FORMATS: Readonly<Record<number, FloatFormat>> = {
  1: { name: '8-bit float', exponentBits: 4, fractionBits: 3, explicitInteger: false },
  2: { name: 'half precision', exponentBits: 5, fractionBits: 10, explicitInteger: false },
  4: { name: 'single precision', exponentBits: 8, fractionBits: 23, explicitInteger: false },
  8: { name: 'double precision', exponentBits: 11, fractionBits: 52, explicitInteger: false },
  10: { name: 'extended precision', exponentBits: 15, fractionBits: 63, explicitInteger: true },
  16: { name: 'quadruple precision', exponentBits: 15, fractionBits: 112, explicitInteger: false },
};

/** bfloat16, the upper half of a binary32: what `__?bfloat16?__(x)` encodes (nasm 2.16.01). */
const BFLOAT16: FloatFormat = { name: 'bfloat16', exponentBits: 8, fractionBits: 7, explicitInteger: false };

/**
 * The `__?floatN?__(x)` functions (also spelt `__floatN__`): the format they encode `x` in, and
 * which of its bytes make the integer (`80m`/`128l` the low eight, `80e` the top two, `128h` the
 * top eight). `__?bfloat16?__` has no `__bfloat16__` spelling (measured: that is a symbol).
 */
const FLOAT_FUNCTIONS: Readonly<Record<string, FloatFunction>> = {
  float8: { format: FLOAT_FORMATS[1], from: 0, to: 1 }, float16: { format: FLOAT_FORMATS[2], from: 0, to: 2 }, float32: { format: FLOAT_FORMATS[4], from: 0, to: 4 },
  float64: { format: FLOAT_FORMATS[8], from: 0, to: 8 }, float80m: { format: FLOAT_FORMATS[10], from: 0, to: 8 }, float80e: { format: FLOAT_FORMATS[10], from: 8, to: 10 },
  float128l: { format: FLOAT_FORMATS[16], from: 0, to: 8 }, float128h: { format: FLOAT_FORMATS[16], from: 8, to: 16 },
  bfloat16: { format: BFLOAT16, from: 0, to: 2 },
};

export interface FloatFunction {
  readonly format: FloatFormat;
  /** The bytes of the encoding, little-endian, that make the function's value. */
  readonly from: number;
  readonly to: number;
}

/** The function a word names (`__?float32?__`, `__float32__`), if it names one. */
export function floatFunction(word: string): FloatFunction | undefined {
  // Any case, as nasm's keywords (measured: `__FLOAT32__(1.5)` is __float32__'s).
  const inner = standardName(word)?.toLowerCase();
  if (inner === 'bfloat16' && word.charCodeAt(2) !== 0x3f) return undefined;
  return inner !== undefined && Object.hasOwn(FLOAT_FUNCTIONS, inner) ? FLOAT_FUNCTIONS[inner] : undefined;
}

/** The integer `fn` makes of `bytes` (little-endian, its slice of them), exactly. */
export function floatFunctionValue(fn: FloatFunction, bytes: Uint8Array): bigint {
  let v = 0n;
  for (let k = fn.to - 1; k >= fn.from; k--) v = (v << 8n) | BigInt(bytes[k]);
  return v;
}

/** The special values by the name they are written with (`__?QNaN?__` or `__QNaN__`). */
const SPECIAL: Readonly<Record<string, FloatConstant['kind']>> = { infinity: 'infinity', qnan: 'qnan', snan: 'snan' };

/** `__?Infinity?__`, `__QNaN__` ...: the special value a word names, if it names one. */
export function specialFloat(word: string): FloatConstant | undefined {
  // Any case (measured: `dd __INFINITY__`).
  const inner = standardName(word)?.toLowerCase();
  const kind = inner !== undefined && Object.hasOwn(SPECIAL, inner) ? SPECIAL[inner] : undefined;
  return kind === undefined || kind === 'finite' ? undefined : { kind } as FloatConstant;
}

/** The floating-point constant a token writes (`1.5`, `0x1p-3`, `__?Infinity?__`), or undefined when it writes none. */
export function floatConstant(t: { readonly kind: string; readonly text: string }): FloatConstant | { readonly error: string } | undefined {
  if (t.kind === 'number') return isFloatText(t.text) ? parseFloatConstant(t.text) : undefined;
  return t.kind === 'ident' ? specialFloat(t.text) : undefined;
}

const RADIX_BITS: Readonly<Record<string, number>> = { x: 4, h: 4, o: 3, q: 3, b: 1, y: 1 };

/**
 * Whether a number token's text is a floating-point constant rather than an integer: a `.`, or
 * an exponent (`e` in a decimal constant, `p` after a 0x/0o/0b prefix).
 */
export function isFloatText(text: string): boolean {
  if (text.includes('.')) return true;
  const lower = text.toLowerCase();
  if (lower.length > 2 && lower[0] === '0' && RADIX_BITS[lower[1]] !== undefined) return lower.includes('p', 2);
  // `0t1e5`, `0de` (measured: `dd 0te` is 0.0): a decimal prefix, then an exponent.
  if (lower.length > 2 && lower[0] === '0' && (lower[1] === 'd' || lower[1] === 't')) return /^[0-9_]*e[+-]?[0-9_]*$/.test(lower.slice(2));
  const e = lower.indexOf('e');
  // `1e10` is a float; `0e5h`, `1eh` are hexadecimal integers.
  return e > 0 && /^[0-9_]+e[+-]?[0-9_]*$/.test(lower);
}

/** The value of a floating-point constant's text (see `isFloatText`), or nasm's message for what is wrong with it. */
export function parseFloatConstant(text: string): FloatConstant | { readonly error: string } {
  const lower = text.toLowerCase();
  let i = 0;
  let bitsPerDigit = 0;
  let radix = 10;
  if (lower.length > 2 && lower[0] === '0' && /[xhoqbydt]/.test(lower[1])) {
    bitsPerDigit = RADIX_BITS[lower[1]] ?? 0;
    radix = bitsPerDigit === 0 ? 10 : 1 << bitsPerDigit;
    i = 2;
  }
  let digits = 0n;
  let fraction = 0;
  let seenPoint = false;
  const exponentMark = radix === 10 ? 'e' : 'p';
  for (; i < lower.length; i++) {
    const c = lower[i];
    if (c === '_') continue;
    if (c === '.') {
      if (seenPoint) return { error: "invalid character in floating-point constant significand: '.'" };
      seenPoint = true;
      continue;
    }
    if (c === exponentMark) break;
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= radix) return { error: `invalid character in floating-point constant significand: '${text[i]}'` };
    digits = digits * BigInt(radix) + BigInt(d);
    if (seenPoint) fraction++;
  }
  // No digit after a radix prefix is zero (measured: `dd 0te`, `dd 0x.p1` are 0.0); without a
  // prefix, the lexer's number token starts with a digit.
  let exponent = 0;
  if (i < lower.length) {
    // After `e`/`p`: an optional sign and digits (nasm takes `1.5e` and `1.5e+` as 1.5).
    let j = i + 1;
    let negative = false;
    if (lower[j] === '+' || lower[j] === '-') { negative = lower[j] === '-'; j++; }
    for (; j < lower.length; j++) {
      const c = lower[j];
      if (c === '_') continue;
      if (c < '0' || c > '9') return { error: `invalid character in floating-point constant exponent: '${text[j]}'` };
      // Far past any format's range either way; the cap keeps the BigInt powers small.
      exponent = Math.min(exponent * 10 + (c.charCodeAt(0) - 0x30), 100_000);
    }
    if (negative) exponent = -exponent;
  }
  return radix === 10
    ? { kind: 'finite', digits, base: 10, exponent: exponent - fraction }
    : { kind: 'finite', digits, base: 2, exponent: exponent - bitsPerDigit * fraction };
}

/**
 * `value`'s bytes in `format`, little-endian, and whether it overflowed to an infinity (nasm warns);
 * an error where nasm's bytes are not an infinity.
 */
export function encodeFloat(value: FloatConstant, negative: boolean, format: FloatFormat): { readonly bytes: Uint8Array; readonly overflow: boolean } | { readonly error: string } {
  const { exponentBits, fractionBits, explicitInteger } = format;
  const maxExponent = (1 << exponentBits) - 1;
  const integerBit = explicitInteger ? 1n << BigInt(fractionBits) : 0n;
  let biased: number;
  let mantissa: bigint;
  let overflow = false;
  switch (value.kind) {
    case 'infinity': biased = maxExponent; mantissa = integerBit; break;
    case 'qnan': biased = maxExponent; mantissa = integerBit | (1n << BigInt(fractionBits - 1)); break;
    case 'snan': biased = maxExponent; mantissa = integerBit | 1n; break;
    case 'finite': {
      const rounded = roundToFormat(value, format);
      if (rounded === 'ambiguous') return { error: `floating-point constant just past the largest ${format.name} value: nasm gives it bits that are not an infinity (Ringside does not copy them)` };
      if (rounded === 'infinity') { biased = maxExponent; mantissa = integerBit; overflow = true; break; }
      ({ biased, mantissa } = rounded);
      break;
    }
  }
  const total = 1 + exponentBits + fractionBits + (explicitInteger ? 1 : 0);
  const mantissaBits = BigInt(fractionBits + (explicitInteger ? 1 : 0));
  let bits = (BigInt(biased) << mantissaBits) | mantissa;
  if (negative) bits |= 1n << BigInt(total - 1);
  const out = new Uint8Array(total / 8);
  for (let k = 0; k < out.length; k++) out[k] = Number((bits >> BigInt(8 * k)) & 0xffn);
  return { bytes: out, overflow };
}

/**
 * The biased exponent and stored mantissa of a finite constant in `format`, rounded as the file
 * comment says. From 2^(emax+2) on nasm gives an infinity; from 2^(emax+1) it writes the
 * all-ones exponent with the rounded fraction (`dd 6.8e38` is 0x7FFFC99E), and so does a value
 * that rounds up to 2^(emax+1): those are 'ambiguous'.
 */
function roundToFormat(value: Extract<FloatConstant, { kind: 'finite' }>, format: FloatFormat): { biased: number; mantissa: bigint } | 'infinity' | 'ambiguous' {
  const { exponentBits, fractionBits, explicitInteger } = format;
  if (value.digits === 0n) return { biased: 0, mantissa: 0n };
  const bias = (1 << (exponentBits - 1)) - 1;
  const minExponent = 1 - bias;
  // The value is num / den exactly.
  let num = value.digits;
  let den = 1n;
  const power = BigInt(value.base) ** BigInt(Math.abs(value.exponent));
  if (value.exponent >= 0) num *= power; else den = power;
  // e = floor(log2(value)): from the bit lengths, corrected by one comparison.
  let e = num.toString(2).length - den.toString(2).length;
  if ((e >= 0 ? num : num << BigInt(-e)) < (e >= 0 ? den << BigInt(e) : den)) e--;
  if (e >= bias + 2) return 'infinity';
  if (e === bias + 1) return 'ambiguous';
  // The quantum (one unit in the last place): 2^(e - fractionBits), never below the subnormals'.
  const quantum = Math.max(e, minExponent) - fractionBits;
  // value / 2^quantum = n / d, split into the quotient q and the remainder deciding its rounding.
  const n = quantum < 0 ? num << BigInt(-quantum) : num;
  const d = quantum > 0 ? den << BigInt(quantum) : den;
  let q = n / d;
  const twice = 2n * (n - q * d);
  if (twice > d || (twice === d && value.base === 2 && (q & 1n) === 1n)) q++;
  const hidden = 1n << BigInt(fractionBits);
  if (q < hidden) return { biased: 0, mantissa: q }; // subnormal (or rounded to zero)
  let unbiased = quantum + fractionBits;
  if (q >= hidden << 1n) { q >>= 1n; unbiased++; }
  if (unbiased > bias) return 'ambiguous';
  return { biased: unbiased + bias, mantissa: explicitInteger ? q : q - hidden };
}

/**
 * A number ending in `p` is a packed BCD constant (manual §3.4.7), which only `dt` takes: 18
 * decimal digits, two a byte from the lowest, then a sign byte. Longer ones keep their last 18
 * digits, with a warning (measured: `dt 12345678901234567890p` is 90 78 56 34 12 90 78 56 34 00).
 */
export function isPackedBcdText(text: string): boolean {
  const last = text.charCodeAt(text.length - 1) | 0x20;
  return last === 0x70 && text.length > 1;
}

/** The ten bytes of packed BCD constant `text` (see isPackedBcdText), or nasm's message for what is wrong with it. */
export function packedBcd(text: string, negative: boolean): { readonly bytes: Uint8Array; readonly truncated: boolean } | { readonly error: string } {
  const digits: number[] = [];
  for (const c of text.slice(0, -1)) {
    if (c === '_') continue;
    if (c < '0' || c > '9') return { error: `invalid character \`${c}' in packed BCD constant` };
    digits.push(c.charCodeAt(0) - 0x30);
  }
  const bytes = new Uint8Array(10);
  for (let k = 0; k < 18 && k < digits.length; k++) bytes[k >> 1] |= digits[digits.length - 1 - k] << ((k & 1) * 4);
  if (negative) bytes[9] = 0x80;
  return { bytes, truncated: digits.length > 18 };
}
