// Physical memory: little-endian access, open-bus reads beyond RAM, and copy-on-write snapshots
// (restore gives the old bytes back; later writes never leak into a snapshot).
import * as assert from 'node:assert/strict';
import { PhysicalMemory } from '../../core/src/machine/memory/physical-memory';
import { KEYFRAME_INTERVAL } from '../../core/src/machine/memory/snapshot';

const MiB = 1 << 20;

describe('machine: physical memory', () => {
  it('stores little-endian values, including across a frame boundary', () => {
    const m = new PhysicalMemory(MiB);
    m.write32(0x1ffe, 0x11223344);
    assert.equal(m.read8(0x1ffe), 0x44);
    assert.equal(m.read8(0x2001), 0x11);
    assert.equal(m.read16(0x1fff), 0x2233);
    assert.equal(m.read32(0x1ffe), 0x11223344);
    m.write16(0x2fff, 0xbeef);
    assert.equal(m.read16(0x2fff), 0xbeef);
    assert.equal(m.read32(0x10), 0, 'fresh RAM reads zero');
  });

  it('reads all ones beyond RAM and drops writes there', () => {
    const m = new PhysicalMemory(MiB);
    m.write32(MiB, 0x12345678);
    assert.equal(m.read8(MiB), 0xff);
    assert.equal(m.read16(MiB + 6), 0xffff);
    assert.equal(m.read32(0xfffffffc), 0xffffffff);
    assert.equal(m.read32(MiB - 2), 0xffff0000, 'straddling the end: RAM half zero, bus half ones');
    assert.equal(m.isRam(MiB - 1), true);
    assert.equal(m.isRam(MiB), false);
  });

  it('rejects sizes that are not whole frames', () => {
    assert.throws(() => new PhysicalMemory(1000), RangeError);
  });

  it('restore gives back the bytes of the snapshot and later writes do not leak into it', () => {
    const m = new PhysicalMemory(32 * MiB);
    m.write32(0x100000, 0xaaaaaaaa);
    const s1 = m.snapshot();
    m.write32(0x100000, 0xbbbbbbbb);
    m.write32(0x200000, 0xcccccccc);
    assert.equal(m.dirtyFrameCount, 2);
    const s2 = m.snapshot();
    assert.equal(s2.changedFrameCount, 2);
    m.write32(0x100000, 0xdddddddd);
    m.write8(0x300000, 7);

    m.restore(s1);
    assert.equal(m.read32(0x100000), 0xaaaaaaaa);
    assert.equal(m.read32(0x200000), 0);
    assert.equal(m.read8(0x300000), 0);
    m.restore(s2);
    assert.equal(m.read32(0x100000), 0xbbbbbbbb);
    assert.equal(m.read32(0x200000), 0xcccccccc);
    assert.equal(m.read8(0x300000), 0);

    // A write after restoring must copy, not modify the frame the snapshot holds.
    m.write32(0x100000, 0xeeeeeeee);
    m.restore(s2);
    assert.equal(m.read32(0x100000), 0xbbbbbbbb);
  });

  it('keeps branches of the snapshot tree apart', () => {
    const m = new PhysicalMemory(MiB);
    const root = m.snapshot();
    m.write8(0x1000, 1);
    const left = m.snapshot();
    m.restore(root);
    m.write8(0x2000, 2);
    const right = m.snapshot();
    m.restore(left);
    assert.deepEqual([m.read8(0x1000), m.read8(0x2000)], [1, 0]);
    m.restore(right);
    assert.deepEqual([m.read8(0x1000), m.read8(0x2000)], [0, 2]);
  });

  it('resolves frames through keyframes on long chains', () => {
    const m = new PhysicalMemory(MiB);
    const snaps = [];
    for (let i = 0; i < KEYFRAME_INTERVAL * 2 + 5; i++) {
      m.write8(0x1000 * (i % 200), i & 0xff);
      snaps.push(m.snapshot());
    }
    m.restore(snaps[3]);
    assert.deepEqual([m.read8(0), m.read8(0x1000), m.read8(0x3000), m.read8(0x4000)], [0, 1, 3, 0]);
    m.restore(snaps[snaps.length - 1]);
    const last = snaps.length - 1;
    assert.equal(m.read8(0x1000 * (last % 200)), last & 0xff);
    assert.equal(m.read8(0x1000 * 70), 70);
  });

  it('a snapshot costs the frames written since the previous one, not RAM size', () => {
    const m = new PhysicalMemory(32 * MiB);
    m.writeBytes(0x100000, new Uint8Array(64 * 1024).fill(0x90));
    m.snapshot();
    m.write8(0x5000, 1);
    const s = m.snapshot();
    assert.equal(s.changedFrameCount, 1);
    assert.ok(s.sizeBytes < 8 * 1024, `size ${s.sizeBytes}`);
  });

  it('refuses a snapshot from another memory (host bug)', () => {
    const a = new PhysicalMemory(MiB);
    const b = new PhysicalMemory(MiB);
    assert.throws(() => b.restore(a.snapshot()));
  });
});

describe('machine: physical memory bulk operations', () => {
  it('fill and writeBytes span frames and stop at the end of RAM', () => {
    const m = new PhysicalMemory(1 << 20);
    m.fill(0xff0, 0x20, 0xab);
    assert.deepEqual([m.read8(0xfef), m.read8(0xff0), m.read8(0x100f), m.read8(0x1010)], [0, 0xab, 0xab, 0]);
    m.writeBytes((1 << 20) - 2, new Uint8Array([1, 2, 3, 4]));
    assert.deepEqual(Array.from(m.readBytes((1 << 20) - 2, 4)), [1, 2, 0xff, 0xff]);
    m.fill((1 << 20) - 1, 10, 5);
    assert.equal(m.read8((1 << 20) - 1), 5);
  });
});
