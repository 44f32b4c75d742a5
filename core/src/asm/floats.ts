// Floating-point constants (NASM manual §3.4.6): `1.5`, `1e10`, `1.`, `0x1.8p3`, `0b1.1`, `0q7.4`,
// `1_000.5`, and the special values `__?Infinity?__`, `__?QNaN?__` and `__?SNaN?__`, made into the
// IEEE 754 bytes of `dw` (binary16), `dd` (binary32), `dq` (binary64) and `dt` (x87 extended)
// data and of the `__?floatN?__()` functions.
//
// The conversion follows nasm 2.16.01's float.c step by step (a 192-bit mantissa, decimal
// constants made by truncating products, its rounding): nasm's bytes are not always the nearest
// value's (a decimal tie goes to the smaller magnitude: `dd 16777219.0` is 16777218; just past the
// largest finite value come other bits: `dd 6.8e38` is 0x7FFFC99E), and Ringside copies them.

import { standardName } from './macros';
import { isFloatText } from './numbers';

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

/** The special values by the name they are written with (`__?QNaN?__` or `__QNaN__`; nasm's `__?NaN?__` is the quiet one, measured). */
const SPECIAL: Readonly<Record<string, FloatConstant['kind']>> = { infinity: 'infinity', nan: 'qnan', qnan: 'qnan', snan: 'snan' };

/** `__?Infinity?__`, `__QNaN__` ...: the special value a word names, if it names one. */
export function specialFloat(word: string): FloatConstant | undefined {
  // Any case (measured: `dd __INFINITY__`).
  const inner = standardName(word)?.toLowerCase();
  const kind = inner !== undefined && Object.hasOwn(SPECIAL, inner) ? SPECIAL[inner] : undefined;
  return kind === undefined || kind === 'finite' ? undefined : { kind } as FloatConstant;
}

/**
 * What is wrong with a floating-point constant, in nasm's words. `inFinalPass`: nasm 2.16.01 says
 * so in its final pass alone, and puts the constant out as a quiet NaN of its sign (float.c's
 * significand check; measured, `dd 9x1.5` lists 0000C07F beside the error, `dq -9x1.5`
 * 000000000000F8FF).
 */
export interface FloatProblem {
  readonly error: string;
  readonly inFinalPass?: true;
}

/** The quiet NaN nasm puts out for a constant it cannot read (see FloatProblem). */
export const QUIET_NAN: FloatConstant = { kind: 'qnan' };

/** The floating-point constant a token writes (`1.5`, `0x1p-3`, `__?Infinity?__`), or undefined when it writes none. */
export function floatConstant(t: { readonly kind: string; readonly text: string }): FloatConstant | FloatProblem | undefined {
  if (t.kind === 'number') return isFloatText(t.text) ? parseFloatConstant(t.text) : undefined;
  return t.kind === 'ident' ? specialFloat(t.text) : undefined;
}

const RADIX_BITS: Readonly<Record<string, number>> = { x: 4, h: 4, o: 3, q: 3, b: 1, y: 1 };

/**
 * The value of a floating-point constant's text (see `isFloatText`), or nasm's message for what
 * is wrong with it. After a 0x, 0o or 0b prefix (or their other letters, or `$`) the digits are
 * binary ones with a `p` exponent, else decimal ones with an `e` exponent, each with nasm's
 * message for a character that does not belong.
 */
export function parseFloatConstant(text: string): FloatConstant | FloatProblem {
  const lower = text.toLowerCase();
  let i = 0;
  let bitsPerDigit = 0;
  if (lower[0] === '$') {
    bitsPerDigit = 4;
    i = 1;
  } else if (lower.length > 2 && lower[0] === '0' && /[xhoqbydt]/.test(lower[1])) {
    bitsPerDigit = RADIX_BITS[lower[1]] ?? 0;
    i = 2;
  }
  const radix = bitsPerDigit === 0 ? 10 : 1 << bitsPerDigit;
  let digits = 0n;
  let fraction = 0;
  let seenPoint = false;
  const exponentMark = radix === 10 ? 'e' : 'p';
  for (; i < lower.length; i++) {
    const c = lower[i];
    if (c === '_') continue;
    if (c === '.') {
      if (seenPoint) return { error: 'too many periods in floating-point constant' };
      seenPoint = true;
      continue;
    }
    if (c === exponentMark) break;
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= radix) return radix === 10 ? { error: `invalid character in floating-point constant significand: '${text[i]}'`, inFinalPass: true } : { error: `floating-point constant: \`${text[i]}' is invalid character` };
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
      // Capped as nasm caps it (its read_exponent()): far past any format's range either way.
      exponent = Math.min(exponent * 10 + (c.charCodeAt(0) - 0x30), radix === 10 ? 5000 : 20000);
    }
    if (negative) exponent = -exponent;
  }
  return radix === 10
    ? { kind: 'finite', digits, base: 10, exponent: exponent - fraction }
    : { kind: 'finite', digits, base: 2, exponent: exponent - bitsPerDigit * fraction };
}

