// hover(): the instruction reference from the table, registers, label addresses from the last
// assembly, numbers in several bases and macro expansions.

import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MarkupContent } from 'vscode-languageserver-types';
import { hover } from '../../server/src/features/hover';
import { formSignature, instructionFor } from '../../server/src/syntax/isaIndex';
import { at, single } from '../protocol/analyzeText';
import { nasmBytes } from '../support/nasm-live';
import { hasNasm } from '../support/random';

const SOURCE = [
  'bits 32',
  'org 0x100000',
  'start:',
  '    popf',
  '    hlt',
  '    mov cr3, eax',
  '    mov eax, 0x41',
  '.loop:',
  '    jmp .loop',
  '%macro SAVE 2',
  '    push %1',
  '    push %2',
  '%endmacro',
  '    SAVE eax, ebx',
  'K equ 1000',
  '    mov ecx, K',
  '%define SCALED(x, y)  x * y  + K',
  '    mov ecx, SCALED(2, 3)',
  '%arg count:dword',
  '    mov eax, [count]',
  '    dd -1.5, 0x1p-3',
].join('\n');

function text(line: string, needle: string, offset = 0): string {
  const { doc } = single(SOURCE);
  const h = hover(doc, at(doc, needle, offset, line));
  assert.ok(h, `no hover on ${needle}`);
  return (h.contents as MarkupContent).value;
}

