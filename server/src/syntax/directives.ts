// The NASM directives, preprocessor directives and size keywords of the guest dialect
// (DESIGN.md §2), with the one-line documentation completion and hover show (NASM manual ch. 4-8).

export interface KeywordDoc {
  readonly name: string;
  readonly doc: string;
  /** Snippet body for completion (LSP snippet syntax), when the keyword takes arguments. */
  readonly snippet?: string;
}

export const DIRECTIVES: readonly KeywordDoc[] = [
  { name: 'bits', doc: 'Set the code size: `bits 32` (NASM §7.1).', snippet: 'bits ${1:32}' },
  { name: 'org', doc: 'Origin address of the flat binary (NASM §8.1.1).', snippet: 'org ${1:0x100000}' },
  { name: 'section', doc: 'Switch to (or declare) a section: `align=`, `vstart=`, `follows=`, `progbits`/`nobits` (NASM §8.1.3).', snippet: 'section ${1:.text}' },
  { name: 'segment', doc: 'Synonym of `section`.', snippet: 'segment ${1:.text}' },
  { name: 'align', doc: 'Pad with NOPs (or a given byte) to a multiple of N (NASM §5.10.1).', snippet: 'align ${1:4}' },
  { name: 'alignb', doc: 'Reserve space up to a multiple of N, for nobits sections (NASM §5.10.1).', snippet: 'alignb ${1:4}' },
  { name: 'times', doc: 'Repeat an instruction or data N times (NASM §3.2.5).', snippet: 'times ${1:count} ${2:db 0}' },
  { name: 'db', doc: 'Declare bytes (NASM §3.2.1).', snippet: 'db ${1:0}' },
  { name: 'dw', doc: 'Declare 16-bit words.', snippet: 'dw ${1:0}' },
  { name: 'dd', doc: 'Declare 32-bit doublewords.', snippet: 'dd ${1:0}' },
  { name: 'dq', doc: 'Declare 64-bit quadwords.', snippet: 'dq ${1:0}' },
  { name: 'resb', doc: 'Reserve uninitialized bytes (NASM §3.2.2).', snippet: 'resb ${1:1}' },
  { name: 'resw', doc: 'Reserve uninitialized words.', snippet: 'resw ${1:1}' },
  { name: 'resd', doc: 'Reserve uninitialized doublewords.', snippet: 'resd ${1:1}' },
  { name: 'resq', doc: 'Reserve uninitialized quadwords.', snippet: 'resq ${1:1}' },
  { name: 'equ', doc: 'Define a constant: `name equ value` (NASM §3.2.4).', snippet: 'equ ${1:0}' },
  { name: 'incbin', doc: 'Include a binary file verbatim (NASM §3.2.3).', snippet: "incbin '${1:file.bin}'" },
  { name: 'global', doc: 'Accepted for compatibility; has no effect in `-f bin`.', snippet: 'global ${1:name}' },
  { name: 'extern', doc: 'Accepted for compatibility; `-f bin` cannot resolve externals.', snippet: 'extern ${1:name}' },
  { name: 'struc', doc: 'Begin a structure type: fields become offsets (NASM §5.9.1).', snippet: 'struc ${1:name}\n\t$0\nendstruc' },
  { name: 'endstruc', doc: 'End a structure type; defines `NAME_size`.' },
  { name: 'istruc', doc: 'Begin an instance of a structure (NASM §5.9.2).', snippet: 'istruc ${1:name}\n\t$0\niend' },
  { name: 'at', doc: 'Give a field value inside `istruc`.', snippet: 'at ${1:field}, ${2:dd 0}' },
  { name: 'iend', doc: 'End a structure instance.' },
];

