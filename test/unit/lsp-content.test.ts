// What the language server says, checked against NASM 2.16 itself (the bytes it assembles, the
// errors it gives, its map file) and the NASM manual: formatting keeps the bytes, code actions
// leave files NASM assembles, snippets assemble as they stand, and numbers, labels and lenses
// show the values NASM computes. Skipped where nasm is not installed.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MarkupContent } from 'vscode-languageserver-types';
import { codeActions } from '../../server/src/features/codeActions';
import { codeLenses } from '../../server/src/features/codeLens';
import { completion, PLAIN_CLIENT } from '../../server/src/features/completion';
import { validate } from '../../server/src/features/diagnostics';
import { documentSymbols } from '../../server/src/features/symbols';
import { format } from '../../server/src/features/formatting';
import { hover } from '../../server/src/features/hover';
import { inlayHints } from '../../server/src/features/inlayHints';
import { semanticTokens, TOKEN_TYPES } from '../../server/src/features/semanticTokens';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/settings';
import { findHypercall } from '../../core/src/vmm/hypercalls';
import { INSTRUCTIONS } from '../../core/src/isa/table';
import { instructionMarkdown } from '../../server/src/features/instructionDocs';
import { applyEdits, at, single } from '../protocol/analyzeText';

const hasNasm = spawnSync('nasm', ['-v']).status === 0;

let dir: string;
let serial = 0;

/** NASM's flat binary for a source, or its first error line. */
function nasm(text: string, extra: readonly string[] = []): { bytes?: Buffer; error?: string } {
  const file = join(dir, `t${serial++}.asm`);
  writeFileSync(file, text);
  const r = spawnSync('nasm', ['-f', 'bin', ...extra, '-o', `${file}.bin`, file], { encoding: 'utf8' });
  return r.status === 0 ? { bytes: readFileSync(`${file}.bin`) } : { error: r.stderr.split('\n')[0] };
}

function accepted(text: string): Buffer {
  const r = nasm(text);
  assert.ok(r.bytes, `nasm rejects:\n${text}\n${r.error}`);
  return r.bytes;
}

/** The symbol values in NASM's map file (`[map symbols]`), virtual addresses for labels. */
function nasmSymbols(text: string): Map<string, number> {
  const map = join(dir, `m${serial++}.map`);
  accepted(`[map symbols ${map}]\n${text}`);
  const out = new Map<string, number>();
  for (const line of readFileSync(map, 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length === 3 && /^[0-9A-F]+$/.test(f[0]) && /^[0-9A-F]+$/.test(f[1])) out.set(f[2], parseInt(f[1], 16));
    else if (f.length === 2 && /^[0-9A-F]+$/.test(f[0])) out.set(f[1], parseInt(f[0], 16));
  }
  return out;
}

function formatted(text: string, lowercaseMnemonics: boolean): string {
  const settings = { format: { ...DEFAULT_SETTINGS.format, lowercaseMnemonics } };
  const { doc, ws } = single(text, settings);
  const once = applyEdits(text, format(doc));
  ws.edit('main.asm', once);
  assert.equal(applyEdits(once, format(ws.doc('main.asm'))), once, 'formatting twice changes nothing');
  return once;
}

function hoverText(text: string, needle: string, offset = 0, line?: string): string | undefined {
  const { doc } = single(text);
  const h = hover(doc, at(doc, needle, offset, line));
  return h ? (h.contents as MarkupContent).value : undefined;
}

