// What a guest writes to COM1 is kept as a count and a tail of fixed size (serial-transcript.ts): a
// guest may print forever, and the bytes go out to serialOut as written. Checked on the transcript
// itself (the tail is the last bytes in order, a snapshot's restore takes back what came after it)
// and on a guest printing in a loop (test/fixtures/runtime/chatty.gasm).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { assemble } from '../../core/src/asm/index';
import { Machine } from '../../core/src/machine/machine';
import { SERIAL_TAIL_BYTES, SerialTranscript } from '../../core/src/machine/devices/serial-transcript';

const CHATTY = path.join(__dirname, '..', 'fixtures', 'runtime', 'chatty.gasm');
const LINE = 'the quick brown fox jumps over the lazy dog 0123456789\r\n';

describe('serial transcript', () => {
  it('counts every byte and keeps the last SERIAL_TAIL_BYTES of them, oldest first', () => {
    const t = new SerialTranscript();
    for (let i = 0; i < 1000; i++) t.push(i & 0xff);
    assert.equal(t.length, 1000);
    assert.deepEqual(Array.from(t.tail()), Array.from({ length: 1000 }, (_, i) => i & 0xff));
    const total = 3 * SERIAL_TAIL_BYTES + 123;
    for (let i = 1000; i < total; i++) t.push(i % 251);
    assert.equal(t.length, total);
    const tail = t.tail();
    assert.equal(tail.length, SERIAL_TAIL_BYTES);
    assert.deepEqual(Array.from(tail), Array.from({ length: SERIAL_TAIL_BYTES }, (_, k) => (total - SERIAL_TAIL_BYTES + k) % 251));
  });

  it('forgets what came after the length a snapshot restores, and keeps the bytes before it still held', () => {
    const t = new SerialTranscript();
    const total = SERIAL_TAIL_BYTES + 5000;
    for (let i = 0; i < total; i++) t.push(i % 253);
    t.truncate(total - 3000);
    assert.equal(t.length, total - 3000);
    const tail = t.tail();
    assert.equal(tail.length, SERIAL_TAIL_BYTES - 3000);
    assert.deepEqual(Array.from(tail), Array.from({ length: tail.length }, (_, k) => (total - SERIAL_TAIL_BYTES + k) % 253));
    // Written again from there, as the guest runs on after the restore.
    t.push(7);
    assert.equal(t.length, total - 2999);
    assert.equal(t.tail().at(-1), 7);
    t.truncate(t.length + 10);
    assert.equal(t.length, total - 2999, 'a length past the end changes nothing');
    t.truncate(0);
    assert.equal(t.length, 0);
    assert.equal(t.tail().length, 0);
  });

  it('lets a guest print for as long as it runs without holding what it printed', () => {
    // (A collection on demand: the heap's size before and after is the measure.)
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const assembled = assemble({ file: CHATTY, host: { readFile: (p) => readFileSync(p, 'latin1') } });
    assert.equal(assembled.diagnostics.filter((d) => d.severity === 'error').length, 0);
    let printed = 0;
    const booted = Machine.fromMultiboot(assembled.image, { memoryBytes: 4 << 20, serialOut: () => { printed++; } });
    assert.ok(booted.ok);
    const m = booted.machine;
    m.run(200_000);
    collect();
    const before = process.memoryUsage().heapUsed;
    // Five instructions a byte: ~0.8 M bytes, which as an array of numbers would be ~7 MB.
    for (let i = 0; i < 20; i++) m.run(200_000);
    collect();
    const grown = process.memoryUsage().heapUsed - before;
    assert.equal(m.serial.length, printed);
    assert.ok(printed > 750_000, `${printed} bytes printed`);
    assert.ok(grown < 2e6, `the heap grew by ${(grown / 1e6).toFixed(1)} MB while the guest printed ${printed} bytes`);
    // The tail is the guest's lines, the last one cut where the run stopped.
    const tail = Buffer.from(m.serial.tail()).toString('latin1');
    assert.equal(tail.length, SERIAL_TAIL_BYTES);
    const firstWhole = tail.indexOf(LINE);
    assert.ok(firstWhole >= 0 && firstWhole < LINE.length);
    const whole = Math.floor((tail.length - firstWhole) / LINE.length);
    assert.equal(tail.slice(firstWhole, firstWhole + whole * LINE.length), LINE.repeat(whole));
  });
});
