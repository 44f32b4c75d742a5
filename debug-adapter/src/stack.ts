// Call stack of the guest: the current instruction, then callers found by following the EBP chain
// (`push ebp; mov ebp, esp` frames: [ebp] = caller's EBP, [ebp+4] = return address, SDM Vol. 1
// §6.5.6) while it stays plausible — rising addresses, readable, returning into known code.

import type { GuestSession } from '../../core/src/runtime/session';

export interface GuestFrame {
  /** EIP of the frame: the current instruction, or the return address in a caller. */
  readonly eip: number;
  /**
   * A caller's ESP and EBP as they are when its callee's `pop ebp; ret` (or `leave; ret`) returns
   * to it: the link it was found through + 8, and the EBP saved at that link (SDM Vol. 2 LEAVE, POP,
   * RET). Absent for the innermost frame, whose registers are the live ones.
   */
  readonly esp?: number;
  readonly ebp?: number;
}

const MAX_FRAMES = 64;

export function unwind(session: GuestSession): GuestFrame[] {
  const regs = session.registers();
  const frames: GuestFrame[] = [{ eip: regs.eip }];
  const ssBase = session.segments()[2]?.base ?? 0;
  let ebp = regs.ebp;
  // A frame pointer below ESP is not a live frame of this stack.
  if (ebp < regs.esp) return frames;
  while (frames.length < MAX_FRAMES && ebp !== 0) {
    const link = session.readMemory((ssBase + ebp) >>> 0, 8);
    if (link.bytes.length < 8) break;
    const view = new DataView(link.bytes.buffer, link.bytes.byteOffset, 8);
    const callerEbp = view.getUint32(0, true);
    const ret = view.getUint32(4, true);
    if (!knownCode(session, ret)) break;
    frames.push({ eip: ret, esp: (ebp + 8) >>> 0, ebp: callerEbp });
    if (callerEbp <= ebp) break;
    ebp = callerEbp;
  }
  return frames;
}

/** Whether `eip` is inside code the source map covers (or, for an image, near a known label). */
function knownCode(session: GuestSession, eip: number): boolean {
  if (session.sourceMap !== null) return session.sourceMap.lookupAddress(eip) !== undefined;
  return session.symbols.symbolize(eip) !== undefined;
}

/**
 * A caller frame's name: the label its return address follows, without the offset (`bump+0xb` →
 * `bump`) — the frame's source line already says where in the routine the call is.
 */
export function callerName(symbol: string): string {
  const plus = symbol.indexOf('+');
  return plus < 0 ? symbol : symbol.slice(0, plus);
}
