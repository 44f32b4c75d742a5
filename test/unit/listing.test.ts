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
    const expected = fs.readFileSync(path.join(DIR, 'listing.lst'), 'utf8').split('\n');
    assert.deepEqual(renderListing(r.listing).split('\n'), expected);
  });
  it('leaves out the lines between [list -] and [list +], as nasm -l does', () => {
    // nasm 2.16: `[list -]` is listed, `[list +]` is not; a second `-` does not need a second `+`.
    const text = 'nop\n[list -]\nnop\n[list +]\nnop\n[list -]\n[list -]\ndb 1\n[list +]\ndb 2\n[list +]\ndb 3\n';
    const r = assemble({ file: '/x.asm', text, host: { readFile: () => undefined } });
    assert.deepEqual(renderListing(r.listing).trimEnd().split('\n'), [
      '     1 00000000 90                      nop',
      '     2                                  [list -]',
      '     5 00000002 90                      nop',
      '     6                                  [list -]',
      '    10 00000004 02                      db 2',
      '    11                                  [list +]',
      '    12 00000005 03                      db 3',
    ]);
  });
  it('gives the data column piece by piece: nasm lists `x: dd x, -x, 5` (org 0x100) as [00000000], (00000000), 05000000', () => {
    const r = assemble({ file: '/x.asm', text: 'org 0x100\nx: dd x, -x, 5\n', host: { readFile: () => undefined } });
    assert.deepEqual(r.listing[1].data, [
      { kind: 'address', offset: 0, size: 4, value: 0, relative: false },
      { kind: 'address', offset: 4, size: 4, value: 0, relative: true },
      { kind: 'bytes', offset: 8, bytes: Uint8Array.of(5, 0, 0, 0) },
    ]);
    assert.deepEqual(renderListing(r.listing).split('\n').slice(1, 3), ['     2 00000000 [00000000]-             x: dd x, -x, 5', '     2 00000004 (00000000)05000000 ']);
  });
  it('keeps addresses and bytes per line in the structured listing', () => {
    const r = assemble({ file: '/x.asm', text: 'org 0x10\nnop\ndb 1, 2', host: { readFile: () => undefined } });
    const l = r.listing.filter((x) => x.address !== undefined);
    assert.deepEqual(l.map((x) => [x.line, x.address, [...x.bytes]]), [[1, 0x10, [0x90]], [2, 0x11, [1, 2]]]);
  });
});
