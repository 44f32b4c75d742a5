// An interrupt request line from a device to the interrupt controller: devices drive its level,
// the controller decides what an edge or a level means (DESIGN.md: devices reach the CPU only
// through IRQ lines).

/** Receiver of IRQ line levels (the 8259A pair, or a VMM's virtual interrupt controller). */
export interface IrqSink {
  setIrqLevel(irq: number, high: boolean): void;
}

export class IrqLine {
  private high = false;

  constructor(private readonly sink: IrqSink, readonly irq: number) {}

  get level(): boolean {
    return this.high;
  }

  set(high: boolean): void {
    if (high === this.high) return;
    this.high = high;
    this.sink.setIrqLevel(this.irq, high);
  }

  raise(): void {
    this.set(true);
  }

  lower(): void {
    this.set(false);
  }

  /** Low then high: one rising edge even if the line was already high (edge-triggered inputs). */
  pulse(): void {
    this.set(false);
    this.set(true);
  }
}
