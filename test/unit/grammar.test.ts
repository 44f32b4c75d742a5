// The TextMate grammar (syntaxes/guest-asm.tmLanguage.json) tokenised by the same engine VS Code
// uses (vscode-textmate + the Oniguruma wasm): scopes on representative lines and NASM edge cases,
// and every mnemonic of the instruction table coloured as an instruction.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { MNEMONICS, PREFIX_MNEMONICS } from '../../core/src/isa/table';
import { SREG } from '../../core/src/isa/types';

const root = join(__dirname, '..', '..');
const grammarPath = join(root, 'syntaxes', 'guest-asm.tmLanguage.json');
const S = '.guest-asm';

interface Token { readonly text: string; readonly scopes: readonly string[] }

let grammar: textmate.IGrammar;

async function loadGrammar(): Promise<textmate.IGrammar> {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'source.guest-asm' ? textmate.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  const g = await registry.loadGrammar('source.guest-asm');
  if (!g) throw new Error('grammar source.guest-asm did not load');
  return g;
}

/** Tokenises consecutive lines, carrying the rule stack across them as the editor does. */
function tokenize(lines: readonly string[]): Token[][] {
  let stack = textmate.INITIAL;
  return lines.map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/**
 * The tokens spelling the nth occurrence of `text` in the last line, where that occurrence starts
 * and ends on token boundaries (so "x" finds the token "x", not the x inside "eax").
 */
function tokensOf(line: string, text: string, nth = 0, context: readonly string[] = []): Token[] {
  const all = tokenize([...context, line]);
  const tokens = all[all.length - 1];
  const starts = new Map<number, number>();
  let at = 0;
  tokens.forEach((t, i) => { starts.set(at, i); at += t.text.length; });
  let seen = 0;
  for (let i = line.indexOf(text); i >= 0; i = line.indexOf(text, i + 1)) {
    const first = starts.get(i);
    if (first === undefined) continue;
    const span: Token[] = [];
    let len = 0;
    for (let k = first; k < tokens.length && len < text.length; k++) { span.push(tokens[k]); len += tokens[k].text.length; }
    if (len === text.length && seen++ === nth) return span;
  }
  throw new assert.AssertionError({ message: `no token(s) spelling ${JSON.stringify(text)} in ${JSON.stringify(line)}: ${tokens.map((t) => `[${t.text}]`).join('')}` });
}

function assertScope(line: string, text: string, scope: string, nth = 0, context: readonly string[] = []): void {
  for (const t of tokensOf(line, text, nth, context)) {
    assert.ok(t.scopes.includes(scope), `${JSON.stringify(t.text)} of ${JSON.stringify(text)} in ${JSON.stringify(line)} has ${t.scopes.join(' ')}, expected ${scope}`);
  }
}

function assertNoScope(line: string, text: string, prefix: string): void {
  for (const t of tokensOf(line, text)) {
    assert.ok(!t.scopes.some((s) => s.startsWith(prefix)), `${JSON.stringify(t.text)} in ${JSON.stringify(line)} has ${t.scopes.join(' ')}, must not have ${prefix}*`);
  }
}

before(async () => { grammar = await loadGrammar(); });

describe('TextMate grammar: structure', () => {
  it('resolves every #include to a repository entry', () => {
    const raw = JSON.parse(readFileSync(grammarPath, 'utf8')) as { repository: Record<string, unknown>; patterns: unknown[] };
    const missing: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) { node.forEach(walk); return; }
      if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'include' && typeof v === 'string' && v.startsWith('#') && !(v.slice(1) in raw.repository)) missing.push(v);
          walk(v);
        }
      }
    };
    walk(raw);
    assert.deepEqual(missing, []);
  });

  it('every pattern compiles in Oniguruma', () => {
    const raw = readFileSync(grammarPath, 'utf8');
    const regexes: string[] = [];
    JSON.parse(raw, (k, v) => { if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') regexes.push(v); return v; });
    for (const re of regexes) assert.doesNotThrow(() => new oniguruma.OnigScanner([re]).dispose(), re);
    assert.ok(regexes.length > 40);
  });
});

