// 16550A UART (the PC's COM1 at 0x3F8, IRQ4), after the TI/NS PC16550D datasheet: RBR/THR, IER,
// IIR/FCR, LCR with the DLAB divisor latch, MCR with loopback, LSR, MSR, SCR, 16-byte receive FIFO
// with trigger levels, and the four interrupt sources in datasheet priority order.
//
// Emulated-time choices (documented in ../README.md): a transmitted byte reaches the output sink
// at once, so THR is always empty again immediately (LSR.THRE = LSR.TEMT = 1, as QEMU shows);
// received bytes wait in an unbounded host queue and enter the FIFO as it has room (the link is
// flow controlled, so a host never causes an overrun); the character-timeout indication appears
// as soon as the host queue is empty while the FIFO holds fewer bytes than the trigger level.

import type { PortHandler } from '../io/port-bus';
import type { IrqLine } from '../io/irq-line';

export const COM1_BASE = 0x3f8;
export const COM1_IRQ = 4;

const IER_RDA = 0x01, IER_THRE = 0x02, IER_RLS = 0x04, IER_MS = 0x08;
const LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
const LCR_DLAB = 0x80;
const MCR_LOOP = 0x10;
const FIFO_SIZE = 16;
const TRIGGER_LEVELS = [1, 4, 8, 14];
/** MSR with no modem attached as QEMU reports it: DCD, DSR and CTS asserted (fixture msr=B0). */
const MSR_IDLE = 0xb0;

interface UartState {
  rxFifo: number[];
  hostQueue: number[];
  ier: number;
  lcr: number;
  mcr: number;
  lsrErrors: number;
  msr: number;
  scr: number;
  divisor: number;
  fifoEnabled: boolean;
  triggerLevel: number;
  /** THR-empty interrupt condition, cleared by reading IIR while it is the source or writing THR. */
  thrEmptyPending: boolean;
}

export class Uart16550 implements PortHandler {
  readonly name = 'uart16550';
  private state: UartState = Uart16550.resetState();

  constructor(
    readonly base: number,
    private readonly irq: IrqLine,
    /** Receives every byte the guest transmits (not called in loopback mode). */
    private readonly transmit: (byte: number) => void,
  ) {}

  private static resetState(): UartState {
    return {
      rxFifo: [], hostQueue: [], ier: 0, lcr: 0, mcr: 0, lsrErrors: 0, msr: MSR_IDLE, scr: 0,
      divisor: 0, fifoEnabled: false, triggerLevel: 1, thrEmptyPending: false,
    };
  }

  /** Queues bytes typed by the host for the guest to receive. */
  receive(bytes: Uint8Array | readonly number[]): void {
    for (const b of bytes) this.state.hostQueue.push(b & 0xff);
    this.refill();
    this.updateIrq();
  }

  /** Bytes received from the host that the guest has not read yet (FIFO plus queue). */
  get pendingInput(): number {
    return this.state.rxFifo.length + this.state.hostQueue.length;
  }

  /** Whether a byte received now would raise the interrupt line (IER's received-data bit). */
  get interruptsOnReceive(): boolean {
    return (this.state.ier & IER_RDA) !== 0;
  }

  /** The divisor latch (baud = 115200 / divisor). */
  get divisor(): number {
    return this.state.divisor;
  }

  saveState(): unknown {
    return structuredClone(this.state);
  }

  loadState(saved: unknown): void {
    this.state = structuredClone(saved as UartState);
    this.irq.set(this.interruptId() !== 0x01);
  }

  read8(port: number): number {
    const s = this.state;
    switch ((port - this.base) & 7) {
      case 0: {
        if (s.lcr & LCR_DLAB) return s.divisor & 0xff;
        const byte = s.rxFifo.length > 0 ? (s.rxFifo.shift() as number) : 0;
        this.refill();
        this.updateIrq();
        return byte;
      }
      case 1:
        return s.lcr & LCR_DLAB ? s.divisor >>> 8 : s.ier;
      case 2: {
        const id = this.interruptId();
        // Reading IIR while THR-empty is the reported source acknowledges it (datasheet Table 4).
        if (id === 0x02) {
          s.thrEmptyPending = false;
          this.updateIrq();
        }
        return id | (s.fifoEnabled ? 0xc0 : 0);
      }
      case 3:
        return s.lcr;
      case 4:
        return s.mcr;
      case 5: {
        const lsr = this.lsr();
        s.lsrErrors = 0;
        this.updateIrq();
        return lsr;
      }
      case 6: {
        const msr = s.msr;
        s.msr &= 0xf0;
        this.updateIrq();
        return msr;
      }
      default:
        return s.scr;
    }
  }

