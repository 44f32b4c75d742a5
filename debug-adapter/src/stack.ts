// Call stack of the guest: the current instruction, then callers found by following the EBP chain
// (`push ebp; mov ebp, esp` frames: [ebp] = caller's EBP, [ebp+4] = return address, SDM Vol. 1
// §6.5.6) while it stays plausible — rising addresses, readable, returning into known code. Where
// the innermost routine has no frame linked yet (at its first instruction, after its `push ebp`) or
// any more (at its `ret`), its return address is read from the stack, as gdb's i386 prologue and
// epilogue analysis reads it (gdb/i386-tdep.c: i386_analyze_prologue, i386_epilogue_frame_cache).
// A routine that sets up no EBP frame has its return address looked for above its ESP: the first
// that follows a call of that routine. Where the walk ends in an interrupt or exception handler,
// the code it interrupted is found through the frame the CPU pushed (see interruptedFrame).

import { VECTOR_NAMES } from '../../core/src/machine/cpu/exceptions';
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
  /**
   * For code an interrupt or exception stopped: what was delivered (`<interrupt 0x80>`,
   * `<exception #PF>`, `<interrupt>` when several vectors' gates lead to the handler). Such a frame
   * has EIP and ESP from the CPU's interrupt frame and no EBP: nothing the CPU saves holds it.
   */
  readonly interrupt?: string;
  /** How a caller was found: through its callee's EBP link, or from a return address found on the stack. */
  readonly via?: 'ebp-chain' | 'stack';
}

/** A frame the walk can go on from: its ESP and EBP known. */
type LinkedFrame = Required<Omit<GuestFrame, 'interrupt' | 'via'>> & Pick<GuestFrame, 'via'>;

const MAX_FRAMES = 64;
const PUSH_EBP = 0x55;
const RET = 0xc3;
const RET_IMM16 = 0xc2;
const CALL_REL32 = 0xe8;
const ENTER = 0xc8;
/** How far above a frameless routine's ESP its return address is looked for: what it may have pushed. */
const SCAN_BYTES = 256;

export function unwind(session: GuestSession): GuestFrame[] {
  const regs = session.registers();
  const frames: GuestFrame[] = [{ eip: regs.eip }];
  const ssBase = session.segments()[2]?.base ?? 0;
  const dword = (offset: number): number | undefined => {
    const r = session.readMemory((ssBase + offset) >>> 0, 4);
    return r.bytes.length < 4 ? undefined : new DataView(r.bytes.buffer, r.bytes.byteOffset, 4).getUint32(0, true);
  };
  let frame: LinkedFrame = { eip: regs.eip, esp: regs.esp, ebp: regs.ebp };
  let innermost = true;
  const unlinked = unlinkedCaller(session, regs.eip, regs.esp, regs.ebp, dword);
  if (unlinked !== undefined) {
    frames.push(unlinked);
    frame = unlinked;
    innermost = false;
  }
  while (frames.length < MAX_FRAMES) {
    const caller = callerOf(session, frame, innermost, dword);
    if (caller === undefined) break;
    frames.push(caller);
    frame = caller;
    innermost = false;
  }
  const interrupted = frames.length < MAX_FRAMES ? interruptedFrame(session, frame, innermost, dword) : undefined;
  if (interrupted !== undefined) frames.push(interrupted);
  return frames;
}

/**
 * The code an interrupt handler interrupted, when the walk ends in one. The handler is known only
 * by the IDT: the frame's routine must be an interrupt or trap gate's target, or the `jmp` target of
 * such a gate's stub (pushes, then a jmp, as most kernels' per-vector entries). Above the frame's
 * ESP (what the handler has pushed since) the first EIP, CS, EFLAGS triple the CPU could have
 * pushed is taken (SDM Vol. 3A §6.12.1, Figure 6-4): EIP in known code, CS a GDT code selector of
 * the handler's ring or an outer one, EFLAGS with its reserved bits as the CPU keeps them (bit 1
 * set; 3, 5, 15 and 22-31 clear). From an outer ring the interrupted ESP is the one pushed after
 * EFLAGS; from the same ring, ESP as it was before the pushes. An error code below EIP needs no
 * knowing: the search is for the triple. Nothing saved holds EBP, so the walk stops there.
 */
