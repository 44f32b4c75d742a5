// Bit layouts of 32-bit (non-PAE) paging: control-register flags, PDE/PTE flags, #PF error-code
// bits and the four access kinds the MMU distinguishes (Intel SDM Vol. 3A §2.5, §4.3, §4.7).

/** CR0.PG (bit 31) enables paging; CR0.WP (bit 16) makes supervisor writes honour R/W. */
export const CR0_PG = 0x8000_0000;
export const CR0_WP = 0x0001_0000;
/** CR4.PSE (bit 4) enables 4 MiB pages; CR4.PGE (bit 7) enables global pages. */
export const CR4_PSE = 0x10;
export const CR4_PGE = 0x80;

/** Paging-structure entry flags (SDM Tables 4-4 to 4-6). */
export const PTE_P = 0x001;
export const PTE_RW = 0x002;
export const PTE_US = 0x004;
export const PTE_A = 0x020;
export const PTE_D = 0x040;
/** PS in a PDE: maps a 4 MiB page when CR4.PSE = 1. */
export const PDE_PS = 0x080;
/** G in a PTE or 4 MiB PDE: global translation when CR4.PGE = 1. */
export const PTE_G = 0x100;
/**
 * Reserved bits of a 4 MiB PDE: bits 21:13. Our CPU reports no PSE-36 (CPUID.01H:EDX[17] = 0),
 * so MAXPHYADDR is 32 and bits 20:13, which PSE-36 would use for physical address bits 39:32,
 * are reserved together with bit 21 (SDM §4.3, Table 4-5).
 */
export const PDE4M_RESERVED = 0x003f_e000;

/**
 * #PF error code (SDM §4.7): P=0 not-present / P=1 protection or reserved bit; W/R=1 write;
 * U/S=1 the access was a user-mode access; RSVD=1 a reserved bit was set in an entry.
 * I/D (bit 4) reports instruction fetches only when PAE with NX (or SMEP) is enabled; 32-bit
 * paging on IA-32 without PAE has neither, so fetches are plain reads and I/D is always 0.
 */
export const PF_P = 0x1;
export const PF_WR = 0x2;
export const PF_US = 0x4;
export const PF_RSVD = 0x8;

/**
 * Access kinds, one bit each so that a TLB entry can say which of them it permits without a
 * walk and a hit is one masked compare. "User" means a CPL-3 access; supervisor-mode accesses
 * made on behalf of CPL 3 code (descriptor tables, TSS) are supervisor accesses (SDM §4.6).
 */
export const ACCESS_READ = 0x1;
export const ACCESS_WRITE = 0x2;
export const ACCESS_USER_READ = 0x4;
export const ACCESS_USER_WRITE = 0x8;
export type AccessKind = typeof ACCESS_READ | typeof ACCESS_WRITE | typeof ACCESS_USER_READ | typeof ACCESS_USER_WRITE;

export function accessKind(write: boolean, user: boolean): AccessKind {
  return user ? (write ? ACCESS_USER_WRITE : ACCESS_USER_READ) : write ? ACCESS_WRITE : ACCESS_READ;
}

export function isWriteAccess(access: number): boolean {
  return (access & (ACCESS_WRITE | ACCESS_USER_WRITE)) !== 0;
}

export function isUserAccess(access: number): boolean {
  return (access & (ACCESS_USER_READ | ACCESS_USER_WRITE)) !== 0;
}

/** Error-code bits W/R and U/S for an access (P and RSVD are added by the walker). */
export function accessErrorBits(access: number): number {
  return (isWriteAccess(access) ? PF_WR : 0) | (isUserAccess(access) ? PF_US : 0);
}

/**
 * Which access kinds the combined rights of a translation permit (SDM §4.6): user accesses need
 * U/S=1 in every level, user writes also R/W=1 everywhere, supervisor writes need R/W=1
 * everywhere only when CR0.WP=1. Supervisor reads are always allowed (no SMAP on IA-32 here).
 */
export function permittedAccesses(user: boolean, writable: boolean, wp: boolean): number {
  let permits = ACCESS_READ;
  if (writable || !wp) permits |= ACCESS_WRITE;
  if (user) {
    permits |= ACCESS_USER_READ;
    if (writable) permits |= ACCESS_USER_WRITE;
  }
  return permits;
}