  write8(port: number, value: number): void {
    const s = this.state;
    value &= 0xff;
    switch ((port - this.base) & 7) {
      case 0:
        if (s.lcr & LCR_DLAB) { s.divisor = (s.divisor & 0xff00) | value; return; }
        this.transmitByte(value);
        return;
      case 1:
        if (s.lcr & LCR_DLAB) { s.divisor = (s.divisor & 0x00ff) | (value << 8); return; }
        // Enabling the THR-empty interrupt while THR is empty raises it at once (as QEMU does).
        if ((value & IER_THRE) && !(s.ier & IER_THRE)) s.thrEmptyPending = true;
        s.ier = value & 0x0f;
        break;
      case 2:
        this.writeFcr(value);
        break;
      case 3:
        s.lcr = value;
        return;
      case 4:
        s.mcr = value & 0x1f;
        this.updateModemStatus();
        break;
      case 5:
      case 6:
        return; // LSR and MSR are read-only (factory test writes are not modelled)
      default:
        s.scr = value;
        return;
    }
    this.updateIrq();
  }

  private transmitByte(value: number): void {
    const s = this.state;
    s.thrEmptyPending = false;
    this.updateIrq();
    if (s.mcr & MCR_LOOP) {
      // Overrun (datasheet LSR1): without FIFO the new byte replaces RBR; with FIFO it is lost.
      if (s.rxFifo.length < this.fifoCapacity()) s.rxFifo.push(value);
      else {
        s.lsrErrors |= LSR_OE;
        if (!s.fifoEnabled) s.rxFifo[0] = value;
      }
    } else {
      this.transmit(value);
    }
    s.thrEmptyPending = true;
    this.updateIrq();
  }

  private writeFcr(value: number): void {
    const s = this.state;
    const enable = (value & 0x01) !== 0;
    // Changing FCR0 clears both FIFOs; FCR1 clears the receive FIFO (TX is never queued here).
    if (enable !== s.fifoEnabled || (value & 0x02)) s.rxFifo.length = 0;
    s.fifoEnabled = enable;
    s.triggerLevel = enable ? TRIGGER_LEVELS[value >>> 6] : 1;
    this.refill();
  }

  private fifoCapacity(): number {
    return this.state.fifoEnabled ? FIFO_SIZE : 1;
  }

  private refill(): void {
    const s = this.state;
    if (s.mcr & MCR_LOOP) return;
    const capacity = this.fifoCapacity();
    while (s.rxFifo.length < capacity && s.hostQueue.length > 0) s.rxFifo.push(s.hostQueue.shift() as number);
  }

  /** In loopback, MSR's CTS/DSR/RI/DCD follow MCR's RTS/DTR/OUT1/OUT2; deltas latch changes. */
  private updateModemStatus(): void {
    const s = this.state;
    const m = s.mcr;
    const lines = m & MCR_LOOP
      ? ((m & 0x02) << 3) | ((m & 0x01) << 5) | ((m & 0x04) << 4) | ((m & 0x08) << 4)
      : MSR_IDLE;
    const old = s.msr & 0xf0;
    let delta = s.msr & 0x0f;
    const changed = old ^ lines;
    if (changed & 0x10) delta |= 0x01;
    if (changed & 0x20) delta |= 0x02;
    if ((old & 0x40) && !(lines & 0x40)) delta |= 0x04; // TERI: RI went from on to off
    if (changed & 0x80) delta |= 0x08;
    s.msr = lines | delta;
    this.refill();
  }

  private lsr(): number {
    const s = this.state;
    return (s.rxFifo.length > 0 ? LSR_DR : 0) | s.lsrErrors | LSR_THRE | LSR_TEMT;
  }

  /** IIR bits 3:0 of the highest-priority pending interrupt (datasheet Table 4), 0x01 = none. */
  private interruptId(): number {
    const s = this.state;
    if ((s.ier & IER_RLS) && s.lsrErrors) return 0x06;
    if (s.ier & IER_RDA) {
      if (s.rxFifo.length >= s.triggerLevel) return 0x04;
      if (s.fifoEnabled && s.rxFifo.length > 0 && s.hostQueue.length === 0) return 0x0c;
    }
    if ((s.ier & IER_THRE) && s.thrEmptyPending) return 0x02;
    if ((s.ier & IER_MS) && (s.msr & 0x0f)) return 0x00;
    return 0x01;
  }

  private updateIrq(): void {
    this.irq.set(this.interruptId() !== 0x01);
  }
}
