// The lexer's token kinds and column ranges, and number/string decoding against nasm's values.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { identWords, tokenizeLine } from '../../core/src/asm/lexer';
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
  it('identWords gives the names tokenizeLine gives, without tokens', () => {
    const names = (text: string) => tokenizeLine(text).filter((t) => t.kind === 'ident').map((t) => t.text);
    const tricky = [
      'mov eax, COUNT ; COUNT in a comment', 'db "COUNT", \'x\', `a\\`b` , z', 'dd 1.5e-3, 0x1.8p+2, 10h, 1foo.bar, $1f, $$, $, $name',
      'a.b?c@d~e#f$g: jmp .x', '%define X %{a;b} y %%z %$w %+ q', 'x %% y % z', "db 'unterminated x", '[bits 32] ; use16', '\tlbl:mov\tal,[esi+ecx*2-4]',
    ];
    // Every line of the nasm fixtures: the corpus and the encoder's forms.
    const lines = [...tricky, ...['asm', 'forms'].flatMap((sub) => {
      const dir = join(__dirname, '..', 'fixtures', 'nasm', sub);
      return readdirSync(dir).filter((f) => f.endsWith('.asm')).flatMap((f) => readFileSync(join(dir, f), 'latin1').split('\n'));
    })];
    assert.ok(lines.length > 30_000);
    for (const line of lines) assert.deepEqual(identWords(line), names(line), line);
    assert.deepEqual(identWords('  mov eax, ebx', 2), ['mov', 'eax', 'ebx']);
  });
});
