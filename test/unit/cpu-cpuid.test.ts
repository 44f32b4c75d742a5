// CPUID leaves beyond the processor's range: SDM Vol. 2A (CPUID) returns the highest basic leaf's
// data for them, and QEMU does the same (test/fixtures/qemu/cpuid, recorded with a CPU whose highest
// basic leaf is 1 and that has no extended leaves, as Ringside's). The feature bits themselves differ
// by design (Ringside reports only what it implements), so what is compared is which leaves repeat
// leaf 1.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../core/src/machine/machine';

const DIR = join(__dirname, '..', 'fixtures', 'qemu', 'cpuid');

/** "LEAF: EAX EBX ECX EDX" lines, by leaf. */
function leaves(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9A-F]{8}): (.*)$/.exec(line.trim());
    if (m !== null) out.set(m[1], m[2]);
  }
  return out;
}

function ringsideOutput(): string {
  let text = '';
  const r = Machine.fromMultiboot(new Uint8Array(readFileSync(join(DIR, 'cpuid.bin'))), { serialOut: (b) => { text += String.fromCharCode(b); } });
  assert.ok(r.ok);
  const stop = r.machine.run(100_000);
  assert.equal(stop.reason, 'debug-exit');
  return text;
}

describe('CPU: CPUID leaves beyond the highest one (SDM Vol. 2A CPUID, QEMU)', () => {
  it('returns the highest basic leaf (1) for every leaf QEMU does', () => {
    const qemu = leaves(readFileSync(join(DIR, 'cpuid.qemu.txt'), 'latin1'));
    const ours = leaves(ringsideOutput());
    assert.deepEqual([...ours.keys()], [...qemu.keys()]);
    const qemuLeaf1 = qemu.get('00000001');
    const ourLeaf1 = ours.get('00000001');
    // QEMU's TCG answers leaf 0x40000000 as a hypervisor (it sets CPUID.1:ECX bit 31); Ringside's
    // CPU does not claim one, so that leaf too must repeat leaf 1 here.
    const repeated = [...qemu].filter(([leaf, regs]) => leaf !== '00000001' && (regs === qemuLeaf1 || leaf === '40000000')).map(([leaf]) => leaf);
    assert.deepEqual(repeated, ['00000002', '00000003', '00000005', '40000000', '7FFFFFFF', '80000000', '80000001', '80000008', 'C0000000', 'FFFFFFFF']);
    for (const leaf of repeated) assert.equal(ours.get(leaf), ourLeaf1, `leaf ${leaf}`);
    assert.equal(ours.get('00000000'), qemu.get('00000000'), 'leaf 0: highest basic leaf 1, GenuineIntel');
    assert.equal((ourLeaf1 ?? '').split(' ')[0], (qemuLeaf1 ?? '').split(' ')[0], 'leaf 1 EAX: family 6 model 6 stepping 3');
  });
});
