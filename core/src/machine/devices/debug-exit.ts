// QEMU's isa-debug-exit device (here at 0xF4, 4 ports): a guest write of value v ends the run with
// host exit status (v << 1) | 1, so a guest can report pass/fail to scripts and CI. Reads return
// 0, as QEMU 7.2 shows (fixture test/fixtures/qemu/multiboot-info.m32.txt, in8_f4=00000000).

import type { PortHandler } from '../io/port-bus';

export const DEBUG_EXIT_BASE = 0xf4;
export const DEBUG_EXIT_PORTS = 4;

export interface DebugExitRequest {
  /** The value the guest wrote (access-size wide). */
  readonly value: number;
  /** (value << 1) | 1 — QEMU's process exit status (the OS keeps its low 8 bits). */
  readonly exitCode: number;
}

export class DebugExit implements PortHandler {
  readonly name = 'isa-debug-exit';
  /** Set by the first write; the run loop stops when it sees it. */
  request: DebugExitRequest | null = null;

  read8(): number { return 0; }
  read16(): number { return 0; }
  read32(): number { return 0; }
  write8(_port: number, value: number): void { this.exit(value & 0xff); }
  write16(_port: number, value: number): void { this.exit(value & 0xffff); }
  write32(_port: number, value: number): void { this.exit(value >>> 0); }

  private exit(value: number): void {
    if (this.request === null) this.request = { value, exitCode: (value * 2 + 1) >>> 0 };
  }
}
