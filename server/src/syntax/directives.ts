// The NASM directives, preprocessor directives, size keywords and built-in names of the guest
// dialect (DESIGN.md §2), with the one-line documentation completion and hover show (NASM manual
// ch. 3-8). test/unit/lsp-directives.test.ts keeps these sets equal to what the assembler accepts.

import { standardName } from '../../../core/src/asm/macros';

export interface KeywordDoc {
  readonly name: string;
  readonly doc: string;
  /** Snippet body for completion (LSP snippet syntax), when the keyword takes arguments. */
  readonly snippet?: string;
}

export const DIRECTIVES: readonly KeywordDoc[] = [
  { name: 'bits', doc: 'Set the code size: `bits 32` (NASM §7.1).', snippet: 'bits ${1:32}' },
  { name: 'use16', doc: 'Synonym of `bits 16` (NASM §7.1.1).' },
  { name: 'use32', doc: 'Synonym of `bits 32` (NASM §7.1.1).' },
  { name: 'use64', doc: 'Synonym of `bits 64`, which the IA-32 dialect refuses (NASM §7.1.1).' },
  { name: 'userel', doc: 'Synonym of `default rel`; changes nothing in 16- or 32-bit code (NASM §7.2).' },
  { name: 'useabs', doc: 'Synonym of `default abs`, the default (NASM §7.2).' },
  { name: 'usebnd', doc: 'Synonym of `default bnd`; changes nothing in Ringside\'s dialect, which has no MPX (NASM §7.2).' },
  { name: 'usenobnd', doc: 'Synonym of `default nobnd`, the default (NASM §7.2).' },
  { name: 'cpu', doc: 'Restrict the instruction set to a processor level; accepted, Ringside assembles IA-32 (NASM §7.11).', snippet: 'cpu ${1:686}' },
  { name: 'float', doc: 'How floating-point constants are rounded: `near` (the default), `up`, `down`, `zero`; `daz` flushes denormals to zero, `nodaz` keeps them, `default` resets both (NASM §7.12).', snippet: 'float ${1:near}' },
  { name: 'default', doc: 'Change a default such as `rel`/`abs`; accepted for compatibility in 32-bit code (NASM §7.2).', snippet: 'default ${1:abs}' },
  { name: 'absolute', doc: 'Assemble at an absolute address without emitting code: labels that follow get addresses there (NASM §7.4).', snippet: 'absolute ${1:0}' },
  { name: 'org', doc: 'Origin address of the flat binary (NASM §8.1.1).', snippet: 'org ${1:0x100000}' },
  { name: 'section', doc: 'Switch to (or declare) a section: `align=`, `vstart=`, `follows=`, `progbits`/`nobits` (NASM §8.1.3).', snippet: 'section ${1:.text}' },
  { name: 'segment', doc: 'Synonym of `section`.', snippet: 'segment ${1:.text}' },
  { name: 'align', doc: 'Pad with NOPs (or a given byte) to a multiple of N; after `%use smartalign`, with the NOPs of its `alignmode` (NASM §5.10.1, §6.2).', snippet: 'align ${1:4}' },
  { name: 'alignb', doc: 'Reserve space up to a multiple of N, for nobits sections (NASM §5.10.1).', snippet: 'alignb ${1:4}' },
  { name: 'sectalign', doc: 'Raise the alignment of the current section (in bin output, where it is placed): `sectalign 16`. `sectalign off` stops `align`/`alignb` from raising it, `sectalign on` resumes (NASM §5.10.2).', snippet: 'sectalign ${1:16}' },
  { name: 'times', doc: 'Repeat an instruction or data N times (NASM §3.2.5).', snippet: 'times ${1:4} ${2:db 0}' },
  { name: 'db', doc: 'Declare bytes (NASM §3.2.1).', snippet: 'db ${1:0}' },
  { name: 'dw', doc: 'Declare 16-bit words.', snippet: 'dw ${1:0}' },
  { name: 'dd', doc: 'Declare 32-bit doublewords.', snippet: 'dd ${1:0}' },
  { name: 'dq', doc: 'Declare 64-bit quadwords.', snippet: 'dq ${1:0}' },
  { name: 'dt', doc: 'Declare 80-bit extended-precision values (ten bytes).', snippet: 'dt ${1:0.0}' },
  { name: 'resb', doc: 'Reserve uninitialized bytes (NASM §3.2.2).', snippet: 'resb ${1:1}' },
  { name: 'resw', doc: 'Reserve uninitialized words.', snippet: 'resw ${1:1}' },
  { name: 'resd', doc: 'Reserve uninitialized doublewords.', snippet: 'resd ${1:1}' },
  { name: 'resq', doc: 'Reserve uninitialized quadwords.', snippet: 'resq ${1:1}' },
  { name: 'rest', doc: 'Reserve uninitialized ten-byte values.', snippet: 'rest ${1:1}' },
  { name: 'equ', doc: 'Define a constant: `name equ value` (NASM §3.2.4).', snippet: 'equ ${1:0}' },
  { name: 'incbin', doc: 'Include a binary file verbatim (NASM §3.2.3).', snippet: "incbin '${1:file.bin}'" },
  { name: 'global', doc: 'Accepted for compatibility; has no effect in `-f bin`, which rejects a symbol type (`global start:function`).', snippet: 'global ${1:name}' },
  { name: 'extern', doc: 'Accepted for compatibility; `-f bin` cannot resolve externals.', snippet: 'extern ${1:name}' },
  { name: 'required', doc: 'Like `extern`, for a symbol the object file must pull in; `-f bin` cannot resolve it (NASM §7.12).', snippet: 'required ${1:name}' },
  { name: 'common', doc: 'Declares a common variable for object formats (NASM §7.8); `nasm -f bin` rejects it (binary output format does not support common variables).', snippet: 'common ${1:name} ${2:4}' },
  { name: 'static', doc: 'Accepted for compatibility; has no effect in `-f bin` (NASM §7.9).', snippet: 'static ${1:name}' },
  { name: 'struc', doc: 'Begin a structure type: fields become offsets (NASM §5.9.1).', snippet: 'struc ${1:name}\n\t$0\nendstruc' },
  { name: 'endstruc', doc: 'End a structure type; defines `NAME_size`.' },
  { name: 'istruc', doc: 'Begin an instance of a structure (NASM §5.9.2).', snippet: 'istruc ${1:name}\n\t$0\niend' },
  { name: 'at', doc: 'Give a field value inside `istruc`.', snippet: 'at ${1:field}, ${2:dd 0}' },
  { name: 'iend', doc: 'End a structure instance.' },
];

