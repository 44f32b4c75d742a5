// Call stack of the guest: the current instruction, then callers found by following the EBP chain
// (`push ebp; mov ebp, esp` frames: [ebp] = caller's EBP, [ebp+4] = return address, SDM Vol. 1
// §6.5.6) while it stays plausible — rising addresses, readable, returning into known code. Where
// the innermost routine has no frame linked yet (at its first instruction, after its `push ebp`) or
// any more (at its `ret`), its return address is read from the stack, as gdb's i386 prologue and
// epilogue analysis reads it (gdb/i386-tdep.c: i386_analyze_prologue, i386_epilogue_frame_cache).

import type { GuestSession } from '../../core/src/runtime/session';

export interface GuestFrame {
  /** EIP of the frame: the current instruction, or the return address in a caller. */
  readonly eip: number;
  /**
   * A caller's ESP and EBP as they are when its callee returns to it: through a link, that link + 8
   * and the EBP saved at it (its callee's `pop ebp; ret` or `leave; ret`: SDM Vol. 2 LEAVE, POP,
   * RET); from a callee stopped at its `ret n`, ESP past the return address and n bytes, and EBP as
   * it is. Absent for the innermost frame, whose registers are the live ones.
   */
  readonly esp?: number;
  readonly ebp?: number;
}

const MAX_FRAMES = 64;
const PUSH_EBP = 0x55;
const RET = 0xc3;
const RET_IMM16 = 0xc2;
const CALL_REL32 = 0xe8;

export function unwind(session: GuestSession): GuestFrame[] {
  const regs = session.registers();
  const frames: GuestFrame[] = [{ eip: regs.eip }];
  const ssBase = session.segments()[2]?.base ?? 0;
  const dword = (offset: number): number | undefined => {
    const r = session.readMemory((ssBase + offset) >>> 0, 4);
    return r.bytes.length < 4 ? undefined : new DataView(r.bytes.buffer, r.bytes.byteOffset, 4).getUint32(0, true);
  };
  let ebp = regs.ebp;
  let esp = regs.esp;
  const unlinked = unlinkedCaller(session, regs.eip, regs.esp, regs.ebp, dword);
  if (unlinked !== undefined) {
    frames.push(unlinked);
    ebp = unlinked.ebp;
    esp = unlinked.esp;
  }
  // A frame pointer below ESP is not a live frame of this stack.
  if (ebp < esp) return frames;
  while (frames.length < MAX_FRAMES && ebp !== 0) {
    const callerEbp = dword(ebp);
    const ret = dword(ebp + 4);
    if (callerEbp === undefined || ret === undefined || !knownCode(session, ret)) break;
    frames.push({ eip: ret, esp: (ebp + 8) >>> 0, ebp: callerEbp });
    if (callerEbp <= ebp) break;
    ebp = callerEbp;
  }
  return frames;
}

/**
 * The caller of the innermost routine while no EBP link leads to it: at a `ret` (or `ret n`) the
 * return address is at [esp]; at the routine's first instruction it is at [esp] too, and after a
 * `push ebp` there, at [esp+4] with the caller's EBP at [esp]; at a `.local` label a call may have
 * targeted (`call .helper`), at [esp] when the call before it is to that label. Undefined elsewhere
 * (the EBP chain says), and where the address found does not return into known code after a call.
 */
function unlinkedCaller(
  session: GuestSession, eip: number, esp: number, ebp: number, dword: (offset: number) => number | undefined,
): Required<GuestFrame> | undefined {
  const csBase = session.segments()[1]?.base ?? 0;
  const code = session.readMemory((csBase + eip) >>> 0, 3).bytes;
  if (code[0] === RET || (code[0] === RET_IMM16 && code.length === 3)) {
    const ret = dword(esp);
    const popped = code[0] === RET ? 4 : 4 + (code[1] | (code[2] << 8));
    return ret !== undefined && knownCode(session, ret) ? { eip: ret, esp: (esp + popped) >>> 0, ebp } : undefined;
  }
  const routine = session.symbols.routineStart(eip);
  if (routine === undefined) return undefined;
  let found: Required<GuestFrame> | undefined;
  /** The address a direct call before the return address must have called, for a `.local` label. */
  let called: number | undefined;
  if (eip === routine || session.symbols.symbolize(eip)?.includes('+') === false) {
    const ret = dword(esp);
    if (ret !== undefined) found = { eip: ret, esp: (esp + 4) >>> 0, ebp };
    if (eip !== routine) called = eip;
  } else if (eip === routine + 1 && session.readMemory((csBase + routine) >>> 0, 1).bytes[0] === PUSH_EBP) {
    const saved = dword(esp);
    const ret = dword(esp + 4);
    if (saved !== undefined && ret !== undefined) found = { eip: ret, esp: (esp + 8) >>> 0, ebp: saved };
  }
  // (A routine entered some other way — the entry point, a jump, an interrupt — has no return address there.)
  const call = found !== undefined && knownCode(session, found.eip) ? callBefore(session, found.eip) : undefined;
  if (call === undefined || (called !== undefined && call.target !== undefined && call.target !== called)) return undefined;
  return found;
}

/** Whether the dword at the top of the stack is an address a CALL in known code would have pushed: a return that may yet be taken. */
export function returnAddressOnTop(session: GuestSession): boolean {
  const regs = session.registers();
  const ssBase = session.segments()[2]?.base ?? 0;
  const r = session.readMemory((ssBase + regs.esp) >>> 0, 4);
  if (r.bytes.length < 4) return false;
  const ret = new DataView(r.bytes.buffer, r.bytes.byteOffset, 4).getUint32(0, true);
  return knownCode(session, ret) && callBefore(session, ret) !== undefined;
}

/**
 * The CALL ending at `eip` (E8 cd, or FF /2 with its ModRM forms: SDM Vol. 2 CALL), with the
 * address a direct one calls (EIP after it + rel32); undefined when the instruction before is none.
 */
function callBefore(session: GuestSession, eip: number): { readonly target?: number } | undefined {
  for (const length of [5, 2, 3, 6, 7, 4]) {
    const [ins] = session.disassemble((eip - length) >>> 0, 0, 1);
    if (ins === undefined || !ins.valid || ins.bytes.length !== length || !/^call\b/.test(ins.text)) continue;
    const direct = ins.bytes[0] === CALL_REL32 && length === 5;
    return direct ? { target: (eip + new DataView(ins.bytes.buffer, ins.bytes.byteOffset + 1, 4).getInt32(0, true)) >>> 0 } : {};
  }
  return undefined;
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