describe('lsp hover', () => {
  it('says popf is sensitive but does not trap outside ring 0', () => {
    const t = text('popf', 'popf');
    assert.match(t, /sensitive but unprivileged/);
    assert.match(t, /does not trap outside ring 0/);
    assert.match(t, /trap-and-emulate \| \*\*does not trap\*\*/);
  });

  it('gives privilege class, flags and the VT-x exit reason (Intel: HLT = 12)', () => {
    const t = text('hlt', 'hlt');
    assert.match(t, /\*\*privileged\*\*/);
    assert.match(t, /VM exit 12 \(HLT\)/);
    assert.match(t, /hypercall/);
  });

  it('uses the form under the cursor (mov to CR3 is privileged, exit 28)', () => {
    const t = text('cr3', 'mov');
    assert.match(t, /This form: `mov cr0-cr4, r32`/);
    assert.match(t, /\*\*privileged\*\*/);
    assert.match(t, /VM exit 28/);
  });

  it('picks the form a size keyword names: `inc dword [eax]` is r/m32, `push byte 5` the sign-extended imm8', () => {
    const { doc } = single(['bits 32', '    inc dword [eax]', '    inc byte [eax]', '    push byte 5', '    push word 5', '    add eax, byte -2', '    nop dword [eax+eax*1+0]'].join('\n'));
    const form = (line: number, col: number) => /This form: `([^`]*)`/.exec((hover(doc, { line, character: col })!.contents as MarkupContent).value)?.[1];
    assert.equal(form(1, 5), 'inc r/m32');
    assert.equal(form(2, 5), 'inc r/m8');
    assert.equal(form(3, 5), 'push imm8');
    // (nasm: 66 6A 05, the sign-extended byte under o16.)
    assert.equal(form(4, 5), 'push imm8 (sign-extended)');
    // (nasm: 83 C0 FE, which both forms of 83 /0 ib,s encode.)
    assert.match(form(5, 5)!, /^add (eax, imm8 \(sign-extended\)|r\/m32, imm8)$/);
    assert.equal(form(6, 5), 'nop r/m32');
  });

  // nasm -f bin's bytes for these lines (bits 32, org 0x100000; far_away 200 bytes on): each row's
  // opcode is the one the form's table encoding gives, so the form named is the one encoded.
  const ENCODED: readonly [string, string, string][] = [
    ['mov [esp + 28], eax', '8944241C', 'mov r/m32, r32'],
    ['mov eax, [ebx]', '8B03', 'mov r32, r/m32'],
    ['shr edx, 16', 'C1EA10', 'shr r/m32, imm8'],
    ['jmp far_away', 'E9E9000000', 'jmp rel32'],
    ['push dword 0', '6A00', 'push imm8 (sign-extended)'],
    ['push 1000', '68E8030000', 'push imm32'],
    ['add eax, 1000', '05E8030000', 'add eax, imm32'],
    ['call start', 'E8E1FFFFFF', 'call rel32'],
    ['mov eax, [start]', 'A100001000', 'mov eax, moffs32'],
    ['shr edx, 1', 'D1EA', 'shr r/m32, 1'],
    ['jmp start', 'EBD8', 'jmp rel8'],
    ['loop start', 'E2D6', 'loop rel8'],
    ['push dwordval', '68F8001000', 'push imm32'],
  ];
  const ENCODED_SOURCE = ['bits 32', 'org 0x100000', 'start:', ...ENCODED.map(([line]) => `    ${line}`), '    times 200 nop', 'far_away:', '    ret', 'dwordval:'].join('\n');
  const formOf = (doc: ReturnType<typeof single>['doc'], line: number) => /This form: `([^`]*)`/.exec((hover(doc, { line, character: 5 })!.contents as MarkupContent).value)?.[1];
  const opcodeOf = (mnemonic: string, form: string) => {
    const spec = instructionFor(mnemonic)!;
    const f = spec.forms.find((k) => formSignature(spec.mnemonic, k) === form)!;
    return /^(?:o16 |o32 )?([0-9A-F]{2})/.exec(f.encoding)![1];
  };

  it('names the form the assembler encoded, whose opcode is nasm\'s', () => {
    const { doc } = single(ENCODED_SOURCE);
    ENCODED.forEach(([line, nasm, form], k) => {
      assert.equal(formOf(doc, 3 + k), form, line);
      assert.equal(opcodeOf(line.split(' ')[0], form), nasm.slice(0, 2), line);
    });
  });

  it('names the form nasm would pick for a line not assembled (a macro\'s body)', () => {
    const body = ENCODED.filter(([line]) => !/^jmp/.test(line));
    const { doc } = single(['bits 32', 'org 0x100000', 'start:', '%macro m 0', ...body.map(([line]) => `    ${line}`), '%endmacro', 'far_away:', 'dwordval:'].join('\n'));
    body.forEach(([line, nasm, form], k) => {
      assert.equal(formOf(doc, 4 + k), form, line);
      assert.equal(opcodeOf(line.split(' ')[0], form), nasm.slice(0, 2), line);
    });
  });

  it('shows registers, numbers and label addresses', () => {
    assert.match(text('cr3', 'eax'), /32-bit general register.*encoding number 0/);
    const n = text('0x41', '0x41');
    assert.match(n, /dec: `65`/);
    assert.match(n, /bin: `100_0001b`/);
    assert.match(n, /chars: `'A'`/);
    // org 0x100000 + popf(1) + hlt(1) + mov cr3(3) + mov eax, imm32(5) = 0x10000A
    assert.match(text('jmp', '.loop', 1), /local label at `0x0010000A`/);
    assert.match(text('mov ecx', 'K'), /constant.*= `1000`/);
  });

  it('shows a macro signature and its expansion at the call site', () => {
    const t = text('SAVE eax', 'SAVE');
    assert.match(t, /%macro SAVE 2/);
    // (nasm -E prints each body line `    push %1` as ` push eax`.)
    assert.match(t, /```nasm\n push eax\n push ebx\n```/);
  });

  it('shows a macro call\'s whole expansion as nasm -E prints it, %% labels and the macros it calls expanded', () => {
    const src = ['%macro spin 1', '%%top: dec %1', '    jnz %%top', '%endmacro', '%macro inner 1', '    call %1', '%endmacro', '%macro outer 1', '    inner %1', '    nop', '%endmacro', 'f: ret', 'h: inner f', '    spin ecx', '    outer f', ''].join('\n');
    const { doc } = single(src);
    const expansion = (line: number, col: number) => /Expands to:\n```nasm\n([\s\S]*)\n```/.exec((hover(doc, { line, character: col })!.contents as MarkupContent).value)?.[1];
    // nasm -E of this text: `h: ` then ` call f`; `..@1.top: dec ecx`, ` jnz ..@1.top`; ` call f`, ` nop`.
    assert.equal(expansion(12, 4), ' call f');
    assert.equal(expansion(13, 5), '..@1.top: dec ecx\n jnz ..@1.top');
    assert.equal(expansion(14, 5), ' call f\n nop');
    // A call in a macro's body: the lines it made in that macro's first expansion.
    assert.equal(expansion(8, 5), ' call f');
  });

  it('shows what a single-line macro stands for, spaced as written; a %arg name as its frame place', () => {
    assert.match(text('mov ecx, SCALED', 'SCALED'), /```nasm\n%define SCALED\(x, y\) x \* y \+ K\n```/);
    // (No %stacksize before the %arg: nasm 2.16.01 assembles SOURCE's `mov eax, [count]` as
    // 8B 45 18, the frame kept across its passes; see stack-frame-across-passes.asm.)
    assert.match(text('[count]', 'count'), /```nasm\n%define count \(ebp\+24\)\n```/);
  });

  it('shows a single-line macro\'s parameters with their modifiers, unnamed ones as nothing (manual §4.1.1)', () => {
    const { doc } = single('%define pick(=n, &&s, !raw, , rest+) n s raw rest\n    db pick(1+1, x, y, z, 1, 2)\n');
    const t = (hover(doc, at(doc, 'pick(1'))?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(t, /```nasm\n%define pick\(=n, &&s, !raw, , rest\+\) n s raw rest\n```/);
  });

  it('shows a floating-point constant as each data directive stores it (nasm: dd -1.5 is 0xBFC00000)', () => {
    const t = text('dd -1.5', '1.5');
    for (const part of ['value: `-1.5`', 'dw (half precision): `0xBE00`', 'dd (single precision): `0xBFC00000`', 'dq (double precision): `0xBFF8000000000000`', 'dt (extended precision): `0xBFFFC000000000000000`']) assert.ok(t.includes(part), `${part} in\n${t}`);
    assert.ok(text('dd -1.5', '0x1p-3').includes('dd (single precision): `0x3E000000`'));
  });

  it('describes a data list\'s `dup`, with an example whose bytes are nasm\'s', () => {
    const { doc } = single('dup: db 1\n    db 3 DUP (1), 2 dup dup\n    mov eax, dup\n');
    const on = (line: number, character: number) => (hover(doc, { line, character })?.contents as MarkupContent | undefined)?.value ?? '';
    const t = on(1, 10);
    assert.match(t, /^\*\*dup\*\* — Repeat data/);
    assert.match(t, /NASM 2\.15/);
    assert.deepEqual(hover(doc, { line: 1, character: 10 })?.range, { start: { line: 1, character: 9 }, end: { line: 1, character: 12 } });
    // The quoted example and its bytes, as nasm -f bin assembles it (fixture data-dup-hover).
    const [, example, bytes] = /`(db [^`]*)` is `([0-9A-F ]+)`/.exec(t) ?? [];
    const fixture = join(__dirname, '..', 'fixtures', 'nasm', 'asm', 'data-dup-hover');
    assert.ok(readFileSync(`${fixture}.asm`, 'utf8').includes(`  ${example}\n`), example);
    assert.equal(bytes, [...readFileSync(`${fixture}.bin`)].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' '));
    // A label called dup (nasm: `dup: db 1` then `db dup, 2 dup dup` is 01 00 00 00).
    assert.match(on(1, 24), /label at/);
    assert.match(on(2, 14), /label at/);
    assert.match(on(0, 1), /label at/);
    assert.match(on(1, 20), /^\*\*dup\*\*/);
  });

  it('shows what a `%use` package\'s names stand for, as macros the `%use` line defines', () => {
    const { doc } = single('%use altreg\n%use fp\n%use masm\n    mov r0d, r1w\n    dd float32(1.5)\nf proc far\n    mov eax, dword ptr [ebx]\n');
    const on = (needle: string) => (hover(doc, at(doc, needle))?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(on('r0d'), /\*\*r0d\*\* — single-line macro[\s\S]*r0d eax[\s\S]*line 1/);
    assert.match(on('float32'), /float32\(x\) __\?float32\?__\(x\)[\s\S]*line 2/);
    assert.match(on('proc'), /%macro proc[\s\S]*line 3/);
    assert.match(on('ptr'), /ptr __\?masm_ptr\?__/);
  });

  it('describes the package a `%use` line names, with the names it defined there', () => {
    const { doc } = single("%use masm\n%use 'ifunc'\n%use altreg\n    mov eax, dword ptr [ebx]\n");
    const on = (line: number, col: number) => (hover(doc, { line, character: col })?.contents as MarkupContent | undefined)?.value ?? '';
    // (Without this, the name answered as the first macro the package defines: `%macro segment`.)
    assert.match(on(0, 6), /^\*\*%use masm\*\* — MASM's words[\s\S]*Defined here: [^\n]*`ptr`/);
    assert.match(on(0, 6), /Defined here: [^\n]*`proc`/);
    assert.doesNotMatch(on(0, 6), /__\?USE/);
    assert.match(on(1, 7), /^\*\*%use ifunc\*\* — [\s\S]*`ilog2e`/);
    assert.match(on(2, 6), /^\*\*%use altreg\*\* — [\s\S]*Defined here: [^\n]*`r0d`/);
    // The directive itself keeps its own documentation.
    assert.match(on(0, 1), /^\*\*%use\*\* — /);
  });

  it('returns null on whitespace and comments', () => {
    const { doc } = single('    nop ; comment\n');
    assert.equal(hover(doc, { line: 0, character: 1 }), null);
    assert.equal(hover(doc, { line: 0, character: 12 }), null);
  });

  // The byte each prefix's hover names is the one nasm 2.16.01 puts before the instruction (o16/a16
  // in bits 32, o32/a32 in bits 16, where they change the size).
  (hasNasm ? it : it.skip)('explains a prefix under the cursor, with the byte nasm encodes for it', () => {
    const lines = ['bits 32', 'rep movsb', 'repe cmpsb', 'repz scasb', 'repne scasb', 'repnz cmpsb', 'lock inc dword [eax]', 'o16 nop', 'a16 movsb', 'bits 16', 'o32 nop', 'a32 movsb'];
    const { doc, ws } = single(lines.join('\n'));
    try {
      for (let line = 1; line < lines.length; line++) {
        if (lines[line].startsWith('bits')) continue;
        const value = (hover(doc, { line, character: 1 })?.contents as MarkupContent | undefined)?.value ?? '';
        const word = lines[line].split(' ')[0];
        const named = /^\*\*(\w+)\*\* \(prefix ([0-9A-F]{2})h\) — \S/.exec(value);
        assert.ok(named, `${word}: ${value}`);
        assert.equal(named[1], word);
        writeFileSync(join(ws.dir, 'p.asm'), `${lines[line].startsWith('o32') || lines[line].startsWith('a32') ? 'bits 16' : 'bits 32'}\n${lines[line]}\n`);
        assert.equal(named[2], nasmBytes(join(ws.dir, 'p.asm'))[0].toString(16).toUpperCase(), word);
      }
      assert.match((hover(doc, { line: 1, character: 1 })?.contents as MarkupContent).value, /ECX/);
      assert.match((hover(doc, { line: 6, character: 1 })?.contents as MarkupContent).value, /#UD/);
    } finally {
      ws.dispose();
    }
  });
});
