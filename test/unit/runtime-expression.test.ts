// The debugger's expression language (core/src/runtime/expression.ts) computes in 32 bits: a
// literal of any length is its value modulo 2^32, exactly (checked against BigInt arithmetic).
// Literals past 2^53 were read as doubles first: `0x20000000000001` was 0, not 1.

import * as assert from 'node:assert/strict';
import { evaluateExpression, type EvalScope } from '../../core/src/runtime/expression';

const NOTHING: EvalScope = { register: () => undefined, symbol: () => undefined, readMemory: () => undefined };
const value = (source: string): number => {
  const r = evaluateExpression(source, NOTHING);
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.value;
};
const mod32 = (n: bigint): number => Number(BigInt.asUintN(32, n));

describe('debugger expressions: number literals', () => {
  it('are their value modulo 2^32, exactly, in every radix', () => {
    const literals: [string, bigint][] = [
      ['0x20000000000001', 0x20000000000001n], ['20000000000001h', 0x20000000000001n], ['$20000000000001', 0x20000000000001n],
      ['999999999999999999999', 999999999999999999999n], ['0xffffffffffffffffffff', 0xffffffffffffffffffffn],
      ['0b' + '1'.repeat(70), (1n << 70n) - 1n], ['7'.repeat(30) + 'q', BigInt('0o' + '7'.repeat(30))], ['0x100000001', 0x100000001n], ['42', 42n],
    ];
    for (const [text, exact] of literals) assert.equal(value(text), mod32(exact), text);
    assert.equal(value('0x20000000000001 & 0xff'), 1);
  });
});
