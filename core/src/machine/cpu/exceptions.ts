// Exception and interrupt vectors (Intel SDM Vol. 3A §6.3, Table 6-1), which of them push an
// error code, and the classes that decide double faults (§6.15, Table 6-5).

export const DE = 0;
export const DB = 1;
export const NMI = 2;
export const BP = 3;
export const OF_VECTOR = 4;
export const BR = 5;
export const UD = 6;
export const NM = 7;
export const DF_VECTOR = 8;
export const TS = 10;
export const NP = 11;
export const SS_VECTOR = 12;
export const GP = 13;
export const PF_VECTOR = 14;
export const AC_VECTOR = 17;

/** Mnemonics of the vectors, for stop records and debugger views. */
export const VECTOR_NAMES: Readonly<Record<number, string>> = {
  0: '#DE', 1: '#DB', 2: 'NMI', 3: '#BP', 4: '#OF', 5: '#BR', 6: '#UD', 7: '#NM', 8: '#DF',
  10: '#TS', 11: '#NP', 12: '#SS', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC',
};

/** One exception in the events that shut the processor down: its vector and error code (-1: none). */
export interface ShutdownFault {
  readonly vector: number;
  readonly errorCode: number;
}

/**
 * The faults that ended in a shutdown, in the order they arose, as text: each one was raised while
 * delivering the one before, and #DF stands where two of them made a double fault (Table 6-5).
 * `#UD -> #GP(0x32) -> #GP(0x6a) -> #DF(0x0) -> #GP(0x42)` is a #UD with no IDT at all.
 */
export function describeShutdown(faults: readonly ShutdownFault[]): string {
  return faults.map((f) => `${VECTOR_NAMES[f.vector] ?? `vector ${f.vector}`}${f.errorCode >= 0 ? `(0x${f.errorCode.toString(16)})` : ''}`).join(' -> ');
}

/** Vectors whose delivery pushes an error code (Table 6-1). */
export function pushesErrorCode(vector: number): boolean {
  return vector === 8 || (vector >= 10 && vector <= 14) || vector === 17;
}

/** Contributory exceptions (#DE #TS #NP #SS #GP, Table 6-4). */
export function isContributory(vector: number): boolean {
  return vector === 0 || (vector >= 10 && vector <= 13);
}