/** Directives written once; their case-insensitive `%i...` twins are derived below. */
const PREPROCESSOR_BASE: readonly KeywordDoc[] = [
  { name: '%define', doc: 'Single-line macro, expanded when used (NASM §4.1.1).', snippet: '%define ${1:NAME} ${2:value}' },
  { name: '%xdefine', doc: 'Single-line macro, expanded when defined (NASM §4.1.2).', snippet: '%xdefine ${1:NAME} ${2:value}' },
  { name: '%undef', doc: 'Remove a single-line macro (NASM §4.1.7).', snippet: '%undef ${1:NAME}' },
  { name: '%assign', doc: 'Numeric single-line macro, evaluated when defined (NASM §4.1.8).', snippet: '%assign ${1:NAME} ${2:0}' },
  { name: '%defstr', doc: 'Define a macro as the quoted string of its body (NASM §4.1.9).', snippet: '%defstr ${1:NAME} ${2:text}' },
  { name: '%deftok', doc: 'Define a macro as the tokens inside a string (NASM §4.1.10).', snippet: "%deftok ${1:NAME} '${2:text}'" },
  { name: '%strcat', doc: 'Concatenate strings into a macro (NASM §4.2.1).', snippet: "%strcat ${1:NAME} '${2:a}', '${3:b}'" },
  { name: '%strlen', doc: 'Define a macro as the length of a string (NASM §4.2.2).', snippet: "%strlen ${1:NAME} '${2:text}'" },
  { name: '%substr', doc: 'Define a macro as part of a string: `%substr NAME str, start[, len]` (NASM §4.2.3).', snippet: "%substr ${1:NAME} '${2:text}', ${3:1}" },
  { name: '%macro', doc: 'Multi-line macro with parameters: `%macro name min[-max|-*]` (NASM §4.3).', snippet: '%macro ${1:name} ${2:0}\n\t$0\n%endmacro' },
  { name: '%rmacro', doc: 'Recursive multi-line macro: like `%macro`, but may expand inside its own expansion (NASM §4.3.1).', snippet: '%rmacro ${1:name} ${2:0}\n\t$0\n%endmacro' },
];

