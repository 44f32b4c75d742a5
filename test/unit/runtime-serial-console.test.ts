// COM1 input typed while a debugger drives the guest (GuestSession.openSerialInput/typeSerial): the
// guests are those `ringside run`'s input is checked with against QEMU 7.2 (cli-run-serial-input
// test), so what a given input makes them write and exit with is QEMU's: `hello, irq.` gives
// `hello, irq` and exit value 10; `hello, guest.` gives `HELLO, GUEST` and 12.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { GuestSession, TYPED_INPUT_LIMIT } from '../../core/src/runtime/session';
import type { RuntimeEvent } from '../../core/src/runtime/events';

const FIX = path.join(__dirname, '..', 'fixtures', 'runtime');
const IRQ = path.join(FIX, 'echo-irq.gasm');
const POLL = path.join(FIX, 'echo-poll.gasm');

function load(file: string) {
  const r = GuestSession.load({ source: { file } });
  assert.ok(r.ok, r.ok ? '' : r.message);
  const events: RuntimeEvent[] = [];
  r.session.onEvent((e) => events.push(e), { detailed: false });
  const output = (category: string): string => events.map((e) => (e.kind === 'output' && e.category === category ? e.text : '')).join('');
  return { s: r.session, events, output };
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
/** Resolves once `test` holds, looking between turns of the event loop (the run goes on in between). */
async function until(test: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !test(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(test(), 'timed out');
}

describe('runtime: COM1 input typed while the guest runs', function () {
  this.timeout(20000);

  it('a guest sleeping in hlt for the receive interrupt waits, running, and each byte typed wakes it', async () => {
    const { s, output } = load(IRQ);
    s.openSerialInput();
    const run = s.continue();
    await until(() => output('note') !== '');
    assert.equal(s.status, 'running');
    // (Where it sleeps: past the one-byte `hlt` at `.sleep`, as the CPU leaves EIP after a halt.)
    const sleep = s.symbols.lookup('start.sleep');
    assert.ok(sleep !== undefined);
    assert.equal(output('note'), `the guest is halted at 0x${(sleep + 1).toString(16)} with interrupts on, waiting for input on COM1\n`);
    assert.ok(s.typeSerial(bytes('hello, ')));
    await until(() => output('serial') === 'hello, ');
    assert.equal(s.status, 'running');
    assert.ok(s.typeSerial(bytes('irq.')));
    const o = await run;
    assert.deepEqual([o.kind, o.kind === 'exited' && o.value, output('serial')], ['exited', 10, 'hello, irq']);
    // Said once for the run command, though the guest slept again after each byte.
    assert.equal(output('note').split('\n').length - 1, 1);
    assert.equal(s.typeSerial(bytes('x')), false, 'nothing reads COM1 after the exit');
  });

  it('pause ends the wait with a stop, and input typed while stopped is read once the guest goes on', async () => {
    const { s, output } = load(IRQ);
    s.openSerialInput();
    const run = s.continue();
    await until(() => output('note') !== '');
    assert.ok(s.pause());
    const stop = await run;
    assert.deepEqual([stop.kind, stop.kind === 'stopped' && stop.reason], ['stopped', 'pause']);
    assert.ok(s.typeSerial(bytes('ab.')));
    const o = await s.continue();
    assert.deepEqual([o.kind, o.kind === 'exited' && o.value, output('serial')], ['exited', 2, 'ab']);
  });

  it('input typed before the run starts is there for a polling guest (no interrupt needed)', async () => {
    const { s, output } = load(POLL);
    s.openSerialInput();
    assert.ok(s.typeSerial(bytes('hello, guest.')));
    const o = await s.continue();
    assert.deepEqual([o.kind, o.kind === 'exited' && o.value, output('serial')], ['exited', 12, 'HELLO, GUEST']);
  });

  it('without openSerialInput, or for runToEnd, the halt ends the run as before', async () => {
    const a = load(IRQ);
    const o = await a.s.continue();
    assert.deepEqual([o.kind, o.kind === 'exited' && o.how, a.output('note')], ['exited', 'halted', '']);
    const b = load(IRQ);
    b.s.openSerialInput();
    const r = b.s.runToEnd();
    assert.deepEqual([r.kind, r.kind === 'exited' && r.how], ['exited', 'halted']);
  });

  it(`refuses input beyond ${TYPED_INPUT_LIMIT} unread bytes, keeping what it holds`, () => {
    const { s } = load(POLL);
    assert.ok(s.typeSerial(new Uint8Array(TYPED_INPUT_LIMIT - 1)));
    assert.equal(s.typeSerial(new Uint8Array(2)), false);
    assert.ok(s.typeSerial(new Uint8Array(1)));
    assert.equal(s.machine.uart.pendingInput, TYPED_INPUT_LIMIT);
  });
});
