// The server documents exactly the directives the assembler accepts, both ways, so completion and
// hover cannot drift from core/src/asm: the assembler's own directive and size sets, and for the
// preprocessor (which keeps no exported list) every `%` name in NASM 2.16's manual plus every `%`
// literal in preprocessor.ts, probed through assemble() and judged by its unknown/unsupported errors.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BRACKET_DIRECTIVES as ASM_BRACKET_DIRECTIVES, DIRECTIVES as ASM_DIRECTIVES, SIZE_KEYWORDS as ASM_SIZES } from '../../core/src/asm/directives';
import { assemble } from '../../core/src/asm/index';
import { BRACKET_DIRECTIVES, DIRECTIVES, PREPROCESSOR_DIRECTIVES, SIZE_KEYWORDS, keywordDoc } from '../../server/src/syntax/directives';

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

// NASM 2.16 manual ch. 4 (preprocessor) directive names, including the ones Ringside rejects.
const NASM_CONDITION_KINDS = ['', 'def', 'macro', 'ctx', 'idn', 'idni', 'id', 'num', 'str', 'token', 'empty', 'env', 'usable', 'using', 'defalias'];
const NASM_PREPROCESSOR = [
  '%define', '%idefine', '%xdefine', '%ixdefine', '%undef', '%undefine', '%assign', '%iassign', '%defstr', '%idefstr',
  '%deftok', '%ideftok', '%defalias', '%idefalias', '%undefalias', '%clear', '%strcat', '%strlen', '%substr',
  '%macro', '%imacro', '%endmacro', '%endm', '%unmacro', '%rotate', '%exitmacro', '%rep', '%endrep', '%exitrep',
  '%include', '%depend', '%use', '%push', '%pop', '%repl', '%arg', '%stacksize', '%local', '%error', '%warning',
  '%fatal', '%note', '%line', '%pragma', '%else', '%endif', '%aliases',
  ...NASM_CONDITION_KINDS.flatMap((k) => [`%if${k}`, `%ifn${k}`, `%elif${k}`, `%elifn${k}`]),
];

/** True when the assembler takes `d` as a directive (it may still complain about the arguments). */
function accepted(d: string): boolean {
  const text = d.startsWith('%elif') ? `%if 0\n${d} a, a\n%endif\n` : d.startsWith('%if') ? `${d} a, a\n%endif\n` : `${d} a\n`;
  const r = assemble({ file: '/virtual/probe.asm', text, host: { readFile: () => undefined } });
  return !r.diagnostics.some((x) => x.code === 'unknown-directive' || x.code === 'unsupported-directive');
}

describe('lsp directive documentation matches the assembler', () => {
  it('documents exactly the assembler directives', () => {
    assert.deepEqual(sorted(DIRECTIVES.map((d) => d.name)), sorted(ASM_DIRECTIVES));
  });

  it('documents exactly the directives written in brackets only', () => {
    assert.deepEqual(sorted(BRACKET_DIRECTIVES.map((d) => d.name)), sorted(ASM_BRACKET_DIRECTIVES));
    for (const d of ASM_BRACKET_DIRECTIVES) {
      const r = assemble({ file: '/virtual/probe.asm', text: `[${d} -]\n`, host: { readFile: () => undefined } });
      assert.ok(!r.diagnostics.some((x) => x.code === 'unknown-directive'), d);
    }
  });

  it('documents exactly the size keywords', () => {
    assert.deepEqual(sorted(SIZE_KEYWORDS.map((d) => d.name)), sorted(Object.keys(ASM_SIZES)));
  });

  it('documents exactly the preprocessor directives the assembler accepts', () => {
    const source = readFileSync(join(__dirname, '..', '..', 'core', 'src', 'asm', 'preprocessor.ts'), 'utf8');
    const literals = [...source.matchAll(/'(%[a-z]+)'/g)].map((m) => m[1]);
    const documented = PREPROCESSOR_DIRECTIVES.map((d) => d.name);
    assert.ok(literals.length > 20, 'the preprocessor source still names its directives');
    const candidates = sorted([...NASM_PREPROCESSOR, ...literals, ...documented]);
    const acceptedSet = candidates.filter(accepted);
    assert.deepEqual(sorted(documented), acceptedSet);
    assert.equal(documented.length, new Set(documented).size, 'no directive documented twice');
  });

  it('hovers the built-in names', () => {
    for (const w of ['__LINE__', '__?FILE?__', '__BITS__', '__PASS__', 'section..text.start']) assert.ok(keywordDoc(w), w);
    assert.equal(keywordDoc('section..start'), undefined);
    for (const d of ['%strlen', '%ifctx', '%unmacro', '%idefine', '%imacro', '%elifnidni']) assert.ok(keywordDoc(d), d);
  });
});
