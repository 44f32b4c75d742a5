// The listing renders like `nasm -l` (reference listing recorded with nasm 2.16 and committed).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble, renderListing } from '../../core/src/asm/index';

const DIR = path.join(__dirname, '..', 'fixtures', 'asm');
const host = { readFile: (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined) };

describe('listing', () => {
  it('matches nasm -l line for line', () => {
    const r = assemble({ file: path.join(DIR, 'listing.asm'), host });
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    const expected = fs.readFileSync(path.join(DIR, 'listing.lst'), 'utf8').split('\n').filter((l) => !l.includes('******'));
    assert.deepEqual(renderListing(r.listing).split('\n'), expected);
  });
  it('keeps addresses and bytes per line in the structured listing', () => {
    const r = assemble({ file: '/x.asm', text: 'org 0x10\nnop\ndb 1, 2', host: { readFile: () => undefined } });
    const l = r.listing.filter((x) => x.address !== undefined);
    assert.deepEqual(l.map((x) => [x.line, x.address, [...x.bytes]]), [[1, 0x10, [0x90]], [2, 0x11, [1, 2]]]);
  });
});