const PREPROCESSOR_OWN: readonly KeywordDoc[] = [
  { name: '%unmacro', doc: 'Remove a multi-line macro: `%unmacro name count` (NASM §4.3.12).', snippet: '%unmacro ${1:name} ${2:0}' },
  { name: '%unimacro', doc: 'Remove a case-insensitive multi-line macro (one defined with `%imacro`).', snippet: '%unimacro ${1:name} ${2:0}' },
  { name: '%defalias', doc: 'Make NAME an alias of TARGET: NAME expands to TARGET\'s name, replacing NAME\'s own definition; `%define`/`%undef` of NAME then define or remove TARGET (NASM §4.1.12).', snippet: '%defalias ${1:name} ${2:target}' },
  { name: '%idefalias', doc: 'Case-insensitive `%defalias`: the alias is called in any case.', snippet: '%idefalias ${1:name} ${2:target}' },
  { name: '%undefalias', doc: 'Remove the alias NAME (not what it stands for); nothing when NAME is no alias.', snippet: '%undefalias ${1:name}' },
  { name: '%aliases', doc: '`%aliases off` stops aliases expanding until `%aliases on` (NASM §4.1.12).', snippet: '%aliases ${1|off,on|}' },
  { name: '%clear', doc: 'Remove every multi-line macro and every single-line macro but the aliases and context-local ones, the standard macros (`__?LINE?__`, `__?NASM_VER?__`, ...) too (NASM §4.13.1). nasm 2.16.01 loops forever on `%clear` with a word after it (`define`, `all`, ...), so Ringside accepts only `%clear` alone.' },
  { name: '%endmacro', doc: 'End of a multi-line macro.' },
  { name: '%endm', doc: 'Synonym of `%endmacro`.' },
  { name: '%exitmacro', doc: 'Leave the macro being expanded early (NASM §4.3.13).' },
  { name: '%rotate', doc: 'Rotate macro parameters left (or right when negative) (NASM §4.3.7).', snippet: '%rotate ${1:1}' },
  { name: '%rep', doc: 'Repeat a block N times (NASM §4.5).', snippet: '%rep ${1:count}\n\t$0\n%endrep' },
  { name: '%endrep', doc: 'End of a `%rep` block.' },
  { name: '%exitrep', doc: 'Leave the innermost `%rep` block early.' },
  { name: '%else', doc: 'Else branch of a conditional block.' },
  { name: '%endif', doc: 'End of a conditional block.' },
  { name: '%include', doc: 'Include a source file, searched next to the includer then in `-I` paths (NASM §4.6.1).', snippet: "%include '${1:file.inc}'" },
  { name: '%require', doc: 'NASM 2.16\'s other name for `%include`, not in its manual: includes the file each time it is written.', snippet: "%require '${1:file.inc}'" },
  { name: '%push', doc: 'Push a new context onto the context stack, for `%$local` names (NASM §4.7.1).', snippet: '%push ${1:name}' },
  { name: '%pop', doc: 'Pop the context stack (NASM §4.7.1).' },
  { name: '%repl', doc: 'Rename the context on top of the stack (NASM §4.7.5).', snippet: '%repl ${1:name}' },
  { name: '%stacksize', doc: 'The stack frame `%arg` and `%local` describe: `flat` (ebp, 4-byte slots, arguments from ebp+8), `flat64`, `small` or `large` (bp, 2-byte slots) (NASM §4.8.1).', snippet: '%stacksize ${1|flat,flat64,small,large|}' },
  { name: '%arg', doc: 'Name the procedure\'s arguments: `%arg a:dword, b:word` defines `a` as `(ebp+8)`, `b` as `(ebp+12)`, each size rounded up to a stack slot (NASM §4.8.2).', snippet: '%arg ${1:name}:${2|dword,word,byte,qword|}' },
  { name: '%local', doc: 'Name local variables below the frame pointer: `%local x:dword` defines `x` as `(ebp-4)` and adds 4 to `%$localsize` (set it to 0 in a `%push` context first; use it in `enter %$localsize, 0`) (NASM §4.8.3).', snippet: '%local ${1:name}:${2|dword,word,byte,qword|}' },
  { name: '%error', doc: 'Report a user error at this line (NASM §4.9).', snippet: "%error '${1:message}'" },
  { name: '%warning', doc: 'Report a user warning at this line.', snippet: "%warning '${1:message}'" },
  { name: '%fatal', doc: 'Report a user error and stop assembling.', snippet: "%fatal '${1:message}'" },
  { name: '%use', doc: 'Reads one of NASM\'s standard macro packages: `smartalign`, after which `align` pads code with the multi-byte NOPs `alignmode` picks; `ifunc`, which names the `__?ilog2?__` functions `ilog2` ...; `fp`, which names the float functions `float32(x)` ... and `Inf`, `NaN`, `QNaN`, `SNaN`, and defines `bf16`; `altreg`, which names the registers `r0d`..`r7d`, `r0w`..`r7w`, `r0l`..`r3l`, `r0h`..`r3h` (the others are 64-bit); `masm`, which reads `ptr`, `flat:`, `offset`, `tbyte`, `segment`, `proc`/`endp` as MASM does (NASM §4.6.4, §6).', snippet: '%use ${1:smartalign}' },
  { name: '%pathsearch', doc: 'Defines a macro as the path `%include` would open for a file, as a string (or the name itself if none is found) (NASM §4.6.3).', snippet: '%pathsearch ${1:NAME} "${2:file}"' },
  { name: '%null', doc: 'Does nothing (NASM §4.10.2).' },
  { name: '%depend', doc: 'Names a file as a dependency in the make rule `ringside asm -M` (or `-MD`) writes, as NASM\'s `-M` does; it assembles nothing. The name is a string, after macro expansion (NASM §4.6.3).', snippet: "%depend '${1:file}'" },
  { name: '%line', doc: '`%line nnn[+mmm] [file]`: the lines after it are reported (messages of `ringside asm`, `__LINE__`, `__FILE__`, the listing) as lines nnn+mmm, nnn+2mmm, ... of `file`; the editor and debugger keep the real lines (NASM §4.10.1).' },
  { name: '%pragma', doc: 'Tool-specific setting; NASM ignores namespaces it does not know. Ringside reads `%pragma ringside technique NAME`, `%pragma ringside kernel` and `%pragma ringside user`.', snippet: '%pragma ringside ${1|technique,kernel,user|}' },
];