/**
 * The rounding and denormal handling nasm's `float` directive sets (manual §7.12: `[float daz]`,
 * `[float up]`).
 */
export interface FloatMode {
  readonly round: 'near' | 'up' | 'down' | 'zero';
  /** Denormals as zero. */
  readonly daz: boolean;
}

export const DEFAULT_FLOAT_MODE: FloatMode = { round: 'near', daz: false };

/**
 * The mode after `[float word]` (any case), or undefined for a word nasm does not know ("unknown
 * 'float' directive"); the default mode is always DEFAULT_FLOAT_MODE itself.
 */
export function floatModeAfter(mode: FloatMode, word: string): FloatMode | undefined {
  const lower = word.toLowerCase();
  let round = mode.round;
  let daz = mode.daz;
  switch (lower) {
    case 'daz': case 'nodaz': daz = lower === 'daz'; break;
    case 'near': case 'up': case 'down': case 'zero': round = lower; break;
    case 'default': return DEFAULT_FLOAT_MODE;
    default: return undefined;
  }
  return round === 'near' && !daz ? DEFAULT_FLOAT_MODE : { round, daz };
}

/** A warning a constant's conversion gives, with its `[-w+CLASS]`. */
export interface FloatWarning {
  readonly code: 'float-overflow' | 'float-denorm' | 'float-underflow' | 'float-toolong';
  readonly message: string;
}

const OVERFLOW: FloatWarning = { code: 'float-overflow', message: 'overflow in floating-point constant' };
const DENORMAL: FloatWarning = { code: 'float-denorm', message: 'denormal floating-point constant' };
const UNDERFLOW: FloatWarning = { code: 'float-underflow', message: 'underflow in floating-point constant' };

/** nasm keeps this many significant decimal digits, and warns past them. */
const MANT_DIGITS = 52;
const TOO_LONG: FloatWarning = { code: 'float-toolong', message: `floating-point constant significand contains more than ${MANT_DIGITS} digits` };

/** nasm's working mantissa: six 32-bit limbs. */
const MANT_BITS = 192;
const MANT_MASK = (1n << BigInt(MANT_BITS)) - 1n;

/**
 * `value`'s bytes in `format`, little-endian, with the warnings nasm gives for it (more than 52
 * significant digits; an overflow to infinity; a denormal, an underflow to zero, both off by
 * default), made as nasm 2.16.01's float_const() makes them, quirks included: a value from
 * 2^(emax+1) up to 2^(emax+2) gets the all-ones exponent and its rounded fraction, no infinity
 * unless that fraction is zero (`dd 6.8e38` is 0x7FFFC99E, `dq 1.797693134862316e308` an infinity
 * without a warning), while one that rounds up to 2^(emax+1) is an infinity with the warning
 * (`dd 0x1.ffffffp127`).
 */
