// What the user types for "Show Page Walk": a number in any of NASM's common forms (0x1000,
// 1000h, $1000, 0b101, 4096) becomes an address; anything else goes to the adapter as an
// expression over registers and labels (`message`, `esi+4`, `[esp]`). Pure.

import type { TranslateArguments } from '../../../core/src/protocol';

const FORMS: readonly { readonly re: RegExp; readonly radix: number }[] = [
  { re: /^0[xh]([0-9a-f_]+)$/i, radix: 16 },
  { re: /^\$([0-9][0-9a-f_]*)$/i, radix: 16 },
  { re: /^([0-9][0-9a-f_]*)h$/i, radix: 16 },
  { re: /^0[by]([01_]+)$/i, radix: 2 },
  { re: /^([01_]+)[by]$/i, radix: 2 },
  { re: /^0[oq]([0-7_]+)$/i, radix: 8 },
  { re: /^([0-7_]+)[oq]$/i, radix: 8 },
  { re: /^0[dt]([0-9_]+)$/i, radix: 10 },
  { re: /^([0-9_]+)d?$/i, radix: 10 },
];

/** A 32-bit linear address when `text` is a plain number that fits, else undefined. */
export function parseLinearAddress(text: string): number | undefined {
  const t = text.trim();
  for (const { re, radix } of FORMS) {
    const m = re.exec(t);
    if (m === null) continue;
    const digits = m[1].replace(/_/g, '');
    if (digits === '') return undefined;
    const v = parseInt(digits, radix);
    return Number.isSafeInteger(v) && v <= 0xffff_ffff ? v : undefined;
  }
  return undefined;
}

export type AddressInput = { readonly ok: true; readonly args: TranslateArguments } | { readonly ok: false; readonly message: string };

export function translateArguments(text: string): AddressInput {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'Type a linear address (0xC0001000) or an expression (esi+4, [esp], a label).' };
  const address = parseLinearAddress(t);
  if (address !== undefined) return { ok: true, args: { address } };
  if (/^[0-9]/.test(t) && !/[-+*/[\]() ]/.test(t)) return { ok: false, message: `${JSON.stringify(t)} is not a 32-bit number.` };
  return { ok: true, args: { expression: t } };
}
