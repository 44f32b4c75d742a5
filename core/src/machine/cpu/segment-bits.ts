// Segment selector and descriptor fields (Intel SDM Vol. 3A §3.4.2, §3.4.5, §5.5) as small
// functions over the two descriptor dwords, so no descriptor objects are allocated.

/** Indices of the segment registers in the order of their ModR/M encoding (ES CS SS DS FS GS). */
export const ES = 0;
export const CS = 1;
export const SS = 2;
export const DS = 3;
export const FS = 4;
export const GS = 5;
export const SEGMENT_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;

export const descBase = (low: number, high: number): number =>
  ((low >>> 16) | ((high & 0xff) << 16) | (high & 0xff00_0000)) >>> 0;

/** The byte-granular limit: a G=1 limit is scaled to 4 KiB units with the low 12 bits set. */
export function descLimit(low: number, high: number): number {
  const raw = (low & 0xffff) | (high & 0xf_0000);
  return (high & 0x80_0000) !== 0 ? ((raw << 12) | 0xfff) >>> 0 : raw;
}

export const descType = (high: number): number => (high >>> 8) & 0xf;
export const descIsSegment = (high: number): boolean => (high & 0x1000) !== 0;
export const descDpl = (high: number): number => (high >>> 13) & 3;
export const descPresent = (high: number): boolean => (high & 0x8000) !== 0;
/** D/B: 32-bit code segment, or a 32-bit (ESP) stack / 4 GiB expand-down upper bound. */
export const descBig = (high: number): boolean => (high & 0x40_0000) !== 0;

/** Code/data descriptor type bits (S=1): bit 3 code, then conforming/readable or expand-down/writable. */
export const isCode = (high: number): boolean => descIsSegment(high) && (high & 0x800) !== 0;
export const isData = (high: number): boolean => descIsSegment(high) && (high & 0x800) === 0;
export const isConforming = (high: number): boolean => isCode(high) && (high & 0x400) !== 0;
export const isReadable = (high: number): boolean => isData(high) || (high & 0x200) !== 0;
export const isWritableData = (high: number): boolean => isData(high) && (high & 0x200) !== 0;
export const isExpandDown = (high: number): boolean => isData(high) && (high & 0x400) !== 0;

/** System descriptor types (S=0, Table 3-2). */
export const SYS_TSS16_AVAILABLE = 1;
export const SYS_LDT = 2;
export const SYS_TSS16_BUSY = 3;
export const SYS_CALL_GATE16 = 4;
export const SYS_TASK_GATE = 5;
export const SYS_INT_GATE16 = 6;
export const SYS_TRAP_GATE16 = 7;
export const SYS_TSS32_AVAILABLE = 9;
export const SYS_TSS32_BUSY = 11;
export const SYS_CALL_GATE32 = 12;
export const SYS_INT_GATE32 = 14;
export const SYS_TRAP_GATE32 = 15;

/** Gate fields: target selector and offset (Figure 5-8, 6-2). */
export const gateSelector = (low: number): number => low >>> 16;
export const gateOffset = (low: number, high: number): number => ((low & 0xffff) | (high & 0xffff_0000)) >>> 0;
