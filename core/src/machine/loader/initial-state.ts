// The CPU state a boot loader hands to the guest, as a plain record the CPU consumes at reset
// (no CPU code here): general registers, EFLAGS, control registers, segment selectors with the
// descriptors their hidden parts were loaded from, and the descriptor-table registers.

export interface SegmentLoad {
  readonly selector: number;
  /** The 8-byte descriptor the selector was loaded from (low and high dwords, SDM Vol. 3A §3.4.5). */
  readonly descriptorLow: number;
  readonly descriptorHigh: number;
}

export interface TableRegister {
  readonly base: number;
  readonly limit: number;
}

export interface InitialCpuState {
  readonly eax: number;
  readonly ebx: number;
  readonly ecx: number;
  readonly edx: number;
  readonly esi: number;
  readonly edi: number;
  readonly ebp: number;
  readonly esp: number;
  readonly eip: number;
  readonly eflags: number;
  readonly cr0: number;
  readonly cr3: number;
  readonly cr4: number;
  readonly cs: SegmentLoad;
  readonly ds: SegmentLoad;
  readonly es: SegmentLoad;
  readonly fs: SegmentLoad;
  readonly gs: SegmentLoad;
  readonly ss: SegmentLoad;
  readonly gdtr: TableRegister;
  readonly idtr: TableRegister;
  /** Current privilege level (CS.RPL); 0 for every boot path. */
  readonly cpl: number;
}