/** `%if<kind>` conditions (NASM §4.4); each also exists negated (`%ifn<kind>`) and as `%elif<kind>`/`%elifn<kind>`. */
const CONDITIONS: readonly { readonly kind: string; readonly doc: string; readonly args: string }[] = [
  { kind: '', doc: 'the expression is non-zero (NASM §4.4.5)', args: '${1:expr}' },
  { kind: 'def', doc: 'a single-line macro is defined (NASM §4.4.1)', args: '${1:NAME}' },
  { kind: 'defalias', doc: 'one of the names is an alias made by `%defalias`/`%idefalias` (NASM §4.1.12)', args: '${1:NAME}' },
  { kind: 'macro', doc: 'a multi-line macro with that name (and parameter count) is defined (NASM §4.4.3)', args: '${1:name}' },
  { kind: 'ctx', doc: 'the context on top of the stack has one of the names (NASM §4.4.4)', args: '${1:name}' },
  { kind: 'idn', doc: 'two token sequences are identical (NASM §4.4.6)', args: '${1:a}, ${2:b}' },
  { kind: 'idni', doc: 'two token sequences are identical ignoring case (NASM §4.4.6)', args: '${1:a}, ${2:b}' },
  { kind: 'id', doc: 'the argument is one identifier (NASM §4.4.7)', args: '${1:x}' },
  { kind: 'num', doc: 'the argument is one number (NASM §4.4.7)', args: '${1:x}' },
  { kind: 'str', doc: 'the argument is one string (NASM §4.4.7)', args: '${1:x}' },
  { kind: 'token', doc: 'the argument expands to exactly one token (NASM §4.4.8)', args: '${1:x}' },
  { kind: 'empty', doc: 'the argument expands to nothing (NASM §4.4.9)', args: '${1:x}' },
  { kind: 'usable', doc: 'NASM has the standard package (`%use` could read it: `altreg`, `fp`, `ifunc`, `masm`, `smartalign`; NASM §4.4.11)', args: '${1:package}' },
  { kind: 'using', doc: 'a `%use` has read the standard package (NASM §4.4.11)', args: '${1:package}' },
  { kind: 'env', doc: 'one of the environment variables is set, even to nothing (names, strings or `%!NAME`; NASM §4.4.10); `%!NAME` elsewhere is the variable\'s value', args: '${1:NAME}' },
];

