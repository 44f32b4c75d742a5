// Port bus and PC devices against their references: unclaimed ports as QEMU reads them (fixture),
// the PC16550D UART, the 8259A PIC pair and the 8254 PIT datasheets, QEMU's isa-debug-exit.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PortBus } from '../../core/src/machine/io/port-bus';
import { IrqLine, type IrqSink } from '../../core/src/machine/io/irq-line';
import { Uart16550, COM1_BASE } from '../../core/src/machine/devices/uart16550';
import { DualPic } from '../../core/src/machine/devices/pic8259';
import { Pit8254 } from '../../core/src/machine/devices/pit8254';
import { DebugExit, DEBUG_EXIT_BASE } from '../../core/src/machine/devices/debug-exit';

const qemu = Object.fromEntries(
  readFileSync(join(__dirname, '../fixtures/qemu/multiboot-info.m32.txt'), 'utf8').split('\n')
    .filter((l) => /^\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const hex = (key: string) => parseInt(qemu[key], 16);

class Levels implements IrqSink {
  readonly history: [number, boolean][] = [];
  readonly level = new Map<number, boolean>();
  setIrqLevel(irq: number, high: boolean): void { this.history.push([irq, high]); this.level.set(irq, high); }
}

describe('machine: port bus', () => {
  it('unclaimed ports read all ones for each size, like QEMU', () => {
    const bus = new PortBus();
    assert.equal(bus.read(0x2a0, 1), hex('in8_2a0'));
    assert.equal(bus.read(0x2a0, 2), hex('in16_2a0'));
    assert.equal(bus.read(0x2a0, 4), hex('in32_2a0'));
    bus.write(0x2a0, 4, 0x12345678); // ignored, no throw
  });

  it('splits wide accesses into byte accesses for byte-only devices', () => {
    const bus = new PortBus();
    const seen: [number, number][] = [];
    bus.register(0x300, 2, { name: 'two', read8: (p) => p & 0xff, write8: (p, v) => seen.push([p, v]) });
    assert.equal(bus.read(0x300, 2), 0x0100);
    assert.equal(bus.read(0x301, 2), 0xff01, 'second byte unclaimed');
    bus.write(0x300, 4, 0xaabbccdd);
    assert.deepEqual(seen, [[0x300, 0xdd], [0x301, 0xcc]]);
    assert.equal(bus.ownerOf(0x301), 'two');
  });

  it('refuses overlapping claims (host configuration bug)', () => {
    const bus = new PortBus();
    bus.register(0x60, 1, { name: 'a', read8: () => 0, write8: () => undefined });
    assert.throws(() => bus.register(0x5f, 2, { name: 'b', read8: () => 0, write8: () => undefined }), /already claimed by a/);
  });
});

describe('machine: 16550 UART (PC16550D)', () => {
  function uart() {
    const sink = new Levels();
    const out: number[] = [];
    const u = new Uart16550(COM1_BASE, new IrqLine(sink, 4), (b) => out.push(b));
    return { u, out, sink, irq: () => sink.level.get(4) === true };
  }

  it('resets to the register values QEMU shows (LSR, IIR, MSR)', () => {
    const { u } = uart();
    assert.equal(u.read8(COM1_BASE + 5), hex('lsr'));
    assert.equal(u.read8(COM1_BASE + 2), hex('iir'));
    assert.equal(u.read8(COM1_BASE + 6), hex('msr'));
  });

  it('transmits THR writes and exposes the divisor latch under LCR.DLAB', () => {
    const { u, out } = uart();
    u.write8(COM1_BASE + 3, 0x80);
    u.write8(COM1_BASE + 0, 0x01);
    u.write8(COM1_BASE + 1, 0x00);
    assert.equal(u.divisor, 1);
    u.write8(COM1_BASE + 3, 0x03);
    u.write8(COM1_BASE, 0x41);
    assert.deepEqual(out, [0x41], 'DLL writes are not transmitted');
    u.write8(COM1_BASE + 7, 0x5a);
    assert.equal(u.read8(COM1_BASE + 7), 0x5a, 'scratch register');
  });

  it('receives into RBR with LSR.DR and the received-data interrupt (IIR 0x04)', () => {
    const { u, irq } = uart();
    u.write8(COM1_BASE + 1, 0x01);
    u.receive([0x61, 0x62]);
    assert.equal(u.read8(COM1_BASE + 5) & 1, 1);
    assert.equal(irq(), true);
    assert.equal(u.read8(COM1_BASE + 2), 0x04);
    assert.equal(u.read8(COM1_BASE), 0x61);
    assert.equal(u.read8(COM1_BASE), 0x62, 'the next byte moves in once RBR is read');
    assert.equal(u.read8(COM1_BASE + 5) & 1, 0);
    assert.equal(irq(), false);
    assert.equal(u.read8(COM1_BASE + 2), 0x01);
  });

  it('THR-empty interrupt: raised when enabled, cleared by reading IIR, re-armed by a THR write', () => {
    const { u, irq } = uart();
    u.write8(COM1_BASE + 1, 0x02);
    assert.equal(irq(), true);
    assert.equal(u.read8(COM1_BASE + 2), 0x02);
    assert.equal(irq(), false);
    assert.equal(u.read8(COM1_BASE + 2), 0x01);
    u.write8(COM1_BASE, 0x30);
    assert.equal(u.read8(COM1_BASE + 2), 0x02);
  });

  it('data available outranks THR empty; FIFO mode sets IIR bits 7:6 and uses the trigger level', () => {
    const { u } = uart();
    u.write8(COM1_BASE + 1, 0x03);
    u.write8(COM1_BASE + 2, 0x41); // FIFO on, trigger 4
    u.receive([1, 2, 3, 4, 5]);
    assert.equal(u.read8(COM1_BASE + 2), 0xc4);
    u.read8(COM1_BASE); u.read8(COM1_BASE);
    assert.equal(u.read8(COM1_BASE + 2), 0xcc, '3 bytes below trigger 4: character timeout');
  });

  it('loopback returns transmitted bytes and maps MCR to MSR with delta bits', () => {
    const { u, out } = uart();
    u.write8(COM1_BASE + 4, 0x10 | 0x02 | 0x01);     // LOOP, RTS, DTR
    u.write8(COM1_BASE, 0x55);
    assert.deepEqual(out, []);
    assert.equal(u.read8(COM1_BASE), 0x55);
    const msr = u.read8(COM1_BASE + 6);
    assert.equal(msr & 0xf0, 0x30, 'CTS and DSR from RTS and DTR');
    assert.equal(msr & 0x0f, 0x08, 'DCD fell (OUT2 is 0): DDCD; CTS/DSR unchanged from idle');
    assert.equal(u.read8(COM1_BASE + 6) & 0x0f, 0, 'reading MSR clears the deltas');
    u.write8(COM1_BASE, 1);
    u.write8(COM1_BASE, 2);
    assert.equal(u.read8(COM1_BASE + 5) & 0x02, 0x02, 'overrun without FIFO');
    assert.equal(u.read8(COM1_BASE), 2, 'the newer byte replaced RBR');
  });

  it('saves and restores its state', () => {
    const { u } = uart();
    u.receive([9]);
    const saved = u.saveState();
    u.read8(COM1_BASE);
    u.loadState(saved);
    assert.equal(u.read8(COM1_BASE), 9);
  });
});

describe('machine: 8259A PIC pair', () => {
  // The classic PC initialisation: ICW1 edge+ICW4, bases 0x20/0x28, cascade on IR2, 8086 mode.
  function pic(icw4 = 0x01) {
    const p = new DualPic();
    p.write8(0x20, 0x11); p.write8(0xa0, 0x11);
    p.write8(0x21, 0x20); p.write8(0xa1, 0x28);
    p.write8(0x21, 0x04); p.write8(0xa1, 0x02);
    p.write8(0x21, icw4); p.write8(0xa1, icw4);
    p.write8(0x21, 0x00); p.write8(0xa1, 0x00);
    return p;
  }

  it('delivers the vector of the highest-priority request and tracks IRR/ISR', () => {
    const p = pic();
    p.setIrqLevel(3, true);
    p.setIrqLevel(1, true);
    assert.equal(p.hasInterrupt(), true);
    assert.equal(p.acknowledge(), 0x21);
    assert.deepEqual(p.registers().master, { irr: 0x08, isr: 0x02, imr: 0, base: 0x20 });
    assert.equal(p.hasInterrupt(), false, 'IR3 has lower priority than IR1 in service');
    p.write8(0x20, 0x20); // non-specific EOI
    assert.equal(p.acknowledge(), 0x23);
  });

  it('edge mode needs a new rising edge; masked requests wait in IRR', () => {
    const p = pic();
    p.write8(0x21, 0x01);
    p.setIrqLevel(0, true);
    assert.equal(p.hasInterrupt(), false);
    p.write8(0x21, 0x00);
    assert.equal(p.acknowledge(), 0x20);
    p.write8(0x20, 0x20);
    assert.equal(p.hasInterrupt(), false, 'line still high: no new edge');
    p.setIrqLevel(0, false); p.setIrqLevel(0, true);
    assert.equal(p.hasInterrupt(), true);
  });

  it('cascades slave requests through IR2 and needs EOI on both chips', () => {
    const p = pic();
    p.setIrqLevel(12, true);
    assert.equal(p.acknowledge(), 0x2c);
    assert.equal(p.registers().master.isr, 0x04);
    assert.equal(p.registers().slave.isr, 0x10);
    p.setIrqLevel(9, true);
    assert.equal(p.hasInterrupt(), false, 'IR2 in service on the master blocks the slave');
    p.write8(0xa0, 0x64);  // specific EOI for slave IR4
    p.write8(0x20, 0x62);  // specific EOI for master IR2
    assert.equal(p.acknowledge(), 0x29);
  });

  it('OCW3 selects IRR or ISR for reads; OCW1 reads back as IMR', () => {
    const p = pic();
    p.setIrqLevel(5, true);
    assert.equal(p.read8(0x20), 0x20, 'IRR after ICW1');
    p.acknowledge();
    p.write8(0x20, 0x0b);
    assert.equal(p.read8(0x20), 0x20, 'ISR');
    p.write8(0x21, 0xa5);
    assert.equal(p.read8(0x21), 0xa5);
  });

  it('auto-EOI leaves ISR clear', () => {
    const p = pic(0x03);
    p.setIrqLevel(4, true);
    assert.equal(p.acknowledge(), 0x24);
    assert.equal(p.registers().master.isr, 0);
  });

  it('answers a request that vanished before INTA with the spurious IR7 vector', () => {
    const p = pic();
    assert.equal(p.acknowledge(), 0x27);
    assert.equal(p.registers().master.isr, 0);
  });

  it('rotation and set-priority change which IR wins', () => {
    const p = pic();
    p.write8(0x20, 0xc4); // set priority: IR4 lowest, so IR5 highest
    p.setIrqLevel(1, true);
    p.setIrqLevel(6, true);
    assert.equal(p.acknowledge(), 0x26);
    p.write8(0x20, 0xa0); // rotate on non-specific EOI: IR6 becomes lowest
    assert.equal(p.acknowledge(), 0x21);
  });

  it('poll command returns 0x80 | level and acknowledges', () => {
    const p = pic();
    p.setIrqLevel(6, true);
    p.write8(0x20, 0x0c);
    assert.equal(p.read8(0x20), 0x86);
    assert.equal(p.registers().master.isr, 0x40);
  });

  it('level-triggered mode follows the line', () => {
    const p = new DualPic();
    p.write8(0x20, 0x19); p.write8(0x21, 0x08); p.write8(0x21, 0x04); p.write8(0x21, 0x01); p.write8(0x21, 0);
    p.setIrqLevel(3, true);
    p.setIrqLevel(3, false);
    assert.equal(p.hasInterrupt(), false);
  });
});

describe('machine: 8254 PIT', () => {
  function pit(ratio = 1) {
    const sink = new Levels();
    const p = new Pit8254(new IrqLine(sink, 0), ratio);
    const rises = () => sink.history.filter(([irq, high], i) => irq === 0 && high && i > 0).length;
    return { p, sink, rises };
  }

  it('mode 2 (rate generator) raises IRQ0 once per N clocks and counts N..1', () => {
    const { p, sink } = pit();
    p.write8(0x43, 0x34); // counter 0, lo/hi, mode 2, binary
    p.write8(0x40, 10); p.write8(0x40, 0);
    p.advance(1); // count loads on the first CLK
    p.write8(0x43, 0x00); // latch
    assert.equal(p.read8(0x40) | (p.read8(0x40) << 8), 10);
    sink.history.length = 0;
    p.advance(10);
    assert.deepEqual(sink.history, [[0, false], [0, true]], 'one rising edge per period');
    p.advance(3);
    p.write8(0x43, 0x00);
    assert.equal(p.read8(0x40), 7);
    assert.equal(p.instructionsUntilIrq0(), 7);
  });

  it('mode 3 (square wave): OUT high for ceil(N/2), low for floor(N/2), counter steps by two', () => {
    const { p } = pit();
    p.write8(0x43, 0x36);
    p.write8(0x40, 5); p.write8(0x40, 0);
    p.advance(1);
    const outs: boolean[] = [];
    const values: number[] = [];
    for (let i = 0; i < 5; i++) {
      outs.push(p.out(0));
      p.write8(0x43, 0x00);
      values.push(p.read8(0x40));
      p.read8(0x40);
      p.advance(1);
    }
    assert.deepEqual(outs, [true, true, true, false, false]);
    assert.deepEqual(values, [4, 2, 0, 4, 2], 'odd N loads N-1 and counts down by two');
  });

  it('mode 0 (interrupt on terminal count): OUT low after the control word, high after N+1 clocks', () => {
    const { p } = pit();
    p.write8(0x43, 0x30);
    assert.equal(p.out(0), false);
    p.write8(0x40, 3); p.write8(0x40, 0);
    p.advance(3);
    assert.equal(p.out(0), false);
    p.advance(1);
    assert.equal(p.out(0), true);
    p.advance(100);
    assert.equal(p.out(0), true, 'stays high; one interrupt only');
    p.write8(0x43, 0x00);
    assert.equal(p.read8(0x40) | (p.read8(0x40) << 8), (3 - 103 + 0x10000) & 0xffff, 'loaded at tick 1, now tick 104: wrapped and still counting');
  });

  it('lobyte-only and hibyte-only access, BCD counting and the read-back status byte', () => {
    const { p } = pit();
    p.write8(0x43, 0x91); // counter 2, low byte only, mode 0, BCD
    p.write8(0x42, 0x25);
    p.advance(1);
    p.write8(0x43, 0xe8); // read-back: latch status of counter 2
    assert.equal(p.read8(0x42), 0x11, 'OUT 0, null count 0, RW 01, mode 0, BCD');
    p.advance(5);
    assert.equal(p.read8(0x42), 0x20, 'BCD 25 - 5 = 20');
    p.write8(0x43, 0x64); // counter 1, high byte only, mode 2
    p.write8(0x41, 0x01);
    p.advance(1);
    assert.equal(p.read8(0x41), 0x01);
  });

  it('a new count in mode 2 takes effect at the end of the current period', () => {
    const { p } = pit();
    p.write8(0x43, 0x34);
    p.write8(0x40, 10); p.write8(0x40, 0);
    p.advance(3);
    p.write8(0x40, 4); p.write8(0x40, 0);
    p.write8(0x43, 0x00);
    assert.equal(p.read8(0x40), 8, 'still counting the old period');
    p.read8(0x40);
    p.advance(8);
    p.write8(0x43, 0x00);
    assert.equal(p.read8(0x40), 4, 'new count loaded at the period end');
  });

  it('counts in instructions: the default ratio is 84 instructions per PIT clock', () => {
    const sink = new Levels();
    const p = new Pit8254(new IrqLine(sink, 0));
    p.write8(0x43, 0x34);
    p.write8(0x40, 2); p.write8(0x40, 0);
    p.advance(84 * 3 - 1);
    assert.equal(sink.history.filter(([, h]) => h).length, 1, 'only the control word set OUT high so far');
    p.advance(1);
    assert.equal(sink.history.filter(([, h]) => h).length, 2);
  });
});

describe('machine: isa-debug-exit', () => {
  it('records the written value and QEMU exit status (v << 1) | 1', () => {
    const bus = new PortBus();
    const dev = new DebugExit();
    bus.register(DEBUG_EXIT_BASE, 4, dev);
    assert.equal(bus.read(DEBUG_EXIT_BASE, 1), hex('in8_f4'));
    bus.write(DEBUG_EXIT_BASE, 1, 0x21);
    assert.deepEqual(dev.request, { value: 0x21, exitCode: 67 }, 'the fixture guest writes 0x21 and QEMU exits 67');
    const wide = new DebugExit();
    const bus2 = new PortBus();
    bus2.register(DEBUG_EXIT_BASE, 4, wide);
    bus2.write(DEBUG_EXIT_BASE, 4, 0x100);
    assert.deepEqual(wide.request, { value: 0x100, exitCode: 0x201 });
  });
});
