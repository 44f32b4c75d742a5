// The two-level IA-32 page walk (32-bit paging, SDM Vol. 3A §4.3): PDE then PTE, or a single
// 4 MiB PDE with CR4.PSE, permission checks (§4.6), accessed/dirty updates (§4.8), #PF error codes
// (§4.7) and a count of the memory references the walk made.

import type { PhysicalAccess } from '../memory/physical-memory';
import {
  PTE_P, PTE_RW, PTE_US, PTE_A, PTE_D, PDE_PS, PTE_G, PDE4M_RESERVED,
  PF_P, PF_RSVD, accessErrorBits, isWriteAccess, permittedAccesses,
} from './paging-bits';

/** The paging controls a walk depends on (from CR0, CR3, CR4). */
export interface PagingControls {
  cr3: number;
  wp: boolean;
  pse: boolean;
  pge: boolean;
}

/** Outcome of one walk; reused between walks so the slow path does not allocate. */
export class WalkResult {
  ok = false;
  /** Physical address of the access (valid when ok). */
  pa = 0;
  /** Physical address of the first byte of the 4 KiB frame holding `pa`. */
  frameBase = 0;
  /** Combined rights of the translation: U/S and R/W AND-ed over both levels. */
  user = false;
  writable = false;
  /** Dirty flag of the final entry after the walk. */
  dirty = false;
  /** G=1 in the final entry and CR4.PGE=1. */
  global = false;
  /** Translated by a 4 MiB PDE. */
  large = false;
  /** #PF error code when !ok. */
  errorCode = 0;
  /** Memory references made: entry reads plus accessed/dirty write-backs. */
  references = 0;
  pdeAddress = 0;
  pde = 0;
  /** -1 for a 4 MiB page or when the walk stopped at the PDE. */
  pteAddress = -1;
  pte = 0;
}

/**
 * Walks the paging structures for linear address `la`. With `updateFlags` false it is a probe
 * (debugger views): no accessed/dirty write-backs. The entry that maps the page gets its A/D only
 * once the translation is known to succeed (a permission fault leaves them, as QEMU and Bochs do);
 * a directory entry that points to a table gets A as soon as the walk uses it, as QEMU does.
 */
export function walkPageTables(
  memory: PhysicalAccess,
  controls: PagingControls,
  la: number,
  access: number,
  out: WalkResult,
  updateFlags = true,
): WalkResult {
  out.ok = false;
  out.references = 0;
  out.pteAddress = -1;
  out.pte = 0;
  out.large = false;
  const faultBits = accessErrorBits(access);

  const pdeAddress = ((controls.cr3 & 0xffff_f000) | ((la >>> 22) << 2)) >>> 0;
  const pde = memory.read32(pdeAddress);
  out.pdeAddress = pdeAddress;
  out.pde = pde;
  out.references++;
  if ((pde & PTE_P) === 0) return fault(out, faultBits);

  if ((pde & PDE_PS) !== 0 && controls.pse) {
    if ((pde & PDE4M_RESERVED) !== 0) return fault(out, faultBits | PF_P | PF_RSVD);
    const user = (pde & PTE_US) !== 0;
    const writable = (pde & PTE_RW) !== 0;
    if (!allowed(access, user, writable, controls.wp)) return fault(out, faultBits | PF_P);
    let flags = pde;
    if (updateFlags) flags = setFlags(memory, pdeAddress, pde, PTE_A | (isWriteAccess(access) ? PTE_D : 0), out);
    out.large = true;
    out.pa = ((pde & 0xffc0_0000) | (la & 0x003f_ffff)) >>> 0;
    return succeed(out, user, writable, flags, controls);
  }

  // The directory entry is used to find the table, so its A is set now, whatever the PTE holds
  // (SDM Vol. 3A §4.8; QEMU too: a not-present PTE or a permission fault still leaves PDE.A set).
  if (updateFlags) setFlags(memory, pdeAddress, pde, PTE_A, out);
  const pteAddress = ((pde & 0xffff_f000) | (((la >>> 12) & 0x3ff) << 2)) >>> 0;
  const pte = memory.read32(pteAddress);
  out.pteAddress = pteAddress;
  out.pte = pte;
  out.references++;
  if ((pte & PTE_P) === 0) return fault(out, faultBits);
  const user = (pde & pte & PTE_US) !== 0;
  const writable = (pde & pte & PTE_RW) !== 0;
  if (!allowed(access, user, writable, controls.wp)) return fault(out, faultBits | PF_P);
  let flags = pte;
  if (updateFlags) flags = setFlags(memory, pteAddress, pte, PTE_A | (isWriteAccess(access) ? PTE_D : 0), out);
  out.pa = ((pte & 0xffff_f000) | (la & 0xfff)) >>> 0;
  return succeed(out, user, writable, flags, controls);
}

function allowed(access: number, user: boolean, writable: boolean, wp: boolean): boolean {
  return (permittedAccesses(user, writable, wp) & access) !== 0;
}

/** Writes back A/D bits that are not yet set (one locked read-modify-write, SDM §4.8). */
function setFlags(memory: PhysicalAccess, address: number, entry: number, bits: number, out: WalkResult): number {
  if ((entry & bits) === bits) return entry;
  const updated = (entry | bits) >>> 0;
  memory.write32(address, updated);
  out.references++;
  if (address === out.pdeAddress) out.pde = updated;
  else out.pte = updated;
  return updated;
}

function fault(out: WalkResult, errorCode: number): WalkResult {
  out.ok = false;
  out.errorCode = errorCode;
  return out;
}

function succeed(out: WalkResult, user: boolean, writable: boolean, finalEntry: number, controls: PagingControls): WalkResult {
  out.ok = true;
  out.errorCode = 0;
  out.user = user;
  out.writable = writable;
  out.dirty = (finalEntry & PTE_D) !== 0;
  out.global = controls.pge && (finalEntry & PTE_G) !== 0;
  out.frameBase = (out.pa & 0xffff_f000) >>> 0;
  return out;
}