describe('TextMate grammar: scopes', () => {
  it('colours instructions, control flow and prefixes', () => {
    assertScope('        mov eax, 1', 'mov', `keyword.other.mnemonic${S}`);
    assertScope('        MOV EAX, 1', 'MOV', `keyword.other.mnemonic${S}`);
    assertScope('        lgdt [gdt_ptr]', 'lgdt', `keyword.other.mnemonic${S}`);
    assertScope('        cmovne eax, ebx', 'cmovne', `keyword.other.mnemonic${S}`);
    for (const m of ['jmp', 'jnz', 'jecxz', 'call', 'ret', 'retf', 'loopne', 'int', 'into', 'iret', 'iretd', 'sysenter', 'vmcall']) {
      assertScope(`        ${m} x`, m, `keyword.control${S}`);
    }
    assertScope('        rep movsd', 'rep', `keyword.other.mnemonic.prefix${S}`);
    assertScope('        rep movsd', 'movsd', `keyword.other.mnemonic${S}`);
    assertScope('        lock xadd [ebx], eax', 'lock', `keyword.other.mnemonic.prefix${S}`);
  });

  it('colours registers of every class, but not inside identifiers', () => {
    for (const r of ['eax', 'si', 'bh', 'cs', 'gs', 'cr3', 'dr7']) assertScope(`        mov ${r}, ${r}`, r, `variable.language.register${S}`);
    assertScope('        mov eax, [ebx+ecx*4+label.x]', 'ebx', `variable.language.register${S}`);
    assertScope('        mov eax, [ebx+ecx*4+label.x]', 'ecx', `variable.language.register${S}`);
    assertScope('        mov eax, [ebx+ecx*4+label.x]', 'label.x', `variable.other.label${S}`);
    assertScope('        mov eax, [ebx+ecx*4+label.x]', '*', `keyword.operator.arithmetic${S}`);
    assertScope('        mov eax, [ebx+ecx*4+label.x]', '[', `punctuation.section.brackets.begin${S}`);
    assertNoScope('        mov eax, eax_value', 'eax_value', 'variable.language.register');
    assertScope('        mov eax, $eax', '$eax', `variable.other.label${S}`);
  });

  it('colours label definitions, including local and special labels', () => {
    assertScope('start:', 'start', `entity.name.function.label${S}`);
    assertScope('  .local: inc eax', '.local', `entity.name.function.label${S}`);
    assertScope('  .local: inc eax', 'inc', `keyword.other.mnemonic${S}`);
    assertScope('..@x:', '..@x', `entity.name.function.label${S}`);
    assertScope('label: ; comment', 'label', `entity.name.function.label${S}`);
    assertScope('label: ; comment', '; comment', `comment.line.semicolon${S}`, 0);
    assertScope('message db "hi", 0', 'message', `entity.name.function.label${S}`);
    assertScope('SIZE equ 4', 'SIZE', `entity.name.function.label${S}`);
    assertScope('    .field resd 1', '.field', `entity.name.function.label${S}`);
  });

  it('colours label references, also where they spell a mnemonic after a dot', () => {
    assertScope('        jmp short .done', 'jmp', `keyword.control${S}`);
    assertScope('        jmp short .done', 'short', `storage.type${S}`);
    assertScope('        jmp short .done', '.done', `variable.other.label${S}`);
    assertScope('        jmp .in', '.in', `variable.other.label${S}`);
    assertScope('        call ..@helper', '..@helper', `variable.other.label${S}`);
    assertScope('        jmp 0x08:flush', 'flush', `variable.other.label${S}`);
    assertScope('        jmp 0x08:flush', ':', `punctuation.separator.segment${S}`);
  });

  it('colours directives and size keywords', () => {
    for (const [line, word] of [
      ['        bits 32', 'bits'], ['        org 0x100000', 'org'], ['        db 1, 2', 'db'], ['        dd x', 'dd'],
      ['        align 4', 'align'], ['        resb 4096', 'resb'], ['        struc gate', 'struc'], ['        endstruc', 'endstruc'],
      ['        istruc gate', 'istruc'], ['        at .off, dw 0', 'at'], ['        iend', 'iend'], ['        incbin "x.bin"', 'incbin'],
      ['        section .text', 'section'], ['[bits 32]', 'bits'],
      // A directive the dialect refuses (BITS 64) is still coloured as one, as nasm knows it.
      ['        use64', 'use64'], ['        use16', 'use16'],
    ] as const) assertScope(line, word, `keyword.control.directive${S}`);
    assertScope('X equ 4', 'equ', `keyword.control.directive${S}`);
    assertScope('        section .data align=16 progbits', '.data', `entity.name.section${S}`);
    assertScope('        section .data align=16 progbits', 'align', `storage.modifier.section${S}`);
    assertScope('        section .data align=16 progbits', 'progbits', `storage.modifier.section${S}`);
    for (const w of ['byte', 'word', 'dword', 'long', 'qword', 'tword', 'strict', 'near', 'far']) assertScope(`        push ${w} x`, w, `storage.type${S}`);
  });

  it('colours times 510-($-$$) db 0', () => {
    const line = 'times 510-($-$$) db 0';
    assertScope(line, 'times', `keyword.control.directive${S}`);
    assertScope(line, '510', `constant.numeric.decimal${S}`);
    assertScope(line, '$', `variable.language.location${S}`);
    assertScope(line, '$$', `variable.language.location${S}`);
    assertScope(line, '-', `keyword.operator.arithmetic${S}`, 1);
    assertScope(line, 'db', `keyword.control.directive${S}`);
    assertScope(line, '0', `constant.numeric.decimal${S}`);
  });

  it('colours a data list\'s `dup` like `seg`, and a name spelled dup like a name (nasm 2.15 §3.2.1)', () => {
    const op = `keyword.operator.word${S}`;
    assertScope('        db 3 dup (1)', 'dup', op);
    assertScope('        db 3 dup (1)', 'db', `keyword.control.directive${S}`);
    assertScope('        db 3 dup (1)', '3', `constant.numeric.decimal${S}`);
    assertScope('        db 3 dup (1)', '(', `punctuation.section.parens.begin${S}`);
    assertScope('        DW 2 DUP (1, ?)', 'DUP', op);
    assertScope('table: dd 2 dup 3 Dup (x), 4', 'dup', op);
    assertScope('table: dd 2 dup 3 Dup (x), 4', 'Dup', op);
    assertScope('table: dd 2 dup 3 Dup (x), 4', 'table', `entity.name.function.label${S}`);
    assertScope('        times 4 dq (N+1) dup (0) ; pad', 'dup', op);
    assertScope('        times 4 dq (N+1) dup (0) ; pad', '; pad', `comment.line.semicolon${S}`);
    assertScope("        db 'ab' dup (0)", 'dup', op);
    assertScope('        db 1, "a;b dup", 2', 'a;b dup', `string.quoted.double${S}`);
    // First in an item, after a size or after a count's `dup`, nasm reads a name: `dup: db 1` then
    // `db dup, 2 dup dup` is 01 00 00 00 (nasm 2.16.01).
    assertScope('dup: db 1', 'dup', `entity.name.function.label${S}`);
    assertScope('        db dup, 2 dup dup', 'dup', `variable.other.label${S}`, 0);
    assertScope('        db dup, 2 dup dup', 'dup', op, 1);
    assertScope('        db dup, 2 dup dup', 'dup', `variable.other.label${S}`, 2);
    assertScope('        dd byte dup', 'dup', `variable.other.label${S}`);
    assertScope('        mov eax, dup', 'dup', `variable.other.label${S}`);
    assertScope('        mov eax, x dup', 'dup', `variable.other.label${S}`);
  });

  it('colours numbers in every NASM form', () => {
    const cases: readonly (readonly [string, string])[] = [
      ['0x1F', 'hex'], ['0X1f', 'hex'], ['0h1F', 'hex'], ['1Fh', 'hex'], ['0FFFFh', 'hex'], ['1Fx', 'hex'], ['$0', 'hex'], ['$0F', 'hex'],
      ['0x_dead_beef', 'hex'], ['0b1010', 'binary'], ['0y1010', 'binary'], ['1010b', 'binary'], ['1010y', 'binary'], ['0b1100_1000', 'binary'],
      ['0o17', 'octal'], ['0q17', 'octal'], ['17o', 'octal'], ['17q', 'octal'], ['0d99', 'decimal'], ['0t99', 'decimal'], ['99d', 'decimal'],
      ['1_000', 'decimal'], ['200', 'decimal'], ['1.5', 'float'], ['3.0e-5', 'float'], ['1e10', 'float'],
    ];
    for (const [n, kind] of cases) assertScope(`        dd ${n}`, n, `constant.numeric.${kind}${S}`);
    assertNoScope('        mov eax, label1', 'label1', 'constant.numeric');
  });

  it('colours strings and backquote escapes', () => {
    // NASM has no doubled-quote escape: 'it''s' is the two strings 'it' and 's' back to back.
    const line = "        db 'it''s', 0";
    const toks = tokenize([line])[0];
    const single = toks.filter((t) => t.scopes.includes(`string.quoted.single${S}`)).map((t) => t.text).join('');
    assert.equal(single, "'it''s'");
    assertScope(line, '0', `constant.numeric.decimal${S}`);
    assertScope('        db "a;b", 0', 'a;b', `string.quoted.double${S}`);
    assertNoScope('        db "a;b", 0', 'a;b', 'comment');
    assertScope('        db `a\\n`', '\\n', `constant.character.escape${S}`);
    assertScope('        db `a\\n`', 'a', `string.quoted.other.backquote${S}`);
    assertScope('        db `\\x41\\u263a\\0`', '\\x41', `constant.character.escape${S}`);
    assertScope('        db `\\x41\\u263a\\0`', '\\u263a', `constant.character.escape${S}`);
    assertScope("        db 'a\\n'", "a\\n", `string.quoted.single${S}`);
    assertNoScope("        db 'a\\n'", "a\\n", 'constant.character.escape');
  });

  it('colours comments', () => {
    assertScope('; whole line', '; whole line', `comment.line.semicolon${S}`);
    assertScope('        nop ; trailing', '; trailing', `comment.line.semicolon${S}`);
  });

  it('colours operators', () => {
    const line = '        dd (a << 2) | (b >> 1) & ~c ^ d // 2 % 3';
    assertScope(line, '<<', `keyword.operator.bitwise${S}`);
    assertScope(line, '>>', `keyword.operator.bitwise${S}`);
    assertScope(line, '|', `keyword.operator.bitwise${S}`);
    assertScope(line, '~', `keyword.operator.bitwise${S}`);
    assertScope(line, '//', `keyword.operator.arithmetic${S}`);
    assertScope('%if X == 1 && Y != 2', '==', `keyword.operator.comparison${S}`);
    assertScope('%if X == 1 && Y != 2', '&&', `keyword.operator.logical${S}`);
    assertScope('        dd a %% b', '%%', `keyword.operator.arithmetic${S}`);
    assertScope('        mov eax, seg x', 'seg', `keyword.operator.word${S}`);
  });

  it('colours preprocessor lines, macro names and parameters', () => {
    assertScope('%macro x 2-3', '%macro', `keyword.control.directive.preprocessor${S}`);
    assertScope('%macro x 2-3', '%macro', `meta.preprocessor${S}`);
    assertScope('%macro x 2-3', 'x', `entity.name.function.macro${S}`);
    assertScope('%macro x 2-3', '2', `constant.numeric.decimal${S}`);
    assertScope('%macro x 2-3', '3', `meta.preprocessor${S}`);
    assertScope('%endmacro', '%endmacro', `keyword.control.directive.preprocessor${S}`);
    assertScope('%define PAGE_SIZE 4096 ; bytes', 'PAGE_SIZE', `entity.name.function.macro${S}`);
    assertScope('%define PAGE_SIZE 4096 ; bytes', '; bytes', `comment.line.semicolon${S}`);
    for (const d of ['%if', '%ifdef', '%ifndef', '%elif', '%else', '%endif', '%include', '%rep', '%endrep', '%assign', '%error', '%pragma', '%rotate', '%xdefine', '%undef', '%ifidn', '%ifnum']) {
      assertScope(`${d} X`, d, `keyword.control.directive.preprocessor${S}`);
    }
    assertScope('%include "defs.inc"', 'defs.inc', `string.quoted.double${S}`);
    assertScope('  %if X', '%if', `keyword.control.directive.preprocessor${S}`);
    assertScope('%%loop:', 'loop', `entity.name.function.label${S}`);
    assertScope('%%loop:', '%%', `variable.parameter.macro-local${S}`);
    assertScope('        loop %%loop', '%%', `variable.parameter.macro-local${S}`);
    assertScope('        loop %%loop', 'loop', `variable.other.label${S}`, 1);
    assertScope('        mov eax, %1', '%1', `variable.parameter${S}`);
    assertScope('        mov eax, %0', '%0', `variable.parameter${S}`);
    assertScope('        mov eax, %{2}', '%{2}', `variable.parameter${S}`);
    assertScope('        mov eax, %-1', '%-1', `variable.parameter${S}`);
    assertScope('        db %1 %+ _x', '%+', `keyword.operator.preprocessor${S}`);
    assertScope('        outb COM1, 0x41', 'outb', `entity.name.function.macro.call${S}`);
    assertScope('        say_zf ; no arguments', 'say_zf', `entity.name.function.macro.call${S}`);
    assertScope('        nop', 'nop', `keyword.other.mnemonic${S}`);
  });

  it('carries a backslash-continued preprocessor line onto the next line', () => {
    const [, second] = tokenize(['%define LONG 1 + \\', '    2']);
    assert.ok(second.find((t) => t.text === '2')?.scopes.includes(`meta.preprocessor${S}`));
    const [, after] = tokenize(['%define SHORT 1', 'SHORT: nop']);
    assert.ok(!after.some((t) => t.scopes.includes(`meta.preprocessor${S}`)));
  });
});

