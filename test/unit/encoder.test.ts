// Checks encode() against NASM's own bytes for every case of the committed corpus
// (test/fixtures/nasm/forms, recorded by scripts/gen-encoder-corpus.ts with nasm 2.16).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encode } from '../../core/src/isa/encoder';
import type { CorpusCase } from '../../scripts/gen-encoder-corpus';

const FORMS_DIR = path.resolve(__dirname, '..', 'fixtures', 'nasm', 'forms');

interface CorpusFile {
  readonly nasm: string;
  readonly bits: 16 | 32;
  readonly cases: readonly CorpusCase[];
}

/** The outcome of one case as a comparable line: bytes or "error", plus whether it warned. */
function actualOutcome(c: CorpusCase): { hex?: string; error?: string; warned: boolean } {
  const r = encode({ mnemonic: c.mnemonic, operands: c.operands, prefixes: c.prefixes, bits: c.bits, address: c.address, section: c.section, sectionOffset: c.sectionOffset });
  const warned = r.problems.some((p) => p.severity === 'warning');
  if (!r.ok) return { error: r.problems.map((p) => p.message).join('; '), warned };
  const errors = r.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) return { error: errors.map((p) => p.message).join('; '), warned };
  return { hex: Buffer.from(r.bytes).toString('hex'), warned };
}

const files = fs.existsSync(FORMS_DIR) ? fs.readdirSync(FORMS_DIR).filter((f) => f.endsWith('.json')).sort() : [];

describe('encoder matches nasm -f bin byte for byte', () => {
  it('has a corpus', () => assert.ok(files.length > 0, `no fixtures in ${FORMS_DIR}; run npx tsx scripts/gen-encoder-corpus.ts`));
  for (const file of files) {
    it(file.replace(/\.json$/, ''), () => {
      const corpus = JSON.parse(fs.readFileSync(path.join(FORMS_DIR, file), 'utf8')) as CorpusFile;
      const failures: string[] = [];
      for (const c of corpus.cases) {
        const got = actualOutcome(c);
        const where = `bits ${c.bits} @0x${c.address.toString(16)}  ${c.source}`;
        if (c.expectedHex !== undefined) {
          if (got.hex !== c.expectedHex) failures.push(`${where}\n    nasm: ${c.expectedHex}\n    ours: ${got.hex ?? `error: ${got.error}`}`);
          else if (c.warnings.length > 0 !== got.warned) failures.push(`${where}\n    nasm warnings: [${c.warnings.join('; ')}], ours warned: ${got.warned}`);
        } else if (got.error === undefined) {
          failures.push(`${where}\n    nasm: error: ${c.expectedError}\n    ours: ${got.hex}`);
        }
      }
      assert.ok(failures.length === 0, `${failures.length} of ${corpus.cases.length} cases differ from ${corpus.nasm}:\n${failures.slice(0, 40).join('\n')}`);
    });
  }
});
