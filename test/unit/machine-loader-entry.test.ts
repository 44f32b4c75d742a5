// The registers our multiboot loader hands over against those QEMU 7.2's option ROM leaves at the
// kernel entry, recorded by scripts/record-qemu-traces.mjs at several RAM sizes (the ROM's EDX
// depends on the memory map): every general register, EIP, EFLAGS and the segment selectors.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PhysicalMemory } from '../../core/src/machine/memory/physical-memory';
import { loadMultiboot, type MultibootLoaded } from '../../core/src/machine/loader/multiboot';

const DIR = join(__dirname, '..', 'fixtures', 'qemu', 'cpu');
const NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags'] as const;
const SEGMENTS = ['cs', 'ss', 'ds', 'es', 'fs', 'gs'] as const;

type Recorded = { memoryMiB: number; kernel: string } & Record<(typeof NAMES)[number] | (typeof SEGMENTS)[number], number>;

const recorded = JSON.parse(readFileSync(join(DIR, 'entry-registers.json'), 'utf8')) as Recorded[];

describe('machine: multiboot entry registers vs QEMU', () => {
  it('has recordings at more than one RAM size', () => assert.ok(new Set(recorded.map((r) => r.memoryMiB)).size > 1));
  for (const q of recorded) {
    it(`-m ${q.memoryMiB}: ${q.kernel}`, () => {
      const mem = new PhysicalMemory(q.memoryMiB << 20);
      const result = loadMultiboot(readFileSync(join(DIR, q.kernel)), mem, { kernelName: q.kernel });
      assert.ok(result.ok, JSON.stringify(result));
      const { state } = result as MultibootLoaded;
      for (const k of NAMES) assert.equal(state[k] >>> 0, q[k], k);
      for (const s of SEGMENTS) assert.equal(state[s].selector, q[s], s);
    });
  }
});
