// Expression parsing and evaluation: precedence, signed vs unsigned division, relocatable values.
import * as assert from 'node:assert/strict';
import { evaluate, ExprParser, type Value } from '../../core/src/asm/expr';
import { tokenizeLine } from '../../core/src/asm/lexer';

function ev(text: string, syms: Record<string, Value> = {}): Value & { errors: string[] } {
  const toks = tokenizeLine(text);
  const p = new ExprParser(toks, 0, toks.length, 'parent');
  const e = p.parse();
  assert.ok(e && p.pos === toks.length, `parse ${text}: ${p.error?.message}`);
  const errors: string[] = [];
  const v = evaluate(e, { symbol: (n) => syms[n], here: () => ({ v: 0x110, sec: 0 }), base: () => ({ v: 0x100, sec: 0 }), error: (m) => errors.push(m) });
  return { ...v, errors };
}

describe('expressions', () => {
  it('follows nasm precedence (values checked with nasm)', () => {
    assert.equal(ev('2+3*4').v, 14);
    assert.equal(ev('1 << 2 + 1').v, 8);
    assert.equal(ev('6 & 3 | 8').v, 10);
    assert.equal(ev('1 | 2 ^ 3 & 4').v, 3);
    assert.equal(ev('100 - 10 - 1').v, 89);
    assert.equal(ev('64 / 4 / 2').v, 8);
  });
  it('divides signed with // and %%, unsigned with / and %', () => {
    assert.equal(ev('-7//2').v, -3);
    assert.equal(ev('-7 %% 3').v, -1);
    assert.equal(ev('-7 % 3').v, 0);
    assert.equal(ev('7/2').v, 3);
  });
  it('makes a difference of labels in one section absolute', () => {
    const syms = { a: { v: 0x120, sec: 0 }, b: { v: 0x100, sec: 0 } };
    assert.deepEqual({ v: ev('a-b', syms).v, sec: ev('a-b', syms).sec }, { v: 0x20, sec: -1 });
    assert.equal(ev('a+4', syms).sec, 0);
    assert.equal(ev('$-$$').v, 0x10);
    assert.equal(ev('$-$$').sec, -1);
  });
  it('qualifies local labels with their parent', () => {
    const toks = tokenizeLine('.x + 1');
    const e = new ExprParser(toks, 0, toks.length, 'main').parse();
    assert.equal(e?.k === 'bin' && e.a.k === 'sym' ? e.a.name : '', 'main.x');
  });
  it('reports multiplying a label and division by zero', () => {
    assert.match(ev('a*2', { a: { v: 4, sec: 0 } }).errors[0], /relocatable/);
    assert.match(ev('1/0').errors[0], /division by zero/);
  });
  it('leaves unknown symbols unknown', () => {
    assert.equal(ev('nope+1').v, undefined);
  });
  it('evaluates %if comparison and logical operators', () => {
    assert.equal(ev('5 > 3 ^^ 2 < 1').v, 1);
    assert.equal(ev('(1 != 2) && (3 >= 3)').v, 1);
    assert.equal(ev('1 <> 1 || 0').v, 0);
  });
});
