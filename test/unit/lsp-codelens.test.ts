// Code lenses (server/src/features/codeLens.ts): "▶ Run guest | ⚙ Debug guest" at the top of a file
// whose image has a multiboot header the loader accepts (Multiboot 0.6.96 §3.1: magic 0x1BADB002,
// magic + flags + checksum = 0, 4-byte aligned in the first 8 KiB, flags bit 16 for a flat binary),
// carrying the file's URI to the client commands; label lenses stay as they were.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { assemble } from '../../core/src/asm/index';
import { codeLenses, DEBUG_GUEST_COMMAND, isRunnableGuest, RUN_GUEST_COMMAND } from '../../server/src/features/codeLens';
import { single, workspace } from '../protocol/analyzeText';

const ROOT = path.join(__dirname, '..', '..');

/** A guest with a multiboot header of these flags, at `pad` bytes into the image. */
function guest(flags: string, pad = 0, checksum = `-(0x1BADB002 + (${flags}))`): string {
  return [
    'bits 32',
    'org 0x100000',
    `times ${pad} db 0`,
    'header:',
    `dd 0x1BADB002, ${flags}, ${checksum}`,
    'dd header, $$, end, end, start',
    'start:',
    'hlt',
    'end:',
  ].join('\n');
}

const titles = (text: string): (string | undefined)[] => codeLenses(single(text).doc).map((l) => l.command?.title);

