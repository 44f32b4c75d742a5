// Generates the benchmark guest sources: a large NASM file mixing every common statement kind
// (instructions with all addressing forms, labels, local labels, short/near branches, data).
const MNEMONIC_LINES = [
  (i) => `  mov eax, [ebx+ecx*4+${(i * 4) & 0xff}]`,
  (i) => `  add esi, ${i & 0x7f}`,
  (i) => `  sub dword [ebp-${(i & 0x3f) + 4}], ${i * 3}`,
  () => `  xor edx, edx`,
  (i) => `  lea edi, [esi+${i & 0xffff}]`,
  () => `  push ebp`,
  () => `  mov ebp, esp`,
  (i) => `  cmp al, ${i & 0x7f}`,
  () => `  jne .skip`,
  (i) => `  shl ecx, ${(i % 31) + 1}`,
  () => `  movzx eax, byte [edi]`,
  (i) => `  test dword [esi+${i & 0x7f}], 0x80`,
  () => `  pop ebp`,
  () => `.skip:`,
];

/**
 * A program of about `lines` lines: blocks of straight-line code with labels and branches.
 * `variant` 1, 2, ... gives programs of the same shape and instruction mix whose lines differ
 * from variant 0's and from each other's (other labels, registers swapped, and a comment naming the
 * variant on lines that would still repeat), so a warm language server that opens one has seen
 * none of its lines before.
 */
export function generateProgram(lines, variant = 0) {
  const out = ['bits 32', 'org 0x100000', 'section .text'];
  const swap = registerSwap(variant);
  const name = variant === 0 ? '' : `v${variant}_`;
  const tag = variant === 0 ? '' : ` ; v${variant}`;
  let block = 0;
  while (out.length < lines) {
    out.push(`${name}block_${block}:`);
    for (let i = 0; i < MNEMONIC_LINES.length; i++) out.push(swap(MNEMONIC_LINES[i](block + i)) + tag);
    out.push(`  jmp ${name}block_${block + 1}`);
    if (block % 50 === 0) out.push(`  call ${name}far_target_${Math.floor(block / 50)}`);
    block++;
  }
  out.push(`${name}block_${block}:`);
  for (let k = 0; k <= Math.floor(block / 50); k++) out.push(`${name}far_target_${k}:`, `  ret${tag}`);
  out.push('section .data', `${name}message: db "benchmark", 10, 0`, `${name}table: times 64 dd 0`);
  return out.join('\n') + '\n';
}

const GENERAL = ['eax', 'ebx', 'ecx', 'edx'];
const LOW_BYTE = { eax: 'al', ebx: 'bl', ecx: 'cl', edx: 'dl' };

/** Renames eax..edx (and al) by the variant's permutation of them, and swaps esi/edi in odd variants. */
function registerSwap(variant) {
  if (variant === 0) return (line) => line;
  const pool = GENERAL.slice();
  const perm = [];
  for (let n = variant, k = pool.length; k > 0; n = Math.floor(n / k), k--) perm.push(pool.splice(n % k, 1)[0]);
  const to = new Map(GENERAL.map((r, i) => [r, perm[i]]));
  for (const r of GENERAL) to.set(LOW_BYTE[r], LOW_BYTE[to.get(r)]);
  to.set('esi', variant % 2 === 1 ? 'edi' : 'esi');
  to.set('edi', variant % 2 === 1 ? 'esi' : 'edi');
  return (line) => line.replace(/\b(e[abcd]x|[abcd]l|e[sd]i)\b/g, (r) => to.get(r) ?? r);
}
