// A number shown in the bases an OS developer reads: hex, signed and unsigned decimal, binary,
// and as characters when its bytes are printable (NASM character constants are little-endian).

export function numberMarkdown(value: number): string {
  const lines: string[] = [];
  const big = BigInt(Math.trunc(value));
  lines.push(`hex: \`0x${big.toString(16).toUpperCase()}\``);
  lines.push(`dec: \`${big.toString(10)}\``);
  if (big >= 0x80000000n && big <= 0xffffffffn) lines.push(`signed 32-bit: \`${Number(BigInt.asIntN(32, big))}\``);
  const bin = big >= 0n ? big.toString(2) : BigInt.asUintN(32, big).toString(2);
  lines.push(`bin: \`${bin.replace(/\B(?=(\d{4})+(?!\d))/g, '_')}b\``);
  if (big > 0n && big <= 0xffffffffn) {
    let chars = '';
    let v = Number(big);
    let printable = true;
    while (v > 0) {
      const c = v & 0xff;
      if (c < 0x20 || c > 0x7e) printable = false;
      chars += String.fromCharCode(c);
      v = Math.floor(v / 256);
    }
    if (printable) lines.push(`chars: \`'${chars}'\``);
  }
  return lines.join('  \n');
}