function conditionFamily(): KeywordDoc[] {
  const out: KeywordDoc[] = [];
  for (const c of CONDITIONS) {
    out.push({ name: `%if${c.kind}`, doc: `Assemble the block when ${c.doc}.`, snippet: `%if${c.kind} ${c.args}\n\t$0\n%endif` });
    out.push({ name: `%ifn${c.kind}`, doc: `Assemble the block unless ${c.doc}.`, snippet: `%ifn${c.kind} ${c.args}\n\t$0\n%endif` });
    out.push({ name: `%elif${c.kind}`, doc: `Else-if branch: taken when ${c.doc}.`, snippet: `%elif${c.kind} ${c.args}` });
    out.push({ name: `%elifn${c.kind}`, doc: `Else-if branch: taken unless ${c.doc}.`, snippet: `%elifn${c.kind} ${c.args}` });
  }
  return out;
}

/** Directives nasm reads only in brackets: not offered as completions, where a label may take the name. */
export const BRACKET_DIRECTIVES: readonly KeywordDoc[] = [
  { name: 'list', doc: '`[list -]` stops the listing (`-l`) after this line, `[list +]` resumes it; a switch, not a count (NASM §2.1.3).' },
  {
    name: 'map',
    doc: '`[map all boot.map]` writes a map file after assembling: the origin, the sections (`brief`: a summary, `sections`: in detail) and the '
      + 'symbols (`symbols`) with their real and virtual addresses; `all` is everything. The file is named after the parts, or is `stdout`/`stderr` '
      + '(standard output without one); only the command line writes it (NASM §8.1.4).',
  },
  {
    name: 'warning',
    doc: '`[warning -name]` turns a class of warnings off from the next line on, `[warning +name]` on, `[warning *name]` back to its default; '
      + '`+error=name` makes them errors, `push`/`pop` save and restore the switches. Names as for nasm\'s `-w` (`user`, `label-orphan`, '
      + '`number-overflow`, `db-empty`, `all`, ...; NASM §7.13); an unknown name is ignored.',
  },
];

export const PREPROCESSOR_DIRECTIVES: readonly KeywordDoc[] = [
  ...PREPROCESSOR_BASE,
  // NASM §4.1: the `%i` forms define or remove case-insensitive macros.
  ...PREPROCESSOR_BASE.map((d) => ({
    name: `%i${d.name.slice(1)}`,
    doc: `Case-insensitive form of \`${d.name}\`: ${d.doc}`,
    snippet: d.snippet?.replace(d.name, `%i${d.name.slice(1)}`),
  })).filter((d) => d.name !== '%iundef' && d.name !== '%iundefine'),
  ...PREPROCESSOR_OWN,
  ...conditionFamily(),
];

