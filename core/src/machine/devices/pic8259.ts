// The PC's cascaded 8259A programmable interrupt controllers (Intel 8259A datasheet): master at
// 0x20/0x21, slave at 0xA0/0xA1 on the master's IR2. ICW1-ICW4, OCW1 (IMR), OCW2 (EOI, specific
// and non-specific, rotation, set priority), OCW3 (IRR/ISR read, poll, special mask mode),
// edge/level triggering, auto-EOI, special fully nested mode and the INTA cycle returning a vector.

import type { PortHandler } from '../io/port-bus';
import type { IrqSink } from '../io/irq-line';

export const PIC_MASTER_BASE = 0x20;
export const PIC_SLAVE_BASE = 0xa0;
export const CASCADE_IRQ = 2;

interface ChipState {
  irr: number;
  isr: number;
  imr: number;
  /** Input pin levels, for edge detection and level mode. */
  lines: number;
  /** ICW2: vector of IR0 (bits 7:3). */
  vectorBase: number;
  /** IR whose priority is lowest (priority rotates; 7 after ICW1). */
  lowestPriority: number;
  /** Initialization step: 0 ready, 2/3/4 waiting for ICW2/ICW3/ICW4. */
  initStep: number;
  needIcw4: boolean;
  single: boolean;
  levelTriggered: boolean;
  autoEoi: boolean;
  rotateOnAutoEoi: boolean;
  specialFullyNested: boolean;
  specialMask: boolean;
  readIsr: boolean;
  poll: boolean;
  icw3: number;
}

function resetChip(): ChipState {
  return {
    irr: 0, isr: 0, imr: 0, lines: 0, vectorBase: 0, lowestPriority: 7, initStep: 0, needIcw4: false,
    single: false, levelTriggered: false, autoEoi: false, rotateOnAutoEoi: false, specialFullyNested: false,
    specialMask: false, readIsr: false, poll: false, icw3: 0,
  };
}

/** One 8259A. */
class Chip {
  state: ChipState = resetChip();

  constructor(private readonly isMaster: boolean) {}

  setLine(ir: number, high: boolean): void {
    const s = this.state;
    const bit = 1 << ir;
    if (high) {
      // Edge mode latches a request on a low-to-high transition; level mode follows the pin.
      if (s.levelTriggered || !(s.lines & bit)) s.irr |= bit;
      s.lines |= bit;
    } else {
      s.lines &= ~bit;
      if (s.levelTriggered) s.irr &= ~bit;
    }
  }

  /** Highest-priority IR that may interrupt now, or -1 (datasheet "Interrupt Sequence"). */
  pending(): number {
    const s = this.state;
    const requests = s.irr & ~s.imr;
    if (requests === 0) return -1;
    // In special mask mode, in-service levels do not block lower ones (only masked ones are out).
    const inService = s.specialMask ? 0 : s.isr;
    for (let n = 1; n <= 8; n++) {
      const ir = (s.lowestPriority + n) & 7;
      const bit = 1 << ir;
      if (inService & bit) {
        // Special fully nested mode: the master lets a slave interrupt through while its own
        // cascade input is in service, so higher-priority slave IRs nest.
        if (!(this.isMaster && s.specialFullyNested && ir === CASCADE_IRQ && (requests & bit))) return -1;
      }
      if (requests & bit) return ir;
    }
    return -1;
  }

  /** INTA: moves the request into service and returns its IR. */
  acknowledge(ir: number): void {
    const s = this.state;
    const bit = 1 << ir;
    // Edge mode needs a new edge for the next request; in level mode IRR keeps following the pin.
    if (!s.levelTriggered) s.irr &= ~bit;
    if (s.autoEoi) {
      if (s.rotateOnAutoEoi) s.lowestPriority = ir;
    } else {
      s.isr |= bit;
    }
  }

  /** Highest-priority IR in service, or -1. */
  highestInService(): number {
    const s = this.state;
    for (let n = 1; n <= 8; n++) {
      const ir = (s.lowestPriority + n) & 7;
      if (s.isr & (1 << ir)) return ir;
    }
    return -1;
  }

  writeCommand(value: number): void {
    const s = this.state;
    if (value & 0x10) {
      // ICW1 (datasheet): clears IMR and ISR, IR7 lowest, special mask off, read IRR;
      // without IC4 every ICW4 function is zero. Edge-sense is reset: IRR needs a new edge.
      const lines = s.lines;
      this.state = resetChip();
      this.state.lines = lines;
      this.state.levelTriggered = (value & 0x08) !== 0;
      this.state.single = (value & 0x02) !== 0;
      this.state.needIcw4 = (value & 0x01) !== 0;
      this.state.initStep = 2;
      if (this.state.levelTriggered) this.state.irr = lines;
      return;
    }
    if ((value & 0x18) === 0x08) {
      // OCW3
      if (value & 0x04) { s.poll = true; return; }
      if (value & 0x02) s.readIsr = (value & 0x01) !== 0;
      if (value & 0x40) s.specialMask = (value & 0x20) !== 0;
      return;
    }
    // OCW2: R SL EOI in bits 7:5, level in bits 2:0.
    const level = value & 7;
    switch (value >>> 5) {
      case 0b001: { // non-specific EOI
        const ir = this.highestInService();
        if (ir >= 0) s.isr &= ~(1 << ir);
        break;
      }
      case 0b011: // specific EOI
        s.isr &= ~(1 << level);
        break;
      case 0b101: { // rotate on non-specific EOI
        const ir = this.highestInService();
        if (ir >= 0) { s.isr &= ~(1 << ir); s.lowestPriority = ir; }
        break;
      }
      case 0b100: s.rotateOnAutoEoi = true; break;
      case 0b000: s.rotateOnAutoEoi = false; break;
      case 0b111: // rotate on specific EOI
        s.isr &= ~(1 << level);
        s.lowestPriority = level;
        break;
      case 0b110: s.lowestPriority = level; break; // set priority
      default: break; // 010: no operation
    }
  }

