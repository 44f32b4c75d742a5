// Code lenses (server/src/features/codeLens.ts): "▶ Run guest | ⚙ Debug guest" at the top of a file
// whose image has a multiboot header the loader accepts (Multiboot 0.6.96 §3.1: magic 0x1BADB002,
// magic + flags + checksum = 0, 4-byte aligned in the first 8 KiB, flags bit 16 for a flat binary),
// carrying the file's URI to the client commands; label lenses stay as they were.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
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

  it('offers Run only in the assembly root, not in the file it includes', () => {
    const ws = workspace({ 'main.asm': `%include 'mb.inc'\nstart: hlt\nend:`, 'mb.inc': 'bits 32\norg 0x100000\nheader: dd 0x1BADB002, 1 << 16, -(0x1BADB002 + (1 << 16))\ndd header, $$, end, end, start' }, ['main.asm', 'mb.inc']);
    try {
      assert.equal(codeLenses(ws.doc('main.asm'))[0]?.command?.title, '▶ Run guest');
      assert.ok(!codeLenses(ws.doc('mb.inc')).some((l) => l.command?.command === RUN_GUEST_COMMAND));
    } finally { ws.dispose(); }
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
});
