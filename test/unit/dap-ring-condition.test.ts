// The runtime's ring-transition stop with a condition (what the adapter's `ring-transition`
// exception filter arms): on the example kernel, which enters ring 3 through IRET and comes back
// to ring 0 through its INT 0x80 gate (DPL 3), `cpl == 0` skips the 0 -> 3 transition.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { GuestSession } from '../../core/src/runtime/session';

const ROOT = path.join(__dirname, '..', '..');
const KERNEL = path.join(ROOT, 'examples', 'kernel', 'kernel.gasm');

function load(): GuestSession {
  const r = GuestSession.load({ source: { file: KERNEL, includePaths: [path.join(ROOT, 'examples', 'include')] } });
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.session;
}

describe('runtime: ring-transition stops with a condition', function () {
  this.timeout(20000);

  it('without a condition the first stop is the transition into ring 3', async () => {
    const s = load();
    assert.ok(s.setExceptionStops({ ringTransition: true }).ok);
    const o = await s.continue();
    assert.ok(o.kind === 'stopped' && o.reason === 'ring-transition', JSON.stringify(o));
    assert.equal(s.systemRegisters().cpl, 3);
  });

  it('`cpl == 0` stops only on the way back into ring 0 (the INT 0x80 gate)', async () => {
    const s = load();
    assert.ok(s.setExceptionStops({ ringTransition: true, ringTransitionCondition: 'cpl == 0' }).ok);
    const o = await s.continue();
    assert.ok(o.kind === 'stopped' && o.reason === 'ring-transition', JSON.stringify(o));
    assert.equal(s.systemRegisters().cpl, 0);
    assert.match(o.description, /CPL 3 -> 0/);
  });

  it('a malformed condition is reported when set', () => {
    const s = load();
    const r = s.setExceptionStops({ ringTransition: true, ringTransitionCondition: 'cpl ==' });
    assert.equal(r.ok, false);
    assert.match(r.messages.join(), /cpl ==/);
  });
});