/** Names the preprocessor and assembler define in every file (NASM manual §5.1, §5.5, §7.3.1). */
export const BUILTIN_NAMES: readonly KeywordDoc[] = [
  { name: '__LINE__', doc: 'The current source line number (inside a macro, the line of the macro body). Also `__?LINE?__`.' },
  { name: '__FILE__', doc: 'The current source file name, as a string. Also `__?FILE?__`.' },
  { name: '__BITS__', doc: 'The current code size (16 or 32) as set by `bits`. Also `__?BITS?__`.' },
  { name: '__PASS__', doc: 'The assembly pass: 2 for the pass whose output counts. Also `__?PASS?__`.' },
  { name: '__SECT__', doc: 'The last `section`, `segment` or `absolute` directive, in its primitive `[section ...]` form: write `__SECT__` to return to it after a temporary switch. Also `__?SECT?__`.' },
  { name: '__OUTPUT_FORMAT__', doc: 'The output format: `bin` (test it with `%ifidn __OUTPUT_FORMAT__, bin`). Also `__?OUTPUT_FORMAT?__`.' },
  { name: '__NASM_MAJOR__', doc: 'The major version of the NASM that Ringside reproduces: 2 (of 2.16.01). Also `__?NASM_MAJOR?__`.' },
  { name: '__NASM_MINOR__', doc: 'The minor version of the NASM that Ringside reproduces: 16. Also `__?NASM_MINOR?__`.' },
  { name: '__NASM_SUBMINOR__', doc: 'The subminor version of the NASM that Ringside reproduces: 1. Also `__?NASM_SUBMINOR?__`.' },
  { name: '__NASM_PATCHLEVEL__', doc: 'The patch level of the NASM that Ringside reproduces: 0. Also `__?NASM_PATCHLEVEL?__`.' },
  { name: '__NASM_VERSION_ID__', doc: 'The version as one dword, a byte each for major, minor, subminor and patch level: 0x02100100. Also `__?NASM_VERSION_ID?__`.' },
  { name: '__NASM_VER__', doc: 'The version as a string: "2.16.01". Also `__?NASM_VER?__`.' },
  { name: '__DATE__', doc: 'The local date of the assembly, as a string "YYYY-MM-DD". Also `__?DATE?__`.' },
  { name: '__TIME__', doc: 'The local time of the assembly, as a string "HH:MM:SS". Also `__?TIME?__`.' },
  { name: '__DATE_NUM__', doc: 'The local date of the assembly as a number YYYYMMDD. Also `__?DATE_NUM?__`.' },
  { name: '__TIME_NUM__', doc: 'The local time of the assembly as a number HHMMSS. Also `__?TIME_NUM?__`.' },
  { name: '__UTC_DATE__', doc: 'The UTC date of the assembly, as a string "YYYY-MM-DD". Also `__?UTC_DATE?__`.' },
  { name: '__UTC_TIME__', doc: 'The UTC time of the assembly, as a string "HH:MM:SS". Also `__?UTC_TIME?__`.' },
  { name: '__UTC_DATE_NUM__', doc: 'The UTC date of the assembly as a number YYYYMMDD. Also `__?UTC_DATE_NUM?__`.' },
  { name: '__UTC_TIME_NUM__', doc: 'The UTC time of the assembly as a number HHMMSS. Also `__?UTC_TIME_NUM?__`.' },
  { name: '__POSIX_TIME__', doc: 'The moment of the assembly in seconds since 1970-01-01 00:00 UTC. Also `__?POSIX_TIME?__`.' },
  { name: '$', doc: 'The address of the start of the current line.' },
  { name: '$$', doc: 'The address of the start of the current section.' },
  { name: 'section.NAME.start', doc: 'The start address of section NAME in the flat binary (NASM §8.1.4), e.g. `section..text.start`.' },
];

export const SIZE_KEYWORDS: readonly KeywordDoc[] = [
  { name: 'byte', doc: '8-bit operand size.' },
  { name: 'word', doc: '16-bit operand size.' },
  { name: 'dword', doc: '32-bit operand size.' },
  { name: 'long', doc: '32-bit operand size: nasm\'s other word for `dword` on an operand (`jmp long target`); not on a data item.' },
  { name: 'fword', doc: '48-bit operand size (a far pointer: 16-bit selector and 32-bit offset).' },
  { name: 'qword', doc: '64-bit operand size.' },
  { name: 'tword', doc: '80-bit operand size (ten bytes).' },
];

/** Jump distance and size-pinning keywords (NASM §3.7, §3.3): completed and coloured like sizes. */
export const OPERAND_MODIFIERS: readonly KeywordDoc[] = [
  { name: 'short', doc: 'Force an 8-bit relative jump.' },
  { name: 'near', doc: 'A near (offset-only) jump or call.' },
  { name: 'far', doc: 'A far jump or call through a segment:offset pointer.' },
  { name: 'strict', doc: 'Keep the written operand size; the optimizer may not shrink it.' },
];

/**
 * `dup` after a count in a data list (see dataDup.ts); not in the tables above, since anywhere
 * else `dup` is an ordinary name. Bytes measured with nasm 2.16.01 -f bin.
 */
