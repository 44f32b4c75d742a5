// A number shown in the bases an OS developer reads: hex, signed and unsigned decimal, binary,
// and as characters when its bytes are printable (NASM character constants are little-endian).
// Values are NASM's 64-bit integers, exact (a bigint): `0xFFFFFFFFFFFFFFFF` must not round.

import { encodeFloat, FLOAT_FORMATS, type FloatConstant } from '../../../core/src/asm/floats';

const TWO_31 = 1n << 31n;
const TWO_32 = 1n << 32n;
const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;

function grouped(bits: string): string {
  return bits.replace(/\B(?=(\d{4})+(?!\d))/g, '_');
}

export function numberMarkdown(value: bigint): string {
  const lines: string[] = [];
  if (value < 0n) {
    // A negated constant (`-1`): what `dd` stores when it fits 32 bits, else what `dq` stores.
    const width = value >= -TWO_31 ? 32 : 64;
    const stored = BigInt.asUintN(width, value);
    lines.push(`hex: \`0x${stored.toString(16).toUpperCase()}\` (${width}-bit two's complement)`);
    lines.push(`dec: \`${value.toString(10)}\``);
    lines.push(`unsigned ${width}-bit: \`${stored.toString(10)}\``);
    lines.push(`bin: \`${grouped(stored.toString(2))}b\``);
    return lines.join('  \n');
  }
  const v = value >= TWO_64 ? BigInt.asUintN(64, value) : value;
  lines.push(`hex: \`0x${v.toString(16).toUpperCase()}\``);
  lines.push(`dec: \`${v.toString(10)}\``);
  if (v >= TWO_31 && v < TWO_32) lines.push(`signed 32-bit: \`${BigInt.asIntN(32, v).toString(10)}\``);
  if (v >= TWO_63) lines.push(`signed 64-bit: \`${BigInt.asIntN(64, v).toString(10)}\``);
  lines.push(`bin: \`${grouped(v.toString(2))}b\``);
  if (v > 0n) {
    let chars = '';
    let printable = true;
    for (let rest = v; rest > 0n; rest >>= 8n) {
      const c = Number(rest & 0xffn);
      if (c < 0x20 || c > 0x7e) printable = false;
      chars += String.fromCharCode(c);
    }
    if (printable) lines.push(`chars: \`'${chars}'\``);
  }
  return lines.join('  \n');
}

/** The data units a floating-point constant is written in, by directive. */
const FLOAT_UNITS: readonly (readonly [string, number])[] = [['dw', 2], ['dd', 4], ['dq', 8], ['dt', 10]];

/**
 * A floating-point constant as each data directive stores it (the bytes as one little-endian
 * number, as a debugger's memory view shows a dword), with nasm's reading of it.
 */
export function floatMarkdown(value: FloatConstant, negative: boolean): string {
  const lines: string[] = [];
  if (value.kind === 'finite') {
    const magnitude = value.base === 10 ? Number(`${value.digits}e${value.exponent}`) : Number(value.digits) * 2 ** value.exponent;
    lines.push(`value: \`${negative ? -magnitude : magnitude}\`${value.base === 10 && !Number.isInteger(magnitude) ? ' (nearest double)' : ''}`);
  } else {
    lines.push(`value: \`${negative ? '-' : ''}${value.kind === 'infinity' ? 'infinity' : value.kind === 'qnan' ? 'quiet NaN' : 'signalling NaN'}\``);
  }
  for (const [directive, unit] of FLOAT_UNITS) {
    const encoded = encodeFloat(value, negative, FLOAT_FORMATS[unit]);
    let hex = '';
    for (let k = encoded.bytes.length - 1; k >= 0; k--) hex += encoded.bytes[k].toString(16).toUpperCase().padStart(2, '0');
    lines.push(`${directive} (${FLOAT_FORMATS[unit].name}): \`0x${hex}\`${encoded.warnings.some((w) => w.code === 'float-overflow') ? ' (overflow: infinity)' : ''}`);
  }
  return lines.join('  \n');
}
