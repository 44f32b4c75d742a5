// The lexer's token kinds and column ranges, and number/string decoding against nasm's values.
import * as assert from 'node:assert/strict';
import { tokenizeLine } from '../../core/src/asm/lexer';
import { parseNumber } from '../../core/src/asm/numbers';
import { decodeString } from '../../core/src/asm/strings';

describe('lexer', () => {
  it('classifies tokens with exact columns', () => {
    const t = tokenizeLine('start: mov eax, [ebx+4] ; hi');
    assert.deepEqual(t.map((x) => [x.kind, x.text, x.start, x.end]), [
      ['ident', 'start', 0, 5], ['op', ':', 5, 6], ['ident', 'mov', 7, 10], ['ident', 'eax', 11, 14], ['op', ',', 14, 15],
      ['op', '[', 16, 17], ['ident', 'ebx', 17, 20], ['op', '+', 20, 21], ['number', '4', 21, 22], ['op', ']', 22, 23], ['comment', '; hi', 24, 28],
    ]);
  });
  it('reads $, $$, $hex, preprocessor tokens and two-character operators', () => {
    const t = tokenizeLine('$ $$ $0a %1 %%x %+ %{2} // << %if == !=');
    assert.deepEqual(t.map((x) => `${x.kind}:${x.text}`), ['here:$', 'here:$$', 'number:$0a', 'preproc:%1', 'preproc:%%x', 'preproc:%+', 'preproc:%{2}', 'op://', 'op:<<', 'preproc:%if', 'op:==', 'op:!=']);
  });
  it('marks an unterminated string invalid', () => {
    assert.equal(tokenizeLine("db 'abc")[1].kind, 'invalid');
  });
  it('parses every number form like nasm (values from nasm -f bin)', () => {
    const cases: [string, number][] = [['0bh', 0xb], ['0b1h', 0xb1], ['1_000', 1000], ['0x_ff', 0xff], ['0h10', 0x10], ['$0a', 10], ['0d99', 99], ['0t99', 99],
      ['17q', 15], ['17o', 15], ['0q17', 15], ['0o17', 15], ['0y101', 5], ['101y', 5], ['101b', 5], ['0b101', 5], ['12d', 12], ['0a0h', 0xa0], ['0ffx', 0xff]];
    for (const [text, v] of cases) assert.equal(parseNumber(text), v, text);
    assert.equal(parseNumber('12z'), undefined);
  });
  it('decodes backquote escapes and leaves other quotes literal', () => {
    assert.deepEqual([...decodeString('`\\x41\\101\\e\\n`')!], [0x41, 0x41, 0x1b, 10]);
    assert.deepEqual([...decodeString('"a\\n"')!], [0x61, 0x5c, 0x6e]);
    assert.deepEqual([...decodeString('`\\u00e9`')!], [0xc3, 0xa9]);
  });
});
