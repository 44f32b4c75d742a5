// Code actions and formatting, checked by assembling the edited text and comparing with the bytes
// NASM 2.16 produced for the expected source (test/protocol/fixtures, recorded by record.sh).

import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, TextEdit } from 'vscode-languageserver-types';
import { assemble } from '../../core/src/asm/index';
import { codeActions } from '../../server/src/features/codeActions';
import { validate } from '../../server/src/features/diagnostics';
import { format } from '../../server/src/features/formatting';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/settings';
import { nasmOn, nasmScratch } from '../support/nasm-live';
import { FIXTURES, applyEdits, at, single, workspace } from '../protocol/analyzeText';

function bytes(text: string): number[] {
  const r = assemble({ file: '/virtual/fixture.asm', text, host: { readFile: () => undefined } });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  return [...r.image];
}

function nasm(name: string): number[] {
  return [...readFileSync(join(FIXTURES, name))];
}

function editsOf(action: CodeAction, uri: string): TextEdit[] {
  return action.edit?.changes?.[uri] ?? [];
}

describe('lsp code actions', () => {
  it('adds an operand size keyword to fix "operation size not specified"', () => {
    const text = 'bits 32\norg 0x100000\nstart:\n    mov [foo], 1\n    ret\nfoo: dd 0\n';
    const { doc } = single(text);
    const diags = validate(doc).filter((d) => d.code === 'operand-size');
    assert.equal(diags.length, 1);
    const actions = codeActions(doc, diags[0].range, diags);
    const dword = actions.find((a) => a.title.includes('`dword`'));
    assert.ok(dword?.isPreferred);
    const fixed = applyEdits(text, editsOf(dword, doc.uri));
    assert.deepEqual(bytes(fixed), nasm('sized-expected.bin'));
  });

  it('prefers the size of the mode the assembler is in at the line, not a guess from the text', () => {
    // Without `bits`, nasm's bin format assembles 16-bit code; a `bits 16` in a macro body that is
    // never called changes nothing.
    const cases = [
      { text: 'org 0x7c00\n    mov [foo], 1\nfoo: dw 0\n', preferred: 'word' },
      { text: 'bits 32\n%macro REAL 0\n  bits 16\n%endmacro\n    mov [foo], 1\nfoo: dd 0\n', preferred: 'dword' },
      { text: 'bits 32\n%macro REAL 0\n  bits 16\n%endmacro\n    REAL\n    mov [foo], 1\nfoo: dw 0\n', preferred: 'word' },
    ];
    for (const { text, preferred } of cases) {
      const { doc } = single(text);
      const diags = validate(doc).filter((d) => d.code === 'operand-size');
      assert.equal(diags.length, 1, text);
      const chosen = codeActions(doc, diags[0].range, diags).filter((a) => a.isPreferred).map((a) => /`(\w+)`/.exec(a.title)?.[1]);
      assert.deepEqual(chosen, [preferred], text);
      // The preferred keyword is the one that needs no operand-size prefix in that mode.
      const fixed = bytes(text.replace('mov [foo]', `mov ${preferred} [foo]`));
      assert.notEqual(fixed[0], 0x66, text);
    }
  });

  it('offers no paravirtualization in 16-bit code, where the 32-bit hypercall sequence means something else', () => {
    const text = 'org 0x7c00\nstart:\n    cli\n    bits 32\n    cli\n';
    const { doc } = single(text, { technique: 'paravirtual' });
    const offered = (line: number): boolean => codeActions(doc, { start: { line, character: 4 }, end: { line, character: 4 } }, [])
      .some((a) => a.title.startsWith('Paravirtualize `cli`'));
    assert.equal(offered(2), false);
    assert.equal(offered(4), true);
  });

  it('creates an undefined label', () => {
    const text = 'bits 32\nstart:\n    jmp missing\n';
    const { doc } = single(text);
    const diags = validate(doc).filter((d) => d.code === 'undefined-symbol');
    const create = codeActions(doc, diags[0].range, diags).find((a) => a.title === 'Create label `missing`');
    assert.ok(create);
    const fixed = applyEdits(text, editsOf(create, doc.uri));
    assert.deepEqual(validate(single(fixed).doc), []);
  });

  it('paravirtualizes hlt into the sched_op(block) hypercall', () => {
    const text = 'bits 32\norg 0x100000\nidle:\n    hlt\n    jmp idle\n';
    const { doc } = single(text, { technique: 'paravirtual' });
    const diags = validate(doc);
    const pos = at(doc, 'hlt');
    const action = codeActions(doc, { start: pos, end: pos }, diags).find((a) => a.title.startsWith('Paravirtualize `hlt`'));
    assert.ok(action);
    assert.equal(action.kind, 'quickfix');
    const out = applyEdits(text, editsOf(action, doc.uri));
    assert.match(out, / {4}mov eax, 29\n {4}mov ebx, 1\n {4}int 0x82\n/);
    assert.deepEqual(bytes(out), nasm('hlt-expected.bin'));
    assert.deepEqual(validate(single(out, { technique: 'paravirtual' }).doc), []);
  });

  it('paravirtualizes cli into a shared-info mask write and declares the pointer', () => {
    const text = 'bits 32\nstart:\n    cli\n    ret\n';
    const { doc } = single(text, { technique: 'paravirtual' });
    const pos = at(doc, 'cli');
    const action = codeActions(doc, { start: pos, end: pos }, []).find((a) => a.title.startsWith('Paravirtualize `cli`'));
    assert.ok(action);
    assert.equal(action.kind, 'refactor.rewrite');
    const out = applyEdits(text, editsOf(action, doc.uri));
    assert.match(out, /mov byte \[eax \+ 1\], 1/);
    assert.match(out, /^shared_info: dd 0/m);
    assert.deepEqual(validate(single(out, { technique: 'paravirtual' }).doc), []);
  });

  it('declares the shared-info pointer in .data (not in a trailing .bss) and uses the ABI mask constant', () => {
    const text = 'bits 32\norg 0x100000\nsection .text\nstart:\n    cli\n    ret\nSHARED_INFO_upcall_mask equ 1\nsection .bss\nstack: resb 16\n';
    const { doc } = single(text, { technique: 'paravirtual' });
    const pos = at(doc, 'cli');
    const action = codeActions(doc, { start: pos, end: pos }, []).find((a) => a.title.startsWith('Paravirtualize `cli`'));
    assert.ok(action);
    const out = applyEdits(text, editsOf(action, doc.uri));
    assert.match(out, /mov byte \[eax \+ SHARED_INFO_upcall_mask\], 1/);
    assert.match(out, /^section \.data\nshared_info: dd 0/m);
    assert.deepEqual(bytes(out), nasm('cli-expected.bin'));
    assert.deepEqual(validate(single(out, { technique: 'paravirtual' }).doc), []);
  });
});

