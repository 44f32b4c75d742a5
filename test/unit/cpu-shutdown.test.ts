// How the processor shuts down, against QEMU: each guest in test/fixtures/qemu/shutdown ends in a
// triple fault, and QEMU's `-d int` log of it (recorded by scripts/record-qemu-shutdowns.sh) names
// every exception raised on the way (check_exception ... new V) and every delivery it started
// (v=V e=CODE). The CPU's report of the shutdown (Cpu.shutdownFaults, what the CLI and the debugger
// print) must name the same exceptions in the same order, with the same error codes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble } from '../../core/src/asm/index';
import { DF_VECTOR, describeShutdown, type ShutdownFault } from '../../core/src/machine/cpu/exceptions';
import { GuestSession } from '../../core/src/runtime/session';

const DIR = path.join(__dirname, '..', 'fixtures', 'qemu', 'shutdown');
const GUESTS = fs.readdirSync(DIR).filter((f) => f.endsWith('.asm')).map((f) => f.slice(0, -4));

interface QemuLog {
  /** Each exception as raised: `check_exception old: O new V`. */
  readonly raised: number[];
  /** Each exception delivery QEMU started (`v=V e=CODE i=0`; INT n, `i=1`, is not an exception). */
  readonly delivered: { vector: number; code: number }[];
}

function qemuLog(name: string): QemuLog {
  const log: QemuLog = { raised: [], delivered: [] };
  for (const line of fs.readFileSync(path.join(DIR, `${name}.qemu.txt`), 'utf8').split('\n')) {
    const raised = /^check_exception old: 0x[0-9a-f]+ new 0x([0-9a-f]+)$/.exec(line);
    if (raised) log.raised.push(parseInt(raised[1], 16));
    const delivery = /^v=([0-9a-f]+) e=([0-9a-f]+) i=0 /.exec(line);
    if (delivery) log.delivered.push({ vector: parseInt(delivery[1], 16), code: parseInt(delivery[2], 16) });
  }
  return log;
}

/** The deliveries the CPU started: each fault except one that became a #DF with the next, and the last. */
function deliveries(faults: readonly ShutdownFault[]): ShutdownFault[] {
  return faults.filter((_, i) => i < faults.length - 1 && faults[i + 1].vector !== DF_VECTOR);
}

/**
 * An error code as QEMU 7.2 pushes it: without EXT (bit 0) for a fault raised while delivering an
 * exception, where the SDM sets it (Vol. 3A §6.13; the deviation `qemu-no-ext-bit` of the trace test).
 */
function withoutExt(f: ShutdownFault, raisedDelivering: ShutdownFault | undefined): number {
  return raisedDelivering !== undefined && f.errorCode >= 0 ? f.errorCode & ~1 : Math.max(f.errorCode, 0);
}

describe('CPU shutdown report vs QEMU -d int', () => {
  for (const name of GUESTS) {
    it(`${name}: the same exceptions, in the same order, as QEMU raised and delivered them`, async () => {
      const image = new Uint8Array(fs.readFileSync(path.join(DIR, `${name}.bin`)));
      // The recorded image is nasm's; the guest must assemble to it here too.
      const ours = assemble({ file: path.join(DIR, `${name}.asm`), host: { readFile: (p) => fs.readFileSync(p, 'utf8') } });
      assert.deepEqual(ours.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.ok(Buffer.from(ours.image).equals(Buffer.from(image)), `${name}: our bytes differ from nasm's`);

      const r = GuestSession.load({ image });
      assert.ok(r.ok, r.ok ? '' : r.message);
      const outcome = r.session.runToEnd();
      assert.ok(outcome.kind === 'exited' && outcome.how === 'triple-fault', `${name}: ${JSON.stringify(outcome)}`);
      const faults = outcome.faults ?? [];
      const qemu = qemuLog(name);

      // QEMU raises no #DF of its own in check_exception: it is what a pair of raised faults becomes.
      assert.deepEqual(faults.filter((f) => f.vector !== DF_VECTOR).map((f) => f.vector), qemu.raised, describeShutdown(faults));
      assert.equal(faults[faults.length - 2]?.vector, DF_VECTOR, 'the last fault arose while delivering #DF');
      const started = deliveries(faults);
      assert.deepEqual(
        started.map((f) => ({ vector: f.vector, code: withoutExt(f, faults[faults.indexOf(f) - 1]) })),
        qemu.delivered,
        describeShutdown(faults),
      );
    });
  }

  it('names the faults in the order they arose, #DF where two made a double fault', () => {
    const text = describeShutdown([{ vector: 6, errorCode: -1 }, { vector: 13, errorCode: 0x33 }, { vector: 13, errorCode: 0x6b }, { vector: 8, errorCode: 0 }, { vector: 13, errorCode: 0x43 }]);
    assert.equal(text, '#UD -> #GP(0x33) -> #GP(0x6b) -> #DF(0x0) -> #GP(0x43)');
  });
});