function interruptedFrame(
  session: GuestSession, frame: LinkedFrame, innermost: boolean, dword: (offset: number) => number | undefined,
): GuestFrame | undefined {
  const at = innermost ? frame.eip : (frame.eip - 1) >>> 0;
  const routine = session.symbols.routineStart(at);
  if (routine === undefined) return undefined;
  const vectors = gateVectors(session, routine);
  if (vectors.length === 0) return undefined;
  const cpl = session.systemRegisters().cpl;
  for (let slot = frame.esp; slot < frame.esp + SCAN_BYTES; slot += 4) {
    const [eip, cs, eflags] = [dword(slot >>> 0), dword((slot + 4) >>> 0), dword((slot + 8) >>> 0)];
    if (eip === undefined || cs === undefined || eflags === undefined) return undefined;
    if (!knownCode(session, eip) || !codeSelector(session, cs, cpl) || (eflags & EFLAGS_FIXED_MASK) !== EFLAGS_FIXED) continue;
    let esp = (slot + 12) >>> 0;
    if ((cs & 3) !== cpl) {
      const outer = dword(esp);
      if (outer === undefined) return undefined;
      esp = outer;
    }
    return { eip, esp, interrupt: interruptName(vectors) };
  }
  return undefined;
}

/** EFLAGS bits the CPU keeps fixed (bit 1 set; 3, 5, 15, 22-31 clear: SDM Vol. 1 §3.4.3) and their values. */
const EFLAGS_FIXED_MASK = 0xffc0802a;
const EFLAGS_FIXED = 0x2;
const JMP_REL32 = 0xe9;
const JMP_REL8 = 0xeb;

function interruptName(vectors: readonly number[]): string {
  if (vectors.length > 1) return vectors.every((v) => v < 32) ? '<exception>' : '<interrupt>';
  const v = vectors[0];
  const name = VECTOR_NAMES[v];
  return v < 32 && name !== undefined ? `<exception ${name}>` : `<interrupt 0x${v.toString(16)}>`;
}

/**
 * The vectors whose IDT gate (interrupt or trap, 32-bit: SDM Vol. 3A §6.11, Figure 6-2) leads to
 * `routine`: its offset is the routine, or a stub there of pushes ends in a jmp to it.
 */
function gateVectors(session: GuestSession, routine: number): number[] {
  const { idtr } = session.systemRegisters();
  const count = Math.min(256, Math.floor((idtr.limit + 1) / 8));
  if (count === 0) return [];
  const table = session.readMemory(idtr.base, count * 8).bytes;
  const csBase = session.segments()[1]?.base ?? 0;
  const out: number[] = [];
  for (let v = 0; v < Math.floor(table.length / 8); v++) {
    const g = table.subarray(v * 8, v * 8 + 8);
    const type = g[5] & 0x9f;
    // (Present, S = 0, type 0xE or 0xF: a 32-bit interrupt or trap gate.)
    if (type !== 0x8e && type !== 0x8f) continue;
    const target = (g[0] | (g[1] << 8) | (g[6] << 16) | (g[7] << 24)) >>> 0;
    if (target === routine || stubJumpTarget(session, (csBase + target) >>> 0) === routine) out.push(v);
  }
  return out;
}

/** Where a stub of at most four pushes (`push imm`, `push reg`) then a jmp jumps to; undefined for other code. */
function stubJumpTarget(session: GuestSession, address: number): number | undefined {
  const code = session.readMemory(address, 32).bytes;
  let i = 0;
  for (let pushes = 0; pushes <= 4 && i < code.length; pushes++) {
    const b = code[i];
    if (b === JMP_REL32 && i + 5 <= code.length) return (address + i + 5 + new DataView(code.buffer, code.byteOffset + i + 1, 4).getInt32(0, true)) >>> 0;
    if (b === JMP_REL8 && i + 2 <= code.length) return (address + i + 2 + ((code[i + 1] << 24) >> 24)) >>> 0;
    if (b === 0x6a) i += 2;
    else if (b === 0x68) i += 5;
    else if (b >= 0x50 && b <= 0x57) i += 1;
    else return undefined;
  }
  return undefined;
}