export function encodeFloat(value: FloatConstant, negative: boolean, format: FloatFormat, mode: FloatMode = DEFAULT_FLOAT_MODE): { readonly bytes: Uint8Array; readonly warnings: readonly FloatWarning[] } {
  const { exponentBits, fractionBits } = format;
  const explicit = format.explicitInteger ? 1 : 0;
  const bits = 1 + exponentBits + explicit + fractionBits;
  // Bits numbered from the top as nasm does: 0 the sign's, then the exponent's, then the integer
  // bit (explicit, or removed) and the fraction's; what lies past `bits` is not written.
  const at = (index: number): bigint => 1n << BigInt(MANT_BITS - 1 - index);
  const expmax = 1 << (exponentBits - 1);
  const one = at(exponentBits + explicit);
  const infinity = ((1n << BigInt(exponentBits)) - 1n) * at(exponentBits) | (explicit ? one : 0n);
  let mant: bigint;
  let warning: FloatWarning | undefined;
  let tooLong = false;
  if (value.kind !== 'finite') {
    mant = value.kind === 'qnan' ? infinity | at(exponentBits + explicit + 1) : value.kind === 'snan' ? infinity | at(exponentBits + explicit + fractionBits) : infinity;
  } else {
    const converted = nasmMantissa(value);
    tooLong = converted.tooLong;
    mant = converted.mant;
    // The value is 1.xxx × 2^exponent.
    let exponent = converted.exponent - 1;
    if (mant === 0n) {
      // zero
    } else if (exponent > expmax) {
      warning = OVERFLOW;
      mant = infinity;
    } else if (exponent >= 2 - expmax) {
      exponent += expmax - 1;
      mant = nasmRound(mant >> BigInt(exponentBits + explicit), negative, bits, mode.round);
      // Rounded up to the next power of two: past the largest finite value, an infinity.
      const carried = (mant & at(exponentBits + explicit - 1)) !== 0n;
      if (carried) {
        mant >>= 1n;
        exponent++;
      }
      if (carried && exponent >= (expmax << 1) - 1) {
        warning = OVERFLOW;
        mant = infinity;
      } else {
        if (!explicit) mant &= ~one;
        mant |= BigInt(exponent) * at(exponentBits);
      }
    } else {
      // A denormal, or zero once rounded (the bit at `one` set: rounded up to the smallest normal).
      const shift = -(exponent + expmax - 2 - exponentBits) + explicit;
      mant = nasmRound(shift >= MANT_BITS ? 0n : mant >> BigInt(shift), negative, bits, mode.round);
      if ((mant & one) !== 0n) {
        if (!explicit) mant &= ~one;
        mant |= at(exponentBits);
      } else if (mode.daz || mant === 0n) {
        warning = UNDERFLOW;
        mant = 0n;
      } else {
        warning = DENORMAL;
      }
    }
  }
  if (negative) mant |= at(0);
  const out = new Uint8Array(bits / 8);
  for (let k = 0; k < out.length; k++) out[k] = Number((mant >> BigInt(MANT_BITS - 8 * (out.length - k))) & 0xffn);
  const warnings = tooLong ? [TOO_LONG] : [];
  if (warning !== undefined) warnings.push(warning);
  return { bytes: out, warnings };
}

/**
 * Round `mant` off after its first `bits` bits as nasm's ieee_round() does: to nearest with ties
 * to even; toward zero by dropping the rest; away from zero by adding half a unit in the last
 * place to the bits kept with the half bit, so only a value whose half bit is set goes up
 * (measured: under `[float up]`, `dd 0x1.0000008p0` is 0x3F800000 and `dd 0x1.000001p0`
 * 0x3F800001). What is left past `bits` is not written.
 */
function nasmRound(mant: bigint, negative: boolean, bits: number, round: FloatMode['round']): bigint {
  const half = 1n << BigInt(MANT_BITS - 1 - bits);
  const below = half - 1n;
  let up: boolean;
  if (round === 'near') up = (mant & half) !== 0n && ((mant & below) !== 0n || (mant & (half << 1n)) !== 0n);
  else if (round === 'zero' || round === (negative ? 'up' : 'down')) up = false;
  else up = (mant & (half | below)) !== 0n;
  return up ? ((mant & ~below) + half) & MANT_MASK : mant & ~below;
}

/**
 * A finite constant as nasm's converters leave it: a 192-bit mantissa (its top bit set unless
 * the value is zero) and `exponent`, the value being 0.mantissa × 2^exponent. A power-of-two
 * radix is exact up to 192 bits and cut there; a decimal keeps its first 52 digits and is made
 * with truncating 192-bit products (a decimal like 1.5 comes out just below its value, so it
 * ties downward: `dd 16777219.0` is 16777218, and `[float down]` makes `dd 1.5` 0x3FBFFFFF).
 */