(hasNasm ? describe : describe.skip)('lsp content against nasm', () => {
  before(() => { dir = mkdtempSync(join(tmpdir(), 'ringside-content-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('formatting', () => {
    it('keeps a macro parameter pasted to its neighbour (`lbl_%1:`, `j%-1`), so nasm assembles the same bytes', () => {
      const text = [
        'bits 32',
        '%macro mkl 1',
        'lbl_%1: db %1',
        '%endmacro',
        '%macro jinv 2',
        'j%-1 %2',
        '%endmacro',
        'mkl 5',
        '  dd lbl_5',
        'fwd:',
        'jinv nz, fwd',
        '',
      ].join('\n');
      for (const lower of [false, true]) assert.deepEqual(accepted(formatted(text, lower)), accepted(text));
    });

    it('does not lower-case a case-sensitive macro that spells a directive (`%deftok DT` is not `dt`)', () => {
      const text = "bits 32\n%deftok DT 'add eax, 1'\nDT\n%define DB db 7\nDB\n";
      const out = formatted(text, true);
      assert.deepEqual(accepted(out), accepted(text));
    });
  });

  describe('add operand size', () => {
    // nasm decides which sizes fix the line: the fix offers exactly those.
    for (const line of ['push [eax]', 'pop [eax]', 'movzx eax, [ebx]', 'movsx eax, [ebx]', 'bt [ebx], 3', 'inc [ebx]', 'mov [eax], 5', 'shl [ebx], cl']) {
      it(`offers for \`${line}\` the sizes nasm accepts`, () => {
        const text = `bits 32\n${line}\n`;
        const { doc } = single(text);
        const diags = validate(doc).filter((d) => d.code === 'operand-size');
        assert.equal(diags.length, 1);
        const actions = codeActions(doc, diags[0].range, diags).filter((a) => a.title.startsWith('Add operand size'));
        const offered = actions.map((a) => /`(\w+)`/.exec(a.title)?.[1]);
        const expected = ['byte', 'word', 'dword'].filter((size) => nasm(text.replace('[', `${size} [`)).bytes !== undefined);
        assert.deepEqual(offered, expected);
        for (const a of actions) accepted(applyEdits(text, a.edit?.changes?.[doc.uri] ?? []));
      });
    }

    it('fixes the line of a macro body that every call assembles', () => {
      const text = 'bits 32\n%macro SET 1\n    mov [%1], 1\n%endmacro\n    SET eax\n    SET ebx\n';
      const { doc } = single(text);
      const diags = validate(doc).filter((d) => d.code === 'operand-size');
      assert.ok(diags.length > 0);
      const dword = codeActions(doc, diags[0].range, diags).find((a) => a.title === 'Add operand size `dword`');
      assert.ok(dword?.isPreferred);
      assert.deepEqual([...accepted(applyEdits(text, dword.edit?.changes?.[doc.uri] ?? []))], [...accepted(text.replace('[%1]', 'dword [%1]'))]);
    });

    it('offers nothing for a size mismatch (a second size keyword is no fix)', () => {
      const text = 'bits 32\nmov byte [eax], ebx\n';
      const { doc } = single(text);
      const diags = validate(doc).filter((d) => d.code === 'operand-size');
      assert.ok(nasm(text).error);
      assert.deepEqual(codeActions(doc, diags[0]?.range ?? { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, diags).filter((a) => a.title.startsWith('Add operand size')), []);
    });
  });

  it('creates a local label before a structure, whose name opens a new scope in nasm', () => {
    const text = 'bits 32\nstart:\n    jmp .done\nstruc S\n.a: resd 1\nendstruc\n';
    const { doc } = single(text);
    const diags = validate(doc).filter((d) => d.code === 'undefined-symbol');
    const create = codeActions(doc, diags[0].range, diags).find((a) => a.title === 'Create label `.done`');
    assert.ok(create);
    accepted(applyEdits(text, create.edit?.changes?.[doc.uri] ?? []));
  });

  // The next label was one a macro's body defines: the fix put `.helper:` in that body, where it
  // is no label of `main`'s (nasm: still "symbol `main.helper' not defined").
  it('creates a local label before the call of a macro that defines the next label, not in its body', () => {
    const text = 'bits 32\nmain:\n  call .helper\n  ret\n%macro stub 0\nstub_entry:\n  ret\n%endmacro\n  stub\n';
    const { doc } = single(text);
    const diags = validate(doc).filter((d) => d.code === 'undefined-symbol');
    const create = codeActions(doc, diags[0].range, diags).find((a) => a.title === 'Create label `.helper`');
    assert.ok(create);
    const fixed = applyEdits(text, create.edit?.changes?.[doc.uri] ?? []);
    accepted(fixed);
    assert.equal(fixed, text.replace('  stub\n', '.helper:\n  stub\n'));
  });

  it('gives every mnemonic snippet operands nasm assembles as they stand', () => {
    const { doc } = single('bits 32\n    \n');
    const items = completion(doc, { line: 1, character: 4 }, { ...PLAIN_CLIENT, snippets: true }).items.filter((i) => i.insertTextFormat === 2 && i.data?.kind === 'mnemonic');
    assert.ok(items.length > 100);
    const lines = items.map((i) => ((i.textEdit as { newText: string }).newText)
      .replace(/\$\{\d+:((?:\\.|[^}])*)\}/g, '$1')
      .replace(/\\([$}\\])/g, '$1'));
    const r = nasm(`bits 32\n${lines.join('\n')}\n`);
    assert.ok(r.bytes, `${r.error}\n${lines.join('\n')}`);
  });

  describe('number hover', () => {
    // The value nasm stores for `dq <expr>`, little-endian.
    const stored = (expr: string) => accepted(`dq ${expr}\n`).readBigUInt64LE(0);

    it('shows a 64-bit constant exactly', () => {
      for (const n of ['0x123456789ABCDEF1', '0xFFFFFFFFFFFFFFFF', '9007199254740993']) {
        const hex = `0x${stored(n).toString(16).toUpperCase()}`;
        assert.match(hoverText(`dq ${n}\n`, n) ?? '', new RegExp(`hex: \`${hex}\``), n);
      }
    });

    it('shows a negated number as the two\'s complement nasm stores', () => {
      const dd = accepted('dd -1\n').readUInt32LE(0);
      const t = hoverText('    dd -1\n', '1') ?? '';
      assert.match(t, new RegExp(`hex: \`0x${dd.toString(16).toUpperCase()}\``));
      assert.match(t, /dec: `-1`/);
      // `x - 1` subtracts: the 1 is just 1.
      assert.match(hoverText('x: dd x - 1\n', '1') ?? '', /hex: `0x1`/);
    });

    it('shows a character constant\'s value (little-endian, NASM manual §3.4.3)', () => {
      const v = accepted("dd 'abcd'\n").readUInt32LE(0);
      assert.match(hoverText("    mov eax, 'abcd'\n", "'ab", 1) ?? '', new RegExp(`hex: \`0x${v.toString(16).toUpperCase()}\``));
      // A file name is no character constant: its hover is the file's (lsp-file-name-completion.test.ts).
      assert.doesNotMatch(hoverText('%include "x.inc"\n', 'x.inc') ?? '', /hex:/);
    });
  });

  it('puts inlay hints and code lenses only on labels with one address, with nasm\'s values', () => {
    const text = [
      'bits 32', 'org 0x1000',
      '%macro WAIT 0', '%%spin: dec ecx', '    jnz %%spin', '%endmacro',
      'start: WAIT', '    WAIT',
      'data: dd 1',
      'section .user vstart=0x40000000',
      'user: nop',
      'struc S', '.f: resd 1', 'endstruc', '',
    ].join('\n');
    const symbols = nasmSymbols(text);
    const { doc } = single(text);
    const hints = inlayHints(doc, { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } });
    const byLine = new Map(hints.map((h) => [h.position.line, String(h.label)]));
    assert.equal(hints.length, 3, JSON.stringify(hints));
    for (const [name, line] of [['start', 6], ['data', 8], ['user', 10]] as const) {
      assert.equal(byLine.get(line), `@0x${symbols.get(name)?.toString(16).toUpperCase().padStart(8, '0')}`, name);
    }
    // `nop` is one byte and a struc's field reserves nothing in the image.
    assert.equal(accepted('bits 32\nnop\nstruc S\n.f: resd 1\nendstruc\n').length, 1);
    const lenses = codeLenses(doc).filter((l) => l.range.start.line >= 3);
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title]), [
      [6, `0x${symbols.get('start')?.toString(16).toUpperCase().padStart(8, '0')} · 6 bytes`],
      [8, `0x${symbols.get('data')?.toString(16).toUpperCase().padStart(8, '0')} · 4 bytes`],
      [10, '0x40000000 · 1 byte'],
    ]);
  });

  it('gives the labels of a %rep line one hint and one lens, at nasm\'s addresses and sizes', () => {
    const text = ['bits 32', '%assign n 0', '%rep 3', 'stub_ %+ n:', '  %if n != 1', '    push dword 0', '  %endif', '    push dword n', '%assign n n + 1', '%endrep', 'after: ret', ''].join('\n');
    // nasm's map: stub_0 at 0, stub_1 at 4 (6A 00 6A 00), stub_2 at 6 (6A 01), after at 10.
    const symbols = nasmSymbols(text);
    const hex = (name: string): string => `0x${symbols.get(name)?.toString(16).toUpperCase().padStart(8, '0')}`;
    const { doc } = single(text);
    const hints = inlayHints(doc, { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } });
    assert.deepEqual(hints.map((h) => [h.position.line, String(h.label)]), [[3, `@${hex('stub_0')}–${hex('stub_2')} (3 labels)`], [10, `@${hex('after')}`]]);
    const sizes = [symbols.get('stub_1')! - symbols.get('stub_0')!, symbols.get('stub_2')! - symbols.get('stub_1')!, symbols.get('after')! - symbols.get('stub_2')!];
    assert.deepEqual(codeLenses(doc).map((l) => [l.range.start.line, l.command?.title]), [
      [3, `3 labels · ${hex('stub_0')}–${hex('stub_2')} · ${Math.min(...sizes)}–${Math.max(...sizes)} bytes each`],
      [10, `${hex('after')} · 1 byte`],
    ]);
  });

  it('offers no `..@` names or multi-line macros among operands', () => {
    const { doc } = single('bits 32\n%macro W 0\n%%l: dec ecx\n    jnz %%l\n%endmacro\nstart: W\n    jmp \n');
    const labels = completion(doc, at(doc, 'jmp ', 4)).items.map((i) => i.label);
    assert.ok(labels.includes('start'));
    assert.ok(!labels.some((l) => l.startsWith('..@') || l === 'W'), labels.join(' '));
  });

  it('shows none of the labels nasm\'s standard macros define (istruc\'s `%$strucstart`, smartalign align\'s `%$end`)', () => {
    const text = 'bits 32\n%use smartalign\nstruc s\n.a: resd 1\nendstruc\ndb 1\nalign 4\nx: istruc s\nat .a, dd 1\niend\n.loc: db 1\n';
    // nasm's map lists them (see the map differential); no line of the source writes them.
    const symbols = nasmSymbols(text);
    assert.deepEqual([...symbols.keys()].filter((n) => n.startsWith('..@')).map((n) => n.replace(/\d+/, 'N')), ['..@N.end', '..@N.strucstart']);
    const { doc } = single(`${text}    jmp \n`);
    const outline = documentSymbols(doc).flatMap(function names(s): string[] { return [s.name, ...(s.children ?? []).flatMap(names)]; });
    assert.ok(outline.includes('x') && outline.includes('.loc') && !outline.some((n) => n.startsWith('..@')), outline.join(' '));
    const labels = completion(doc, at(doc, 'jmp ', 4)).items.map((i) => i.label);
    assert.ok(labels.includes('x') && !labels.some((l) => l.startsWith('..@')), labels.join(' '));
    assert.deepEqual(codeLenses(doc).map((l) => l.range.start.line), [7]);
    const hints = inlayHints(doc, { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } });
    const hint = (name: string): string => `@0x${symbols.get(name)?.toString(16).toUpperCase().padStart(8, '0')}`;
    assert.deepEqual(hints.map((h) => [h.position.line, String(h.label)]), [[7, hint('x')], [10, hint('x.loc')]]);
  });

  it('colours a struc\'s `.field:` lines as the fields nasm defines under the structure\'s name', () => {
    const text = 'bits 32\nstart:\n    nop\nstruc frame\n.eax: resd 1\nendstruc\n    mov eax, [esp + frame.eax]\n';
    assert.equal(nasmSymbols(text).get('frame.eax'), 0);
    const { doc } = single(text);
    const data = semanticTokens(doc).data;
    let line = 0;
    let col = 0;
    const types = new Map<string, string>();
    for (let i = 0; i < data.length; i += 5) {
      line += data[i];
      col = data[i] === 0 ? col + data[i + 1] : data[i + 1];
      types.set(`${line}:${doc.lines[line].slice(col, col + data[i + 2])}`, TOKEN_TYPES[data[i + 3]]);
    }
    assert.equal(types.get('4:.eax'), 'property');
    assert.equal(types.get('6:frame.eax'), 'property');
  });

  it('offers no paravirtualization under `times`, which would repeat only the first instruction', () => {
    // nasm repeats the one instruction after TIMES (`times 2 hlt` is F4 F4).
    assert.deepEqual([...accepted('bits 32\ntimes 2 hlt\n')], [0xf4, 0xf4]);
    const text = 'bits 32\ntimes 2 hlt\n';
    const { doc } = single(text, { technique: 'paravirtual' });
    const actions = codeActions(doc, { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, validate(doc));
    assert.deepEqual(actions.map((a) => a.title), []);
  });
});

describe('lsp paravirtual wording against the hypercall ABI', () => {
  it('names as a hypercall only what core/src/vmm/hypercalls.ts defines', () => {
    const { doc } = single('bits 32\nsti\ncli\npushf\npopf\nhlt\nmov cr3, eax\nmov eax, cr2\n', { technique: 'paravirtual' });
    for (const d of validate(doc).filter((x) => x.code === 'needs-hypercall')) {
      for (const m of String(d.message).matchAll(/hypercall `([\w.]+)`/g)) assert.ok(findHypercall(m[1].split('.')[0]), `${m[1]} in: ${d.message}`);
    }
    for (const spec of INSTRUCTIONS) {
      for (const form of [undefined, ...spec.forms]) {
        for (const m of instructionMarkdown(spec, form).matchAll(/hypercall `([\w.-]+)`/g)) assert.ok(findHypercall(m[1].split('.')[0]), `${m[1]} in the hover of ${spec.mnemonic}`);
      }
    }
  });
});