describe('lsp formatting of a source the assembly did not read whole, checked by nasm 2.16.01', () => {
  const dir = nasmScratch('ringside-case-');
  if (dir === undefined) return;
  // With `%macro push 1`, `PUSH eax` is the instruction and `push eax` the macro (nasm is
  // case-sensitive for %macro names): a missing include file, or the lines after a %fatal, may
  // define such a macro, so lower-casing would change what the line assembles to once they are read.
  it('changes no case while an %include is not found or a %fatal stopped the assembly', () => {
    const lower = { format: { ...DEFAULT_SETTINGS.format, lowercaseMnemonics: true } };
    const macro = '%macro push 1\n  nop\n%endmacro\n';
    for (const [text, args, include] of [['bits 32\n%include "m.inc"\n  PUSH eax\n', [], macro],
      ['bits 32\n%ifndef READY\n%fatal define READY\n%endif\n' + macro + '  PUSH eax\n', ['-DREADY'], '']] as const) {
      const { doc, ws } = single(text, lower);
      try {
        const out = applyEdits(text, format(doc));
        assert.match(out, /PUSH/, out);
        writeFileSync(join(dir, 'm.inc'), include);
        const before = nasmOn(join(dir, 'case.asm'), text, args, dir);
        assert.equal(before.code, 0, before.stderr);
        assert.deepEqual(nasmOn(join(dir, 'case.asm'), out, args, dir), before);
      } finally {
        ws.dispose();
      }
    }
    // Read whole, it lower-cases what is an instruction there.
    const { doc, ws } = single('bits 32\n  PUSH eax\n', lower);
    assert.match(applyEdits('bits 32\n  PUSH eax\n', format(doc)), /push/);
    ws.dispose();
  });
});

