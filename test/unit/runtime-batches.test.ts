// How GuestSession bounds its run batches by host time (session.ts: BATCH_MS, fitBatch, the check in
// emit), driven by a fake host clock so nothing here depends on how fast the host is: an event past
// the batch's time ends it, the next batch is sized to the rate the last one ran and grows back at
// most twofold a batch, and where batches end never changes what the guest computes. The guest is
// test/fixtures/dap/fault-storm.gasm (#UD and a COM1 byte in turn, forever: per its source, UD2
// faults, the handler runs OUT, ADD, IRETD, then JMP back, four instructions and one 'u' a fault).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  BATCH_INSTRUCTIONS, BATCH_MS, MIN_BATCH_INSTRUCTIONS, GuestSession, type LoadOptions,
} from '../../core/src/runtime/session';
import type { RuntimeEvent } from '../../core/src/runtime/events';

const STORM = path.join(__dirname, '..', 'fixtures', 'dap', 'fault-storm.gasm');

function loadStorm(options: Omit<LoadOptions, 'source'>): GuestSession {
  const r = GuestSession.load({ source: { file: STORM }, ...options });
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.session;
}

/** Runs exactly one batch (a pause asked for as the run starts is honoured when the batch ends); returns the instructions it retired. */
async function oneBatch(s: GuestSession): Promise<number> {
  const before = s.machine.cpu.instret;
  const run = s.continue();
  assert.ok(s.pause());
  const o = await run;
  assert.equal(o.kind === 'stopped' ? o.reason : o.kind, 'pause');
  return s.machine.cpu.instret - before;
}

describe('runtime: run batches bounded by host time (a fake clock)', () => {
  it('ends a batch at the first event once the clock says BATCH_MS have passed, far short of BATCH_INSTRUCTIONS', async () => {
    let nowMs = 5000;
    const s = loadStorm({ hostClockMs: () => nowMs });
    // As the debug adapter does with an exception filter armed: a #GP filter (the storm takes only
    // #UD, so it never stops) and a detailed subscription, which makes every fault an event.
    assert.ok(s.setExceptionStops({ exceptions: [{ vector: 13 }] }).ok);
    let faults = 0;
    s.onEvent((e) => {
      if (e.kind !== 'exception') return;
      faults++;
      // The host is slow from the 100th fault on: that event is past the batch's time.
      if (faults === 100) nowMs += BATCH_MS + 1;
    });
    const retired = await oneBatch(s);
    assert.equal(faults, 100);
    // The guest's setup and 100 faults at four instructions each; uncut, the batch would retire BATCH_INSTRUCTIONS.
    assert.ok(retired > 400 && retired < 500, `${retired} instructions retired`);
  });

  it('sizes the next batch to the rate the last one ran, and grows it back at most twofold a batch', async () => {
    // Host time proportional to the guest's instructions, 1/1024 ms each (exact in binary): a full
    // batch of BATCH_INSTRUCTIONS takes 195 ms, so one of BATCH_MS fits 10 * 1024 instructions.
    // Nothing listens: no events, so only the batch's size bounds it.
    let msPerInstruction = 1 / 1024;
    const box: { session?: GuestSession } = {};
    const s = loadStorm({ hostClockMs: () => box.session!.machine.cpu.instret * msPerInstruction });
    box.session = s;
    assert.equal(await oneBatch(s), BATCH_INSTRUCTIONS);
    const fit = BATCH_MS * 1024;
    assert.ok(fit > MIN_BATCH_INSTRUCTIONS);
    assert.equal(await oneBatch(s), fit);
    assert.equal(await oneBatch(s), fit);
    // Quick batches from now on (no host time at all): the size doubles each batch up to BATCH_INSTRUCTIONS.
    msPerInstruction = 0;
    const sizes: number[] = [];
    for (let i = 0; i < 7; i++) sizes.push(await oneBatch(s));
    assert.deepEqual(sizes, [fit, 2 * fit, 4 * fit, 8 * fit, 16 * fit, BATCH_INSTRUCTIONS, BATCH_INSTRUCTIONS]);
  });

  it('sizes a batch down to MIN_BATCH_INSTRUCTIONS at the least, however slow the last one was', async () => {
    // Each clock reading a thousand seconds later than the last; nothing listens, so no event ends a batch.
    let nowMs = 0;
    const s = loadStorm({ hostClockMs: () => (nowMs += 1e6) });
    assert.equal(await oneBatch(s), BATCH_INSTRUCTIONS);
    assert.equal(await oneBatch(s), MIN_BATCH_INSTRUCTIONS);
    assert.equal(await oneBatch(s), MIN_BATCH_INSTRUCTIONS);
  });

  it('computes the same guest state whatever the clock says: only where batches end changes', async () => {
    const budget = 20_000;
    const run = async (hostClockMs: () => number) => {
      const s = loadStorm({ maxInstructions: budget, hostClockMs });
      assert.ok(s.setExceptionStops({ exceptions: [{ vector: 13 }] }).ok);
      let serial = '';
      let faults = 0;
      s.onEvent((e: RuntimeEvent) => {
        if (e.kind === 'output') serial += e.text;
        if (e.kind === 'exception') faults++;
      });
      let batches = 0;
      for (;;) {
        const run = s.continue();
        s.pause();
        const o = await run;
        assert.equal(o.kind, 'stopped');
        if (o.kind === 'stopped' && o.reason === 'budget') break;
        batches++;
      }
      return { batches, serial, faults, registers: s.registers(), eflags: s.eflags(), instret: s.machine.cpu.instret, stack: s.readMemory(s.registers().esp, 64) };
    };
    // A quick host (the clock never moves) and one where each reading is 20 ms later, so every
    // event is past its batch's time and every batch is sized to the minimum.
    const quick = await run(() => 0);
    let ms = 0;
    const slow = await run(() => (ms += 20));
    assert.equal(quick.batches, 1);
    assert.ok(slow.batches > 1000, `${slow.batches} batches`);
    assert.equal(slow.instret, budget);
    assert.equal(slow.serial, quick.serial);
    assert.equal(slow.faults, quick.faults);
    assert.match(slow.serial, /^u{4000,}$/);
    assert.deepEqual(slow.registers, quick.registers);
    assert.deepEqual(slow.eflags, quick.eflags);
    assert.deepEqual(slow.stack, quick.stack);
  });
});