function nasmMantissa(value: Extract<FloatConstant, { kind: 'finite' }>): { mant: bigint; exponent: number; tooLong: boolean } {
  if (value.digits === 0n) return { mant: 0n, exponent: 0, tooLong: false };
  if (value.base === 2) {
    const length = value.digits.toString(2).length;
    const mant = length <= MANT_BITS ? value.digits << BigInt(MANT_BITS - length) : value.digits >> BigInt(length - MANT_BITS);
    return { mant, exponent: value.exponent + length, tooLong: false };
  }
  let digits = value.digits;
  let exponent = value.exponent;
  const written = digits.toString().length;
  if (written > MANT_DIGITS) {
    digits /= 10n ** BigInt(written - MANT_DIGITS);
    exponent += written - MANT_DIGITS;
  }
  while (digits % 10n === 0n) { digits /= 10n; exponent++; }
  // value = 0.digits × 10^tenpwr; 0.digits = 0.mant × 2^-k, mant's top bit set.
  const n = digits.toString().length;
  const tenScale = 10n ** BigInt(n);
  let k = Math.max(0, tenScale.toString(2).length - digits.toString(2).length - 1);
  while (k > 0 && digits << BigInt(k) >= tenScale) k--;
  while (digits << BigInt(k + 1) < tenScale) k++;
  let mant = (digits << BigInt(k + MANT_BITS)) / tenScale;
  let tenpwr = exponent + n;
  let twopwr = tenpwr - k;
  // Times 5^tenpwr, by squaring a 192-bit 5 or 0.2 (0xCCCC...CCCD).
  let mult = tenpwr < 0 ? FIFTH : 5n << BigInt(MANT_BITS - 3);
  let extratwos = tenpwr < 0 ? -2 : 3;
  tenpwr = Math.abs(tenpwr);
  while (tenpwr !== 0) {
    if (tenpwr & 1) {
      const product = multiply(mant, mult);
      mant = product.mant;
      twopwr += extratwos + product.shift;
    }
    const square = multiply(mult, mult);
    mult = square.mant;
    extratwos = extratwos * 2 + square.shift;
    tenpwr >>= 1;
  }
  return { mant, exponent: twopwr, tooLong: written > MANT_DIGITS };
}

const FIFTH = BigInt(`0x${'cccccccc'.repeat(MANT_BITS / 32 - 1)}cccccccd`);

/** nasm's float_multiply(): the top 192 bits of a product of two mantissas, and -1 when it shifted them up one. */
function multiply(a: bigint, b: bigint): { mant: bigint; shift: number } {
  const product = a * b;
  return product >> BigInt(2 * MANT_BITS - 1) !== 0n
    ? { mant: product >> BigInt(MANT_BITS), shift: 0 }
    : { mant: (product >> BigInt(MANT_BITS - 1)) & MANT_MASK, shift: -1 };
}

/**
 * A number ending in `p`, or starting with `0p`, is a packed BCD constant (manual §3.4.7), which
 * only `dt` takes: 18 decimal digits, two a byte from the lowest, then a sign byte. Longer ones
 * keep their last 18 digits, with a warning (measured: `dt 12345678901234567890p` is 90 78 56 34
 * 12 90 78 56 34 00). Its digits' text (the prefix first: `0p12p` has a `p` among them), or
 * undefined for another number.
 */
export function packedBcdDigits(text: string): string | undefined {
  if (text.length > 2 && text.charCodeAt(0) === 0x30 && (text.charCodeAt(1) | 0x20) === 0x70) return text.slice(2);
  const last = text.charCodeAt(text.length - 1) | 0x20;
  return last === 0x70 && text.length > 1 ? text.slice(0, -1) : undefined;
}

/** The ten bytes of packed BCD constant `digitsText` (see packedBcdDigits), or nasm's message for what is wrong with it. */
export function packedBcd(digitsText: string, negative: boolean): { readonly bytes: Uint8Array; readonly truncated: boolean } | { readonly error: string } {
  const digits: number[] = [];
  for (const c of digitsText) {
    if (c === '_') continue;
    if (c < '0' || c > '9') return { error: `invalid character \`${c}' in packed BCD constant` };
    digits.push(c.charCodeAt(0) - 0x30);
  }
  const bytes = new Uint8Array(10);
  for (let k = 0; k < 18 && k < digits.length; k++) bytes[k >> 1] |= digits[digits.length - 1 - k] << ((k & 1) * 4);
  if (negative) bytes[9] = 0x80;
  return { bytes, truncated: digits.length > 18 };
}