describe('lsp code actions that append lines, checked by nasm 2.16.01', () => {
  const dir = nasmScratch('ringside-append-');
  if (dir === undefined) return;
  // NASM manual §3.1: a line ending in `\` continues into the next, so lines appended after one
  // would be read as part of it (here, of its comment).
  it('creates a label with non-ASCII characters in its name, which nasm reads as name characters', () => {
    for (const [text, name] of [['bits 32\njmp f\u00f6\n', 'f\u00f6'], ['bits 32\nx:\njmp .l\u00f6\ny: nop\n', '.l\u00f6'], ['bits 32\njmp \u{1f600}x\n', '\u{1f600}x']]) {
      const { doc } = single(text);
      const diags = validate(doc).filter((d) => d.code === 'undefined-symbol');
      const create = codeActions(doc, diags[0].range, diags).find((a) => a.title === `Create label \`${name}\``);
      assert.ok(create, name);
      const verdict = nasmOn(join(dir, 'utf8.asm'), Buffer.from(applyEdits(text, editsOf(create, doc.uri)), 'utf8').toString('latin1'), [], dir);
      assert.equal(verdict.stderr, '');
      assert.equal(verdict.code, 0);
    }
  });

  for (const text of ['bits 32\nstart:\n    jmp missing\n    dd 1 ; c\\', 'bits 32\nstart:\n    jmp missing\n    dd 1 ; c\\\n']) {
    it(`creates a label nasm defines after a last line continued with \\ (${JSON.stringify(text.slice(-6))})`, () => {
      const { doc } = single(text);
      const diags = validate(doc).filter((d) => d.code === 'undefined-symbol');
      const create = codeActions(doc, diags[0].range, diags).find((a) => a.title === 'Create label `missing`');
      assert.ok(create);
      const verdict = nasmOn(join(dir, 'label.asm'), applyEdits(text, editsOf(create, doc.uri)), [], dir);
      assert.equal(verdict.stderr, '');
      assert.equal(verdict.code, 0);
    });

    it(`declares the shared-info pointer nasm defines after a last line continued with \\ (${JSON.stringify(text.slice(-6))})`, () => {
      // In .bss, as the file ends, a `dd` is refused: the declaration must open its own `section .data`.
      const source = text.replace('jmp missing', 'cli').replace('dd 1', 'section .bss\n    resb 16');
      const { doc } = single(source, { technique: 'paravirtual' });
      const pos = at(doc, 'cli');
      const action = codeActions(doc, { start: pos, end: pos }, []).find((a) => a.title.startsWith('Paravirtualize `cli`'));
      assert.ok(action);
      const verdict = nasmOn(join(dir, 'pv.asm'), applyEdits(source, editsOf(action, doc.uri)), [], dir);
      assert.equal(verdict.stderr, '');
      assert.equal(verdict.code, 0);
    });
  }
});

describe('lsp paravirtualize in an included file, checked by nasm 2.16.01', () => {
  const dir = nasmScratch('ringside-pv-include-');
  if (dir === undefined) return;

  it('declares the shared-info pointer without moving the includer\'s lines after the %include into .data', () => {
    const helper = 'helper:\n    cli\n    ret\n';
    const main = 'bits 32\nsection .text\nstart: call helper\n%include "helper.inc"\nafter: nop\n';
    const ws = workspace({ 'main.asm': main, 'helper.inc': helper }, ['main.asm', 'helper.inc'], { technique: 'paravirtual' });
    try {
      // The includer analysed first, as the server's does when both are open: the include's root is main.asm.
      assert.equal(ws.doc('main.asm').rootPath, ws.path('main.asm'));
      const doc = ws.doc('helper.inc');
      assert.equal(doc.rootPath, ws.path('main.asm'));
      const pos = at(doc, 'cli');
      const action = codeActions(doc, { start: pos, end: pos }, []).find((a) => a.title.startsWith('Paravirtualize `cli`'));
      assert.ok(action);
      const edited = applyEdits(helper, editsOf(action, doc.uri));
      writeFileSync(join(dir, 'helper.inc'), edited);
      const got = nasmOn(join(dir, 'main.asm'), main, [], dir);
      assert.equal(got.stderr, '');
      // The program meant: the rewritten helper in .text, `after` right behind it, the pointer in .data.
      const rewritten = edited.slice(0, edited.indexOf('ret\n') + 4);
      const want = nasmOn(join(dir, 'expected.asm'), `${main.replace('%include "helper.inc"\n', rewritten)}section .data\nshared_info: dd 0\n`, [], dir);
      assert.equal(want.code, 0, want.stderr);
      assert.equal(got.bin, want.bin);
    } finally {
      ws.dispose();
    }
  });
});

describe('lsp formatting, checked by nasm 2.16.01', () => {
  const dir = nasmScratch('ringside-format-');
  if (dir === undefined) return;

  it('lower-cases no mnemonic whose lower-case spelling is a case-sensitive macro\'s name', () => {
    // nasm 2.16.01: 50 11 fc. `PUSH eax` is the instruction and `push eax` the macro; `CLD` is the instruction.
    const text = 'bits 32\n%macro push 1\ndb 0x11\n%endmacro\nPUSH eax\npush eax\n%define cld db 4\nCLD\n';
    const before = nasmOn(join(dir, 'case.asm'), text, [], dir);
    assert.equal(before.bin, '5011fc');
    const settings = { format: { lowercaseMnemonics: true, mnemonicColumn: 4, mnemonicWidth: 6, commentColumn: 32 } };
    const after = nasmOn(join(dir, 'case.asm'), applyEdits(text, format(single(text, settings).doc)), [], dir);
    assert.equal(after.bin, before.bin);
  });

  it('keeps a trailing U+00A0, which nasm reads as part of a name, not as a blank', () => {
    const text = 'bits 32\n%defstr S abc\u00a0\ndb S\nabc\u00a0 equ 5\ndb abc\u00a0\n';
    const before = nasmOn(join(dir, 'nbsp.asm'), Buffer.from(text, 'utf8').toString('latin1'), [], dir);
    assert.equal(before.code, 0, before.stderr);
    const out = applyEdits(text, format(single(text).doc));
    const after = nasmOn(join(dir, 'nbsp.asm'), Buffer.from(out, 'utf8').toString('latin1'), [], dir);
    assert.equal(after.stderr, '');
    assert.equal(after.bin, before.bin);
  });
});