  writeData(value: number): void {
    const s = this.state;
    switch (s.initStep) {
      case 2:
        s.vectorBase = value & 0xf8;
        s.initStep = s.single ? (s.needIcw4 ? 4 : 0) : 3;
        return;
      case 3:
        s.icw3 = value;
        s.initStep = s.needIcw4 ? 4 : 0;
        return;
      case 4:
        s.autoEoi = (value & 0x02) !== 0;
        s.specialFullyNested = (value & 0x10) !== 0;
        s.initStep = 0;
        return;
      default:
        s.imr = value; // OCW1
    }
  }

  readCommand(): number {
    const s = this.state;
    return s.readIsr ? s.isr : s.irr;
  }
}

/**
 * The master/slave pair. The CPU asks `hasInterrupt()` (the master's INT output) between
 * instructions when EFLAGS.IF = 1 and runs `acknowledge()` (the two INTA cycles) for the vector.
 */
export class DualPic implements PortHandler, IrqSink {
  readonly name = 'pic8259';
  private readonly master = new Chip(true);
  private readonly slave = new Chip(false);

  /** IRQ 0-7 on the master, 8-15 on the slave (IRQ 2 is the cascade and not a device input). */
  setIrqLevel(irq: number, high: boolean): void {
    if (irq < 8) this.master.setLine(irq, high);
    else {
      this.slave.setLine(irq - 8, high);
      this.updateCascade();
    }
  }

  hasInterrupt(): boolean {
    return this.master.pending() >= 0;
  }

  /**
   * INTA cycles: the vector of the highest-priority request. With no request left (it went away
   * before INTA) the chip answers with IR7's vector and sets no ISR bit — the spurious interrupt.
   */
  acknowledge(): number {
    const ir = this.master.pending();
    if (ir < 0) return this.master.state.vectorBase | 7;
    this.master.acknowledge(ir);
    if (ir !== CASCADE_IRQ || this.master.state.single) return this.master.state.vectorBase | ir;
    const slaveIr = this.slave.pending();
    let vector: number;
    if (slaveIr < 0) vector = this.slave.state.vectorBase | 7;
    else {
      this.slave.acknowledge(slaveIr);
      vector = this.slave.state.vectorBase | slaveIr;
    }
    // The slave's INT output falls during INTA; a request still pending raises a new edge.
    this.master.setLine(CASCADE_IRQ, false);
    this.updateCascade();
    return vector;
  }

  read8(port: number): number {
    const chip = (port & 0x80) ? this.slave : this.master;
    if (chip.state.poll) return this.poll(chip);
    return port & 1 ? chip.state.imr : chip.readCommand();
  }

  write8(port: number, value: number): void {
    const chip = (port & 0x80) ? this.slave : this.master;
    if (port & 1) chip.writeData(value & 0xff);
    else chip.writeCommand(value & 0xff);
    if (chip === this.slave) this.updateCascade();
  }

  /** IRR/ISR/IMR of both chips, for views and tests. */
  registers(): { master: { irr: number; isr: number; imr: number; base: number }; slave: { irr: number; isr: number; imr: number; base: number } } {
    const view = (c: Chip) => ({ irr: c.state.irr, isr: c.state.isr, imr: c.state.imr, base: c.state.vectorBase });
    return { master: view(this.master), slave: view(this.slave) };
  }

  saveState(): unknown {
    return structuredClone({ master: this.master.state, slave: this.slave.state });
  }

  loadState(saved: unknown): void {
    const s = structuredClone(saved as { master: ChipState; slave: ChipState });
    this.master.state = s.master;
    this.slave.state = s.slave;
  }

  /** Poll command (OCW3 P=1): the next read acknowledges and returns 0x80 | level, or 0. */
  private poll(chip: Chip): number {
    chip.state.poll = false;
    const ir = chip.pending();
    if (ir < 0) return 0;
    chip.acknowledge(ir);
    if (chip === this.slave) this.updateCascade();
    return 0x80 | ir;
  }

  /** The slave's INT output drives the master's IR2 (level follows the slave's pending state). */
  private updateCascade(): void {
    this.master.setLine(CASCADE_IRQ, this.slave.pending() >= 0);
  }
}
