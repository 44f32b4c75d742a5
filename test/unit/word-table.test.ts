// Tables looked up by words a user wrote (core/src/word-table.ts) answer for their own entries
// only, never for the names every JavaScript object has: through the debugger's registers and
// expressions, and the adapter's argument check (the assembler's cases are fixtures recorded from
// nasm: err-object-names, object-names).

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { GuestSession } from '../../core/src/runtime/session';
import { wordTable } from '../../core/src/word-table';
import { argumentProblem } from '../../debug-adapter/src/request-arguments';

const ROOT = path.join(__dirname, '..', '..');
const OBJECT_NAMES = ['constructor', '__proto__', 'toString', 'tostring', 'valueof', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];

describe('word tables', () => {
  it('hold their own entries, frozen, and none of an object', () => {
    const t = wordTable({ db: 1, dw: 2 });
    assert.equal(t.db, 1);
    for (const name of OBJECT_NAMES) assert.equal(t[name], undefined, name);
    assert.ok(Object.isFrozen(t));
    assert.deepEqual(Object.keys(t), ['db', 'dw']);
  });

  it("give the debugger no register, flag or size by an object's name", () => {
    const r = GuestSession.load({ source: { file: path.join(ROOT, 'examples', 'hello', 'hello.gasm'), includePaths: [path.join(ROOT, 'examples', 'include')] } });
    assert.ok(r.ok, r.ok ? '' : r.message);
    const session = r.session;
    const eflags = session.evaluate('eflags');
    for (const name of OBJECT_NAMES) {
      // (`constructor` read as flag bits 0, and writing it "succeeded".)
      assert.equal(session.evaluate(name).ok, false, `evaluate ${name}`);
      assert.equal(session.setRegister(name, 1).ok, false, `set ${name}`);
      assert.equal(session.evaluate(`${name} [esp]`).ok, false, `${name} as a size`);
    }
    assert.deepEqual(session.evaluate('eflags'), eflags);
    assert.deepEqual(session.evaluate('zf + 0').ok, true);
  });

  it('make the adapter check no arguments for a request named as an object', () => {
    for (const name of OBJECT_NAMES) assert.equal(argumentProblem(name, 5), undefined, name);
    assert.match(argumentProblem('setBreakpoints', 5) ?? '', /must be an object/);
  });
});
