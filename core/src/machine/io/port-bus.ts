// The PC's 64 KiB I/O port space: devices claim port ranges with handlers; an unclaimed read
// returns all ones for the access size (nothing drives the bus) and an unclaimed write is dropped.

/** Handlers of one device. Byte access is required; wider handlers are used when the device
 * implements the wide register itself, otherwise a wide access becomes consecutive byte accesses
 * (little endian), each going to whichever device owns that port. */
export interface PortHandler {
  readonly name: string;
  read8(port: number): number;
  write8(port: number, value: number): void;
  read16?(port: number): number;
  write16?(port: number, value: number): void;
  read32?(port: number): number;
  write32?(port: number, value: number): void;
}

export type PortAccessSize = 1 | 2 | 4;

export class PortBus {
  private readonly owners = new Int16Array(0x10000).fill(-1);
  private readonly handlers: PortHandler[] = [];

  /** Claims ports first .. first+count-1 for `handler`; overlapping claims are a host bug. */
  register(first: number, count: number, handler: PortHandler): void {
    if (first < 0 || count < 1 || first + count > 0x10000) throw new RangeError(`${handler.name}: ports ${first}+${count} outside 0..0xFFFF`);
    for (let p = first; p < first + count; p++) {
      if (this.owners[p] >= 0) throw new Error(`${handler.name}: port 0x${p.toString(16)} already claimed by ${this.handlers[this.owners[p]].name}`);
    }
    let index = this.handlers.indexOf(handler);
    if (index < 0) index = this.handlers.push(handler) - 1;
    this.owners.fill(index, first, first + count);
  }

  /** Name of the device owning `port`, or undefined. */
  ownerOf(port: number): string | undefined {
    const index = this.owners[port & 0xffff];
    return index >= 0 ? this.handlers[index].name : undefined;
  }

  /** IN: the value read from `port` with `size` bytes. */
  read(port: number, size: PortAccessSize): number {
    port &= 0xffff;
    const index = this.owners[port];
    if (index >= 0 && size !== 1) {
      const h = this.handlers[index];
      if (size === 2 && h.read16 && this.owners[(port + 1) & 0xffff] === index) return h.read16(port) & 0xffff;
      if (size === 4 && h.read32 && this.owners[(port + 3) & 0xffff] === index) return h.read32(port) >>> 0;
    }
    if (size === 1) return index >= 0 ? this.handlers[index].read8(port) & 0xff : 0xff;
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = (value << 8) | this.read8((port + i) & 0xffff);
    return value >>> 0;
  }

  /** OUT: writes `size` bytes of `value` to `port`. */
  write(port: number, size: PortAccessSize, value: number): void {
    port &= 0xffff;
    const index = this.owners[port];
    if (index >= 0 && size !== 1) {
      const h = this.handlers[index];
      if (size === 2 && h.write16 && this.owners[(port + 1) & 0xffff] === index) { h.write16(port, value & 0xffff); return; }
      if (size === 4 && h.write32 && this.owners[(port + 3) & 0xffff] === index) { h.write32(port, value >>> 0); return; }
    }
    for (let i = 0; i < size; i++) {
      const p = (port + i) & 0xffff;
      const owner = this.owners[p];
      if (owner >= 0) this.handlers[owner].write8(p, (value >>> (8 * i)) & 0xff);
    }
  }

  private read8(port: number): number {
    const index = this.owners[port];
    return index >= 0 ? this.handlers[index].read8(port) & 0xff : 0xff;
  }
}
