// The runtime's events and exception stops come from CPU hooks, with the guest on the block
// engine (no per-instruction observer), and report what watching every step reports. Reference:
// the example kernel (int3 trap, demand-paging #PF, INT 0x80 from ring 3, CR3 loads) run by
// Machine.run one step at a time with an observer comparing CPL, the delivered vector and the
// TLB counters before and after each step, as the runtime did before the hooks.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { GuestSession } from '../../core/src/runtime/session';
import type { RuntimeEvent } from '../../core/src/runtime/events';
import { Machine, type RunControl } from '../../core/src/machine/machine';

const ROOT = path.join(__dirname, '..', '..');
const KERNEL = path.join(ROOT, 'examples', 'kernel', 'kernel.gasm');

function load(): GuestSession {
  const r = GuestSession.load({ source: { file: KERNEL, includePaths: [path.join(ROOT, 'examples', 'include')] } });
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.session;
}

/** One line per event, in the fields both sides can give. */
function key(e: RuntimeEvent): string | null {
  switch (e.kind) {
    case 'exception': return `exception ${e.vector} ${e.type} at ${e.guestEip.toString(16)} -> ${e.handlerEip.toString(16)}`;
    case 'interrupt': return `interrupt ${e.source} ${e.vector} at ${e.guestEip.toString(16)} -> ${e.handlerEip.toString(16)}`;
    case 'ring-transition': return `ring ${e.fromCpl}->${e.toCpl} at ${e.guestEip.toString(16)}`;
    case 'tlb-flush': return `tlb ${e.scope} at ${e.guestEip.toString(16)}`;
    default: return null;
  }
}

/** The kernel run step by step with an observer: the events as per-step comparison sees them. */
function observedByStep(image: Uint8Array): string[] {
  const r = Machine.fromMultiboot(image, { kernelName: 'kernel' });
  assert.ok(r.ok);
  const m = r.machine;
  const cpu = m.cpu;
  const out: string[] = [];
  const t = m.mmu.tlb.counters;
  let eip = cpu.eip, instret = cpu.instret, cpl = cpu.cpl, flushes = t.flushes, nonGlobal = t.nonGlobalFlushes, pages = t.pageInvalidations;
  const control: RunControl = {
    observer: {
      afterStep: (external) => {
        const v = cpu.lastVector;
        if (v >= 0) {
          const retired = cpu.instret !== instret;
          const ins = external ? '' : (cpu.lastInstruction?.spec?.mnemonic ?? '');
          const software = !external && retired && ins === 'int' && v !== 3;
          if (external || software) out.push(`interrupt ${external ? 'external' : 'software'} ${v} at ${eip.toString(16)} -> ${cpu.eip.toString(16)}`);
          else out.push(`exception ${v} ${retired ? 'trap' : 'fault'} at ${eip.toString(16)} -> ${cpu.eip.toString(16)}`);
        }
        if (cpu.cpl !== cpl) out.push(`ring ${cpl}->${cpu.cpl} at ${eip.toString(16)}`);
        if (t.flushes !== flushes) out.push(`tlb all at ${eip.toString(16)}`);
        if (t.nonGlobalFlushes !== nonGlobal) out.push(`tlb non-global at ${eip.toString(16)}`);
        if (t.pageInvalidations !== pages) out.push(`tlb page at ${eip.toString(16)}`);
        eip = cpu.eip; instret = cpu.instret; cpl = cpu.cpl;
        flushes = t.flushes; nonGlobal = t.nonGlobalFlushes; pages = t.pageInvalidations;
        cpu.lastVector = -1;
        return false;
      },
    },
  };
  const status = m.run(50_000_000, control);
  assert.equal(status.reason, 'debug-exit', Machine.describe(status));
  return out;
}

describe('runtime: events and stops through CPU hooks', function () {
  this.timeout(20000);

  it('reports every delivery, ring transition and TLB flush a per-step observer sees, without one', () => {
    const s = load();
    const events: string[] = [];
    s.onEvent((e) => { const k = key(e); if (k !== null) events.push(k); });
    const observers: unknown[] = [];
    const run = s.machine.run.bind(s.machine);
    s.machine.run = (n: number, control?: RunControl) => { observers.push(control?.observer ?? null); return run(n, control); };
    const o = s.runToEnd();
    assert.equal(o.kind, 'exited');
    assert.ok(observers.length > 0 && observers.every((x) => x === null), 'continue runs without a step observer');
    const reference = observedByStep(s.assembled!.image);
    assert.ok(reference.some((e) => e.startsWith('exception 14 fault')) && reference.some((e) => e.startsWith('interrupt software 128')));
    assert.ok(reference.some((e) => e.startsWith('ring 0->3')) && reference.some((e) => e.startsWith('tlb')));
    assert.deepEqual(events, reference);
  });

  it('stops at the handler entry of a filtered exception with every filter and 100 breakpoints armed', async () => {
    const s = load();
    s.setBreakpoints(Array.from({ length: 100 }, (_, i) => ({ address: 0x00f0_0000 + i * 16 })));
    const all = [0, 1, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 17];
    assert.ok(s.setExceptionStops({ exceptions: all.filter((v) => v !== 3).map((vector) => ({ vector, condition: vector === 14 ? 'cr2 == 0x80000000' : undefined })) }).ok);
    const observers: unknown[] = [];
    const run = s.machine.run.bind(s.machine);
    s.machine.run = (n: number, control?: RunControl) => { observers.push(control?.observer ?? null); return run(n, control); };
    const o = await s.continue();
    assert.ok(o.kind === 'stopped' && o.reason === 'exception' && o.vector === 14, JSON.stringify(o));
    assert.ok(observers.every((x) => x === null));
    assert.equal(s.systemRegisters().cr2, 0x80000000);
    // At the #PF handler's first instruction: the IDT gate's target (SDM Vol. 3A §6.12.1).
    const b = s.readMemory(s.systemRegisters().idtr.base + 14 * 8, 8).bytes;
    assert.equal(b.length, 8);
    assert.equal(s.registers().eip, (b[0] | (b[1] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0);
  });
});