export const DUP_KEYWORD: KeywordDoc = {
  name: 'dup',
  doc: 'Repeat data: in a `db`…`dz` list, `N dup (items)` gives the items N times; lists nest, take `?` and sizes, and `N dup item` needs no parentheses. '
    + 'Added in NASM 2.15 (MASM syntax; NASM §3.2.1). `db 2 dup (0xAA, 3 dup (1))` is `AA 01 01 01 AA 01 01 01`.',
};

const DIRECTIVE_NAMES = new Set(DIRECTIVES.map((d) => d.name));
const PREPROC_BY_NAME = new Map(PREPROCESSOR_DIRECTIVES.map((d) => [d.name, d]));
const DIRECTIVE_BY_NAME = new Map([...DIRECTIVES, ...BRACKET_DIRECTIVES, ...SIZE_KEYWORDS, ...OPERAND_MODIFIERS, ...BUILTIN_NAMES].map((d) => [d.name.toLowerCase(), d]));
const SECTION_START = BUILTIN_NAMES.find((d) => d.name === 'section.NAME.start') as KeywordDoc;

export function isDirective(word: string): boolean {
  return DIRECTIVE_NAMES.has(word.toLowerCase());
}

/** What each of NASM's standard macro packages does, by its name (`%use NAME`; NASM §6). */
export const USE_PACKAGES: ReadonlyMap<string, string> = new Map([
  ['altreg', 'Numbered names of the general registers: `r0d`..`r7d` (`eax`, `ecx`, `edx`, `ebx`, `esp`, `ebp`, `esi`, `edi`), `r0w`..`r7w`, `r0l`..`r3l` (also `r0b`..`r3b`) and `r0h`..`r3h`; `r0`..`r7`, `r4l`..`r7l` and `r8l`..`r15l` name 64-bit registers, which the dialect leaves out (NASM §6.1).'],
  ['smartalign', '`align` in code pads with multi-byte NOPs chosen by `alignmode` (`generic`, the default, `nop`, `k7`, `k8`, `p6`), and jumps over a pad longer than the mode\'s threshold (`alignmode MODE, THRESHOLD`; `nojmp`: never) (NASM §6.2).'],
  ['fp', 'The float functions without their underscores, in the case written (`float32(x)` is `__?float32?__(x)`, also `float8`, `float16`, `bfloat16`, `float64`, `float80m`, `float80e`, `float128l`, `float128h`), the values `Inf`, `NaN`, `QNaN` and `SNaN`, and `bf16 a, b, ...`, bfloat16 words (NASM §6.3).'],
  ['ifunc', 'The integer functions `ilog2e(x)` (exact: an error unless x is a power of 2; also `ilog2`), `ilog2w(x)` (a warning instead), `ilog2f(x)` (rounded down), `ilog2c(x)` (rounded up), `ilog2fw` and `ilog2cw` (NASM §6.4).'],
  ['masm', 'MASM\'s words as NASM reads them: `dword ptr x` is `dword [x]`, `flat:` is skipped, `offset` is nothing, `tbyte` is `tword`, `NAME segment` is `[segment NAME]`, `NAME proc far`/`near` makes `ret` `retf`/`retn` until `endp`, `ends` and `end` do nothing; reading it puts out `default rel` (NASM §6.5).'],
]);

export function keywordDoc(word: string): KeywordDoc | undefined {
  const lower = word.toLowerCase();
  if (lower.startsWith('%')) return PREPROC_BY_NAME.get(lower);
  // `__?LINE?__` is the 2.16 spelling of `__LINE__`.
  const standard = lower.startsWith('__?') ? standardName(lower) : undefined;
  const name = standard !== undefined ? `__${standard}__` : lower;
  const known = DIRECTIVE_BY_NAME.get(name);
  if (known) return known;
  if (lower.startsWith('section.') && lower.endsWith('.start') && lower.length > 'section..start'.length) return { ...SECTION_START, name: word };
  return undefined;
}

export function isSizeKeyword(word: string): boolean {
  const lower = word.toLowerCase();
  return SIZE_KEYWORDS.some((k) => k.name === lower) || OPERAND_MODIFIERS.some((k) => k.name === lower);
}
