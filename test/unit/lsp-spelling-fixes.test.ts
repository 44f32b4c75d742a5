// "Change to ..." quick fixes for misspelt names: each fix offered, applied, gives a file nasm
// 2.16.01 (run now) assembles to the bytes of the file written right, and Ringside the same;
// names too far from any known one get no fix. nasm's part skips without it.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeActions } from '../../server/src/features/codeActions';
import { validate } from '../../server/src/features/diagnostics';
import { distance } from '../../server/src/features/spellingFixes';
import { assemble } from '../../core/src/asm/index';
import { hasNasm } from '../support/random';
import { applyEdits, single } from '../protocol/analyzeText';

const RIGHT = ['bits 32', '%define COUNT 3', 'start:', '  mov ecx, COUNT', '.loop:', '  dec ecx', '  jnz .loop', '  jmp start', 'table: dd start'].join('\n') + '\n';

/** Misspellings of RIGHT (or of `right`), the diagnostic code each gives, and the fix expected first. */
const CASES: readonly { readonly text: string; readonly code: string; readonly fix: string; readonly right?: string }[] = [
  { text: RIGHT.replace('  mov ecx', '  mvo ecx'), code: 'unknown-mnemonic', fix: 'mov' },
  { text: RIGHT.replace('jmp start', 'jmp strat'), code: 'undefined-symbol', fix: 'start' },
  { text: RIGHT.replace('jnz .loop', 'jnz .lopo'), code: 'undefined-symbol', fix: '.loop' },
  { text: RIGHT.replace('ecx, COUNT', 'ecx, CUONT'), code: 'undefined-symbol', fix: 'COUNT' },
  { text: RIGHT.replace('%define', '%defien'), code: 'unknown-directive', fix: '%define' },
  { text: RIGHT.replace('  dec ecx', '  dec ecx\n  mov eax, exb'), code: 'undefined-symbol', fix: 'ebx' },
  { text: RIGHT.replace('  dec ecx', '  dec ecx\n  ntop'), code: 'label-orphan', fix: 'nop' },
  // A word written against its operand: the blank between them, not a word that drops the operand.
  { text: `${RIGHT}size equ0\n`, code: 'unknown-mnemonic', fix: 'equ 0', right: `${RIGHT}size equ 0\n` },
];

describe('lsp quick fixes for misspelt names', function () {
  this.timeout(60000);
  const dir = mkdtempSync(join(tmpdir(), 'ringside-spell-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const nasm = (text: string): Buffer | undefined => {
    writeFileSync(join(dir, 't.asm'), text);
    const r = spawnSync('nasm', ['-f', 'bin', '-o', join(dir, 't.bin'), join(dir, 't.asm')], { encoding: 'utf8' });
    return r.status === 0 ? readFileSync(join(dir, 't.bin')) : undefined;
  };
  const ours = (text: string) => {
    const r = assemble({ file: join(dir, 'o.asm'), text, host: { readFile: () => undefined } });
    return r.diagnostics.some((d) => d.severity === 'error') ? undefined : Buffer.from(r.image);
  };

  for (const c of CASES) {
    it(`${c.code}: offers \`${c.fix}\` and the fixed file assembles as written right`, () => {
      const { doc, ws } = single(c.text);
      try {
        const diags = validate(doc).filter((d) => d.code === c.code);
        assert.ok(diags.length > 0, `no ${c.code}`);
        const fixes = codeActions(doc, diags[0].range, diags).filter((a) => a.title.startsWith('Change to'));
        assert.equal(fixes[0]?.title, `Change to \`${c.fix}\``);
        assert.equal(fixes[0].isPreferred, fixes.length === 1);
        const fixed = applyEdits(c.text, fixes[0].edit!.changes![doc.uri]);
        // (The label-orphan and register cases wrote a line more than RIGHT.)
        const expected = c.right !== undefined ? c.right : c.code === 'label-orphan' ? RIGHT.replace('  dec ecx', '  dec ecx\n  nop')
          : c.fix === 'ebx' ? RIGHT.replace('  dec ecx', '  dec ecx\n  mov eax, ebx') : RIGHT;
        assert.equal(fixed, expected);
        assert.ok(ours(fixed));
        if (hasNasm) assert.deepEqual(nasm(fixed), nasm(expected));
      } finally {
        ws.dispose();
      }
    });
  }

  it('offers, for a register that is the whole operand, only registers the instruction takes there', function () {
    if (!hasNasm) this.skip();
    for (const [text, regs] of [['bits 32\njmp fs0\n', []], ['bits 32\nout dx, ak\n', ['al', 'ax']]] as const) {
      const { doc, ws } = single(text);
      try {
        const diags = validate(doc).filter((d) => d.code === 'undefined-symbol');
        const fixes = codeActions(doc, diags[0].range, diags).filter((a) => a.title.startsWith('Change to'));
        // Each fix must give text nasm 2.16.01 accepts (`jmp fs` is "invalid combination of opcode and operands").
        for (const f of fixes) assert.ok(nasm(applyEdits(text, f.edit!.changes![doc.uri])), f.title);
        for (const r of regs) assert.ok(fixes.some((f) => f.title === `Change to \`${r}\``), r);
      } finally {
        ws.dispose();
      }
    }
  });

  it('offers no register for a name written with `$`, which marks it as no reserved word (NASM manual §3.1)', () => {
    // nasm 2.16.01 reads `jmp $x` as a jump to the symbol x ("symbol `x' not defined"); `jmp ax` would jump through AX.
    const text = 'bits 32\njmp $x\nmov eax, $exb\n';
    const { doc, ws } = single(text);
    try {
      const diags = validate(doc).filter((d) => d.code === 'undefined-symbol');
      assert.equal(diags.length, 2);
      for (const d of diags) assert.deepEqual(codeActions(doc, d.range, [d]).filter((a) => a.title.startsWith('Change to')).map((a) => a.title), []);
    } finally {
      ws.dispose();
    }
  });

  it('offers nothing for a name far from every known one, and a local label only from its own scope', () => {
    const text = ['bits 32', 'a:', '.loop: nop', 'b:', '  jmp .lopo', '  jmp zzqqxx'].join('\n') + '\n';
    const { doc, ws } = single(text);
    try {
      const diags = validate(doc).filter((d) => d.code === 'undefined-symbol');
      assert.equal(diags.length, 2);
      for (const d of diags) assert.deepEqual(codeActions(doc, d.range, [d]).filter((a) => a.title.startsWith('Change to')), []);
    } finally {
      ws.dispose();
    }
  });

  it('counts a swap of neighbours as one edit', () => {
    assert.equal(distance('mvo', 'mov', 9), 1);
    assert.equal(distance('strat', 'start', 9), 1);
    assert.equal(distance('kitten', 'sitting', 9), 3);
    assert.equal(distance('abc', 'abc', 9), 0);
    assert.equal(distance('abcdef', 'uvwxyz', 2), 2);
  });
});