describe('TextMate grammar: the instruction table', () => {
  const isInstruction = (s: string): boolean => s === `keyword.control${S}` || (s.startsWith('keyword.other.mnemonic') && s.endsWith(S));

  it('gives every MNEMONICS entry an instruction scope, alone, with operands and after a label', () => {
    assert.ok(MNEMONICS.length > 100, `MNEMONICS has ${MNEMONICS.length} entries`);
    const wrong: string[] = [];
    for (const name of MNEMONICS) {
      for (const line of [`        ${name}`, `        ${name} eax`, `x: ${name.toUpperCase()} eax`]) {
        const toks = tokenize([line])[0];
        const t = toks.find((k) => k.text.toLowerCase() === name.toLowerCase());
        if (!t || !t.scopes.some(isInstruction)) wrong.push(`${line.trim()} -> ${t ? t.scopes.join(' ') : toks.map((k) => `[${k.text}]`).join('')}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('gives every instruction prefix of the table a prefix scope (segment overrides stay registers)', () => {
    for (const name of PREFIX_MNEMONICS) {
      const expected = (SREG as readonly string[]).includes(name) ? `variable.language.register${S}` : `keyword.other.mnemonic.prefix${S}`;
      assertScope(`        ${name} movsb`, name, expected);
    }
  });
});

describe('TextMate grammar: the bundled examples', () => {
  const files = (JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'examples', 'list.json'), 'utf8')) as { examples: { files: string[] }[] })
    .examples.flatMap((e) => e.files);
  const statementStart = /^(keyword\.|meta\.preprocessor|entity\.name\.function\.(label|macro)|comment\.|punctuation\.section\.brackets\.begin)/;

  it('gives the first word of every line in the examples a statement scope and nothing an invalid one', () => {
    const wrong: string[] = [];
    for (const file of new Set(files)) {
      const lines = readFileSync(join(root, file), 'utf8').split('\n');
      tokenize(lines).forEach((tokens, i) => {
        const first = tokens.find((t) => t.text.trim() !== '');
        if (first && !first.scopes.some((sc) => statementStart.test(sc))) wrong.push(`${file}:${i + 1}: ${first.text} -> ${first.scopes.join(' ')}`);
        for (const t of tokens) if (t.scopes.some((sc) => sc.startsWith('invalid'))) wrong.push(`${file}:${i + 1}: invalid ${t.text}`);
      });
    }
    assert.ok(files.length >= 4);
    assert.deepEqual(wrong, []);
  });
});

describe('language configuration', () => {
  interface LanguageConfiguration {
    comments: { lineComment: string };
    brackets: [string, string][];
    autoClosingPairs: { open: string; close: string }[];
    folding: { markers: { start: string; end: string } };
    wordPattern: string;
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  }
  const config = JSON.parse(readFileSync(join(root, 'syntaxes', 'language-configuration.json'), 'utf8')) as LanguageConfiguration;

  it('uses ; comments, [] and () brackets and closes all three quote kinds', () => {
    assert.equal(config.comments.lineComment, ';');
    assert.deepEqual(config.brackets, [['[', ']'], ['(', ')']]);
    for (const q of ["'", '"', '`']) assert.ok(config.autoClosingPairs.some((p) => p.open === q && p.close === q), q);
  });

  it('selects whole NASM identifiers as words', () => {
    const words = (text: string): string[] => text.match(new RegExp(config.wordPattern, 'g')) ?? [];
    assert.deepEqual(words('mov eax, [label.x+$] .local ..@x %%loop $$ %1 $eax'), ['mov', 'eax', 'label.x', '$', '.local', '..@x', '%%loop', '$$', '%1', '$eax']);
  });

  it('folds macro, conditional, repeat, struc and region blocks', () => {
    const start = new RegExp(config.folding.markers.start);
    const end = new RegExp(config.folding.markers.end);
    for (const [open, close] of [['%macro x 1', '%endmacro'], ['  %if X', '  %endif'], ['%ifdef Y', '%endif'], ['%rep 4', '%endrep'],
      ['struc gate', 'endstruc'], ['istruc gate', 'iend'], ['; region boot', '; endregion']]) {
      assert.ok(start.test(open) && !end.test(open), open);
      assert.ok(end.test(close) && !start.test(close), close);
    }
    for (const line of ['%include "x.inc"', '%define X 1', 'mov eax, 1', '; a region of memory']) assert.ok(!start.test(line) && !end.test(line), line);
  });

  it('indents macro bodies and outdents their end', () => {
    assert.ok(new RegExp(config.indentationRules.increaseIndentPattern).test('%macro print 1'));
    assert.ok(new RegExp(config.indentationRules.decreaseIndentPattern).test('%endmacro'));
    assert.ok(new RegExp(config.indentationRules.decreaseIndentPattern).test('%else'));
  });
});
