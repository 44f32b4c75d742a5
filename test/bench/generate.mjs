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

/** A program of about `lines` lines: blocks of straight-line code with labels and branches. */
export function generateProgram(lines) {
  const out = ['bits 32', 'org 0x100000', 'section .text'];
  let block = 0;
  while (out.length < lines) {
    out.push(`block_${block}:`);
    for (let i = 0; i < MNEMONIC_LINES.length; i++) out.push(MNEMONIC_LINES[i](block + i));
    out.push(`  jmp block_${block + 1}`);
    if (block % 50 === 0) out.push(`  call far_target_${Math.floor(block / 50)}`);
    block++;
  }
  out.push(`block_${block}:`);
  for (let k = 0; k <= Math.floor(block / 50); k++) out.push(`far_target_${k}:`, '  ret');
  out.push('section .data', 'message: db "benchmark", 10, 0', 'table: times 64 dd 0');
  return out.join('\n') + '\n';
}
