// References that macro expansion produces: each is listed where the name is written (a %define
// body, a %macro body, a macro argument), once per place in the source, never at text that is
// not the name; a name made by pasting lists the places its pieces are written.
import * as assert from 'node:assert/strict';
import { assemble, type SourceRange, type SymbolReference } from '../../core/src/asm/index';

const F = '/w/main.asm';
const INC = '/w/defs.inc';

function asm(lines: readonly string[], files: Record<string, string> = {}, defines: Record<string, string> = {}) {
  const text = lines.join('\n');
  const all: Record<string, string> = { [F]: text, ...files };
  const r = assemble({ file: F, text, host: { readFile: (p) => all[p] }, defines });
  const textAt = (g: SourceRange): string => {
    assert.equal(g.start.line, g.end.line);
    return (all[g.file] ?? '').split('\n')[g.start.line].slice(g.start.col, g.end.col);
  };
  /** `name`'s references as `file:line:written`, sorted, each checked to be the name where it is written. */
  const places = (name: string): string[] => {
    const refs = r.references.filter((x) => x.name === name);
    for (const x of refs) {
      if (x.pieces !== undefined) continue;
      const written = textAt(x.range);
      // A local label may be written short (`.x` for `parent.x`).
      assert.ok(written === name || (written.startsWith('.') && name.endsWith(written)), `${name} written \`${written}\` at ${JSON.stringify(x.range)}`);
    }
    return refs.map((x) => `${x.range.file === F ? '' : 'inc:'}${x.range.start.line}:${textAt(x.range)}`).sort();
  };
  const pasted = (name: string): SymbolReference[] => r.references.filter((x) => x.name === name && x.pieces !== undefined);
  return { r, textAt, places, pasted };
}

describe('references through macros', () => {
  it('lists a name a %define body writes at the body, and the define at its use', () => {
    const { r, places } = asm(['bits 32', '%define T target', 'target:', '    jmp T', '    jmp T']);
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(places('target'), ['1:target']);
    assert.deepEqual(places('T'), ['3:T', '4:T']);
  });

  it('follows defines through defines, %xdefine and an %include', () => {
    const { r, places } = asm(['bits 32', "%include 'defs.inc'", '%define A B', '%xdefine X A', 'target:', '    jmp A', '    jmp X'], { [INC]: '%define B target\n' });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(places('target'), ['inc:0:target']);
    assert.deepEqual(places('B'), ['2:B']);
    assert.deepEqual(places('A'), ['3:A', '5:A']);
  });

  it('lists a name a multi-line macro body writes once, at the body, however often it expands', () => {
    const { r, places } = asm(['bits 32', '%macro go 0', '    jmp target', '%endmacro', 'target:', '    go', '    go', '%rep 3', '    call target', '%endrep']);
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(places('target'), ['2:target', '8:target']);
  });

  it('lists a label passed as a macro argument where the argument is written', () => {
    const { places } = asm(['bits 32', '%macro jump 1', '    jmp %1', '%endmacro', 'target:', '    jump target', '    jump target']);
    assert.deepEqual(places('target'), ['5:target', '6:target']);
  });

  it('lists a define used in a macro body and a define passed as an argument where they are written', () => {
    const { places } = asm(['bits 32', '%define T target', '%macro go 1', '    jmp T', '    jmp %1', '%endmacro', 'target:', '    go T']);
    assert.deepEqual(places('target'), ['1:target']);
    assert.deepEqual(places('T'), ['3:T', '7:T']);
  });

  it('gives a name made by %+ the places of its pieces, not a range across the call', () => {
    const { r, textAt, places, pasted } = asm(['bits 32', '%define CAT(x) x %+ get', 'target:', '    jmp CAT(tar)']);
    assert.deepEqual(r.diagnostics, []);
    const [use, ...more] = pasted('target');
    assert.equal(more.length, 0);
    assert.deepEqual(use.pieces!.map(textAt), ['tar', 'get']);
    assert.deepEqual(use.pieces!.map((p) => p.start.line), [3, 1]);
    assert.deepEqual(use.range, use.pieces![0]);
    assert.deepEqual(places('target').length, 1);
  });

  it('gives a name a macro parameter pastes to its body text the places of both pieces', () => {
    const { r, textAt, pasted } = asm(['bits 32', '%macro ends 1', '    jmp %1_end', '    jmp %1 %+ _end', '%endmacro', 'foo_end:', '    ends foo']);
    assert.deepEqual(r.diagnostics, []);
    const uses = pasted('foo_end');
    assert.deepEqual(uses.map((u) => u.pieces!.map((p) => `${p.start.line}:${textAt(p)}`)), [['6:foo', '2:_end'], ['6:foo', '3:_end']]);
    assert.equal(r.references.filter((x) => x.name === 'foo_end').length, 2);
  });

  it('writes a name given on the command line nowhere in the sources', () => {
    const { r, pasted } = asm(['bits 32', 'target:', '    jmp T'], {}, { T: 'target' });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(pasted('target').map((u) => u.pieces), [[]]);
  });

  it('lists a local label a macro body writes under each label it expands under', () => {
    const { r, places } = asm(['bits 32', '%macro spin 0', '    jmp .wait', '%endmacro', 'a:', '.wait:', '    spin', 'b:', '.wait:', '    spin']);
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.references.filter((x) => x.name.endsWith('.wait')).map((x) => `${x.name}@${x.range.start.line}`), ['a.wait@2', 'b.wait@2']);
    assert.equal(places('a.wait').length, 1);
  });

  it('keeps the bytes (as nasm 2.16) and diagnostics (at the use) of macro-heavy code', () => {
    const ok = asm(['bits 32', '%define T target', '%define CAT(x) x %+ get', '%macro go 1', '    jmp %1', '    jmp T', '%endmacro', 'target:', '    go CAT(tar)', '    jmp target']).r;
    assert.deepEqual(ok.diagnostics, []);
    assert.deepEqual([...ok.image], [0xeb, 0xfe, 0xeb, 0xfc, 0xeb, 0xfa]);
    const bad = asm(['bits 32', '%define U nowhere', '    jmp U']).r;
    assert.deepEqual(bad.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.col, d.range.end.col]), [['undefined-symbol', 2, 8, 9]]);
  });
});