describe('lsp formatting', () => {
  const input = readFileSync(join(FIXTURES, 'format-input.asm'), 'utf8');

  it('keeps the bytes NASM assembles from the original', () => {
    const { doc } = single(input);
    const out = applyEdits(input, format(doc));
    assert.notEqual(out, input);
    assert.deepEqual(bytes(out), nasm('format-input.bin'));
    const lower = single(input, { format: { lowercaseMnemonics: true, mnemonicColumn: 4, mnemonicWidth: 6, commentColumn: 32 } });
    const outLower = applyEdits(input, format(lower.doc));
    assert.deepEqual(bytes(outLower), nasm('format-input.bin'));
    assert.match(outLower, /^start: mov EAX, 1 +; set up$/m);
    assert.match(outLower, /^ {4}bits {2}32$/m);
  });

  it('aligns columns, preserves comments and strings, and is idempotent', () => {
    const { doc } = single(input);
    const out = applyEdits(input, format(doc));
    assert.match(out, /^start: {2}MOV {5}EAX, 1 {18}; set up$/m);
    assert.match(out, /^msg {5}db {6}'a;b', 0, "c,d" +; tricky$/m);
    assert.match(out, /^ {8}lea {5}esi, \[esi \+ ebx\*4 \+ 8\]$/m);
    assert.match(out, /^; Formatting fixture/m);
    assert.deepEqual(format(single(out).doc), []);
  });

  it('writes ", " between operands only where nasm reads expressions', () => {
    // nasm: `m 1,` passes m two arguments (%0 is 2), `section .a prog,bits` has the one attribute
    // `prog,bits`, and the blank before `, c` is part of %strcat's second argument.
    const input = ['%macro m 1-*', '  db %0', '%endmacro', 'm 1,', 'section .a prog,bits', 'db %strcat(a, {)b} , c)', 'mov eax ,ebx', 'db 1 ,2', 'db 1,,2', ''].join('\n');
    const out = applyEdits(input, format(single(input).doc)).split('\n');
    assert.deepEqual(out.slice(3, 9), [
      '        m       1,',
      '        section .a prog,bits',
      '        db      %strcat(a, {)b} , c)',
      '        mov     eax, ebx',
      '        db      1, 2',
      '        db      1,,2',
    ]);
  });

  it('indents with tabs of the editor\'s tabSize when FormattingOptions.insertSpaces is false (LSP 3.17)', () => {
    const { doc } = single(input);
    const spaces = applyEdits(input, format(doc)).split('\n');
    const tabbed = applyEdits(input, format(doc, undefined, { insertSpaces: false, tabSize: 4 }));
    assert.deepEqual(bytes(tabbed), nasm('format-input.bin'));
    assert.match(tabbed, /^start:\tMOV\t\tEAX, 1\t+; set up$/m);
    assert.match(tabbed, /^\t\tlea\t\tesi, /m);
    // The same columns as with spaces: a tab runs to the next multiple of tabSize.
    const expand = (line: string) => line.replace(/[^\t]*\t/g, (run) => run.slice(0, -1).padEnd((Math.floor((run.length - 1) / 4) + 1) * 4));
    assert.deepEqual(tabbed.split('\n').map(expand), spaces);
    for (const line of tabbed.split('\n')) assert.doesNotMatch(line, /^ /, line);
    assert.deepEqual(format(single(tabbed).doc, undefined, { insertSpaces: false, tabSize: 4 }), []);
  });

  it('formats only the requested range, whose end is exclusive (LSP 3.17 Range)', () => {
    const { doc } = single(input);
    const lines = (start: number, end: number, endCharacter: number) => format(doc, { start: { line: start, character: 0 }, end: { line: end, character: endCharacter } }).map((e) => e.range.start.line);
    // A selection of whole lines 11 and 12 ends at the start of line 13, which it does not hold.
    assert.deepEqual(lines(11, 13, 0), [11, 12]);
    assert.deepEqual(lines(11, 12, 0), [11]);
    assert.deepEqual(lines(11, 12, 1), [11, 12]);
    assert.deepEqual(lines(12, 12, 0), [12]);
  });
});