describe('language server: run/debug code lenses', () => {
  it('offers Run and Debug at the top of a runnable guest, with the file URI, before the label lenses', () => {
    const { doc, ws } = single(guest('1 << 16'));
    try {
      const lenses = codeLenses(doc);
      assert.deepEqual(lenses.slice(0, 2).map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]), [
        [0, '▶ Run guest', RUN_GUEST_COMMAND, [ws.uri('main.asm')]],
        [0, '⚙ Debug guest', DEBUG_GUEST_COMMAND, [ws.uri('main.asm')]],
      ]);
      assert.deepEqual([RUN_GUEST_COMMAND, DEBUG_GUEST_COMMAND], ['ringside.runGuest', 'ringside.debugGuest']);
      // header(32 bytes) heads the header; start(1) the hlt.
      assert.deepEqual(lenses.slice(2).map((l) => l.command?.title), ['0x00100000 · 32 bytes', '0x00100020 · 1 byte', '0x00100021 · 0 bytes']);
    } finally { ws.dispose(); }
  });

  it('finds the header where the loader does: 4-byte aligned, within QEMU\'s search window of the first 8 KiB', () => {
    assert.equal(titles(guest('1 << 16', 4096))[0], '▶ Run guest');
    // QEMU's search (hw/i386/multiboot.c) stops 48 bytes — one full header — before 8 KiB, as the loader does.
    assert.equal(titles(guest('1 << 16', 8192 - 52))[0], '▶ Run guest');
    assert.notEqual(titles(guest('1 << 16', 8192 - 48))[0], '▶ Run guest');
    assert.notEqual(titles(guest('1 << 16', 2))[0], '▶ Run guest');
  });

  it('offers nothing to run without the a.out kludge (ELF-style flags), with a bad checksum, or without a header', () => {
    assert.notEqual(titles(guest('0x3'))[0], '▶ Run guest');
    assert.notEqual(titles(guest('1 << 16', 0, '0'))[0], '▶ Run guest');
    assert.deepEqual(titles('bits 32\nstart: hlt'), ['0x00000000 · 1 byte']);
  });

  it('runs the assembly root, also from a file it includes, open or not (the include alone is no guest)', () => {
    const files = { 'main.asm': `%include 'mb.inc'\nstart: hlt\nend:`, 'mb.inc': 'bits 32\norg 0x100000\nheader: dd 0x1BADB002, 1 << 16, -(0x1BADB002 + (1 << 16))\ndd header, $$, end, end, start' };
    const run = (lenses: ReturnType<typeof codeLenses>) => lenses.filter((l) => l.command?.command === RUN_GUEST_COMMAND || l.command?.command === DEBUG_GUEST_COMMAND).map((l) => [l.command?.title, l.command?.arguments]);
    const ws = workspace(files, ['main.asm', 'mb.inc']);
    try {
      assert.equal(codeLenses(ws.doc('main.asm'))[0]?.command?.title, '▶ Run guest');
      assert.deepEqual(run(codeLenses(ws.doc('mb.inc'))), [['▶ Run main.asm', [ws.uri('main.asm')]], ['⚙ Debug main.asm', [ws.uri('main.asm')]]]);
    } finally { ws.dispose(); }
    // mb.inc alone: its `start` and `end` are main.asm's, so it is analysed there (includers.ts).
    const alone = workspace(files, ['mb.inc']);
    try {
      assert.deepEqual(run(codeLenses(alone.doc('mb.inc'))), [['▶ Run main.asm', [alone.uri('main.asm')]], ['⚙ Debug main.asm', [alone.uri('main.asm')]]]);
      assert.equal(isRunnableGuest(assemble({ file: alone.path('mb.inc'), host: { readFile: (p) => (p === alone.path('mb.inc') ? files['mb.inc'] : undefined) } }).image), false);
    } finally { alone.dispose(); }
  });

  it('agrees with the example guests QEMU boots (their READMEs give the qemu -kernel lines) and NASM-built fixtures that are not guests', () => {
    for (const f of ['examples/hello/hello.gasm', 'examples/kernel/kernel.gasm']) {
      const ws = workspace({}, [], { includePaths: [path.join(ROOT, 'examples', 'include'), path.join(ROOT, 'examples', 'kernel')] });
      try {
        const file = path.join(ROOT, f);
        ws.cache.update(`file://${file}`, readFileSync(file, 'utf8'));
        const doc = ws.cache.analyze(`file://${file}`);
        assert.ok(doc !== undefined);
        assert.deepEqual(doc.result.diagnostics.filter((d) => d.severity === 'error'), []);
        assert.ok(isRunnableGuest(doc.result.image), f);
      } finally { ws.dispose(); }
    }
    // nasm-assembled fixtures without a multiboot header.
    for (const f of ['test/protocol/fixtures/cli-expected.bin', 'test/protocol/fixtures/hlt-expected.bin']) {
      assert.equal(isRunnableGuest(new Uint8Array(readFileSync(path.join(ROOT, f)))), false, f);
    }
  });

  it('counts the bytes a macro another macro calls puts out at the call written in the file (nasm: a heads 01020304 twice)', () => {
    // nasm -l: `a:` then `outer` twice, outer calling inner's `db 1,2,3,4`: 00000000 and 00000004, then b's nop at 8.
    const src = ['%macro inner 0', '    db 1,2,3,4', '%endmacro', '%macro outer 0', '    inner', '%endmacro', 'a:', '    outer', '    outer', 'b:', '    nop'].join('\n');
    assert.deepEqual(titles(src), ['0x00000000 · 8 bytes', '0x00000008 · 1 byte']);
  });

  it('counts a label\'s bytes up to a change of section (nasm -l: start 90 C3 at .text 0, the .data and .bss lines at their own offsets, more at .text 2)', () => {
    const text = 'bits 32\nsection .text\nstart: nop\n  ret\nsection .data\n  db 1,2,3\nsection .bss\n  resb 100\nsection .text\nmore: nop\n';
    assert.deepEqual(titles(text), ['0x00000000 · 2 bytes', '0x00000002 · 1 byte']);
  });

  it('gives the example kernel\'s labels nasm\'s sizes, one lens for the labels of a %rep line', () => {
    const ws = workspace({}, [], { includePaths: [path.join(ROOT, 'examples', 'include'), path.join(ROOT, 'examples', 'kernel')] });
    try {
      const file = path.join(ROOT, 'examples/kernel/kernel.gasm');
      ws.cache.update(`file://${file}`, readFileSync(file, 'utf8'));
      const doc = ws.cache.analyze(`file://${file}`)!;
      const lens = (line: number) => codeLenses(doc).filter((l) => l.range.start.line === line).map((l) => l.command?.title);
      const at = (label: string) => doc.lines.findIndex((l) => l.startsWith(label));
      // `nasm -f bin -l` (-I examples/include -I examples/kernel): start 0x20-0x229, alias_message
      // to 0x264, exception_common 0x465-0x530, demand_page_fault to 0x5D5 (image at 0x100000).
      assert.deepEqual(lens(at('start:')), ['0x00100020 · 521 bytes']);
      assert.deepEqual(lens(at('alias_message:')), ['0x00100229 · 59 bytes']);
      assert.deepEqual(lens(at('exception_common:')), ['0x00100465 · 203 bytes']);
      assert.deepEqual(lens(at('demand_page_fault:')), ['0x00100530 · 165 bytes']);
      // The %rep's 32 stubs: at 0x264 to 0x36D, 9 bytes each with `push dword 0`, 7 without (vectors 8, 10-14, 17), up to exception_stubs at 0x376.
      assert.deepEqual(lens(at('exception_ %+ vector:')), ['32 labels · 0x00100264–0x0010036D · 7–9 bytes each']);
    } finally { ws.dispose(); }
  });
});