export const PREPROCESSOR_DIRECTIVES: readonly KeywordDoc[] = [
  { name: '%define', doc: 'Single-line macro, expanded when used (NASM §4.1.1).', snippet: '%define ${1:NAME} ${2:value}' },
  { name: '%xdefine', doc: 'Single-line macro, expanded when defined (NASM §4.1.2).', snippet: '%xdefine ${1:NAME} ${2:value}' },
  { name: '%undef', doc: 'Remove a single-line macro.', snippet: '%undef ${1:NAME}' },
  { name: '%assign', doc: 'Numeric single-line macro, evaluated when defined (NASM §4.1.8).', snippet: '%assign ${1:NAME} ${2:0}' },
  { name: '%macro', doc: 'Multi-line macro with parameters: `%macro name min[-max|-*]` (NASM §4.3).', snippet: '%macro ${1:name} ${2:0}\n\t$0\n%endmacro' },
  { name: '%endmacro', doc: 'End of a multi-line macro.' },
  { name: '%rotate', doc: 'Rotate macro parameters left (or right when negative) (NASM §4.3.7).', snippet: '%rotate ${1:1}' },
  { name: '%rep', doc: 'Repeat a block N times (NASM §4.5).', snippet: '%rep ${1:count}\n\t$0\n%endrep' },
  { name: '%endrep', doc: 'End of a `%rep` block.' },
  { name: '%exitrep', doc: 'Leave the innermost `%rep` block early.' },
  { name: '%if', doc: 'Assemble the block when the expression is non-zero (NASM §4.4.5).', snippet: '%if ${1:expr}\n\t$0\n%endif' },
  { name: '%elif', doc: 'Else-if branch of a conditional block.', snippet: '%elif ${1:expr}' },
  { name: '%else', doc: 'Else branch of a conditional block.' },
  { name: '%endif', doc: 'End of a conditional block.' },
  { name: '%ifdef', doc: 'Assemble the block when a single-line macro is defined (NASM §4.4.1).', snippet: '%ifdef ${1:NAME}\n\t$0\n%endif' },
  { name: '%ifndef', doc: 'Assemble the block when a single-line macro is not defined.', snippet: '%ifndef ${1:NAME}\n\t$0\n%endif' },
  { name: '%ifidn', doc: 'Assemble the block when two token sequences are identical (NASM §4.4.7).', snippet: '%ifidn ${1:a}, ${2:b}\n\t$0\n%endif' },
  { name: '%ifnum', doc: 'Assemble the block when the token is a number (NASM §4.4.8).', snippet: '%ifnum ${1:x}\n\t$0\n%endif' },
  { name: '%include', doc: 'Include a source file, searched next to the includer then in `-I` paths (NASM §4.6.1).', snippet: "%include '${1:file.inc}'" },
  { name: '%error', doc: 'Report a user error at this line.', snippet: "%error '${1:message}'" },
  { name: '%warning', doc: 'Report a user warning at this line.', snippet: "%warning '${1:message}'" },
  { name: '%pragma', doc: 'Tool-specific setting; NASM ignores namespaces it does not know. Ringside reads `%pragma ringside technique NAME`, `%pragma ringside kernel` and `%pragma ringside user`.', snippet: '%pragma ringside ${1|technique,kernel,user|}' },
];

export const SIZE_KEYWORDS: readonly KeywordDoc[] = [
  { name: 'byte', doc: '8-bit operand size.' },
  { name: 'word', doc: '16-bit operand size.' },
  { name: 'dword', doc: '32-bit operand size.' },
  { name: 'qword', doc: '64-bit operand size.' },
  { name: 'short', doc: 'Force an 8-bit relative jump.' },
  { name: 'near', doc: 'A near (offset-only) jump or call.' },
  { name: 'far', doc: 'A far jump or call through a segment:offset pointer.' },
  { name: 'strict', doc: 'Keep the written operand size; the optimizer may not shrink it.' },
];

const DIRECTIVE_NAMES = new Set(DIRECTIVES.map((d) => d.name));
const PREPROC_BY_NAME = new Map(PREPROCESSOR_DIRECTIVES.map((d) => [d.name, d]));
const DIRECTIVE_BY_NAME = new Map([...DIRECTIVES, ...SIZE_KEYWORDS].map((d) => [d.name, d]));

export function isDirective(word: string): boolean {
  return DIRECTIVE_NAMES.has(word.toLowerCase());
}

export function keywordDoc(word: string): KeywordDoc | undefined {
  const lower = word.toLowerCase();
  return lower.startsWith('%') ? PREPROC_BY_NAME.get(lower) : DIRECTIVE_BY_NAME.get(lower);
}

export function isSizeKeyword(word: string): boolean {
  const lower = word.toLowerCase();
  return SIZE_KEYWORDS.some((k) => k.name === lower);
}