/** Whether `selector` names a present code segment in the GDT whose DPL equals its RPL, at ring `cpl` or outer. */
function codeSelector(session: GuestSession, selector: number, cpl: number): boolean {
  if (selector > 0xffff || (selector & 4) !== 0 || selector < 8 || (selector & 3) < cpl) return false;
  const { gdtr } = session.systemRegisters();
  if ((selector | 7) > gdtr.limit) return false;
  const d = session.readMemory((gdtr.base + (selector & ~7)) >>> 0, 8).bytes;
  if (d.length < 8) return false;
  const access = d[5];
  // (P = 1, S = 1, executable.)
  return (access & 0x98) === 0x98 && ((access >> 5) & 3) === (selector & 3);
}

/**
 * The caller of `frame`: through its EBP link when its routine sets up an EBP frame (or nothing
 * says what routine it is), else — a routine that keeps no frame, as most hand-written ones — the
 * first return address above its ESP whose call is to that routine (or through a pointer).
 */
function callerOf(
  session: GuestSession, frame: LinkedFrame, innermost: boolean, dword: (offset: number) => number | undefined,
): LinkedFrame | undefined {
  // (A caller's routine is the call's, the instruction before its return address.)
  const at = innermost ? frame.eip : (frame.eip - 1) >>> 0;
  const routine = session.symbols.routineStart(at);
  if (routine === undefined || keepsFrame(session, routine)) {
    const { ebp, esp } = frame;
    // A frame pointer below ESP (or none) is not a live frame of this stack.
    if (ebp === 0 || ebp < esp) return undefined;
    const callerEbp = dword(ebp);
    const ret = dword(ebp + 4);
    if (callerEbp === undefined || ret === undefined || !knownCode(session, ret)) return undefined;
    return { eip: ret, esp: (ebp + 8) >>> 0, ebp: callerEbp, via: 'ebp-chain' };
  }
  for (let slot = frame.esp; slot < frame.esp + SCAN_BYTES; slot += 4) {
    const ret = dword(slot >>> 0);
    if (ret === undefined) return undefined;
    if (!knownCode(session, ret)) continue;
    const call = callBefore(session, ret);
    if (call === undefined) continue;
    if (call.target !== undefined && (call.target > at || session.symbols.routineStart(call.target) !== routine)) continue;
    // (Such a routine leaves EBP as its caller had it.)
    return { eip: ret, esp: (slot + 4) >>> 0, ebp: frame.ebp, via: 'stack' };
  }
  return undefined;
}

/** Whether the routine starting at `routine` sets up an EBP frame: `push ebp; mov ebp, esp` (either encoding) or ENTER. */
function keepsFrame(session: GuestSession, routine: number): boolean {
  const csBase = session.segments()[1]?.base ?? 0;
  const b = session.readMemory((csBase + routine) >>> 0, 3).bytes;
  return b[0] === ENTER || (b[0] === PUSH_EBP && ((b[1] === 0x89 && b[2] === 0xe5) || (b[1] === 0x8b && b[2] === 0xec)));
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
): LinkedFrame | undefined {
  const csBase = session.segments()[1]?.base ?? 0;
  const code = session.readMemory((csBase + eip) >>> 0, 3).bytes;
  if (code[0] === RET || (code[0] === RET_IMM16 && code.length === 3)) {
    const ret = dword(esp);
    const popped = code[0] === RET ? 4 : 4 + (code[1] | (code[2] << 8));
    return ret !== undefined && knownCode(session, ret) ? { eip: ret, esp: (esp + popped) >>> 0, ebp, via: 'stack' } : undefined;
  }
  const routine = session.symbols.routineStart(eip);
  if (routine === undefined) return undefined;
  let found: LinkedFrame | undefined;
  /** The address a direct call before the return address must have called, for a `.local` label. */
  let called: number | undefined;
  if (eip === routine || session.symbols.symbolize(eip)?.includes('+') === false) {
    const ret = dword(esp);
    if (ret !== undefined) found = { eip: ret, esp: (esp + 4) >>> 0, ebp, via: 'stack' };
    if (eip !== routine) called = eip;
  } else if (eip === routine + 1 && session.readMemory((csBase + routine) >>> 0, 1).bytes[0] === PUSH_EBP) {
    const saved = dword(esp);
    const ret = dword(esp + 4);
    if (saved !== undefined && ret !== undefined) found = { eip: ret, esp: (esp + 8) >>> 0, ebp: saved, via: 'stack' };
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
