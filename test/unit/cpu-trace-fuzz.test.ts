// Differential fuzzing of the CPU's fast path: random guests made from a fixed-seed generator —
// loops, nested calls and returns, branches on every condition, pushes and pops, memory reads and
// writes (page-crossing, beyond the end of RAM, spread over TLB sets), self-modifying code, flag
// arithmetic of every size, traps and faults (#DE #UD #GP #PF with paging on, demand-mapped pages
// and stale TLB entries) — run through Cpu.run (blocks and traces) in batches of random size, with
// and without breakpoints, must leave exactly the state the same number of Cpu.step() calls leaves
// (the step path is the one the QEMU traces verify).

import { strict as assert } from 'node:assert';
import { assemble } from '../../core/src/asm/index';
import { Machine } from '../../core/src/machine/machine';
import { restoreSnapshot, takeSnapshot, type MachineSnapshot } from '../../core/src/runtime/machine-snapshot';
import type { Cpu } from '../../core/src/machine/cpu/cpu';

const RAM_BYTES = 2 << 20;
/** Pages 16 apart fall into one set of the default 64-entry 4-way TLB: accesses there evict. */
const WIDE = 0x130000;
/** With paging on: a page the guest maps on demand (its #PF handler sets P and retries) and unmaps again. */
const DEMAND = 0x1f0000;
/** With paging on: a read-only page; CR0.WP makes ring-0 writes to it #PF. */
const READ_ONLY = 0x1f1000;
const MAX_STEPS = 12_000;

/** xorshift32 (Marsaglia 2003): the same guests and batches on every run. */
class Rng {
  private s: number;
  constructor(seed: number) { this.s = (seed * 0x9e3779b9) >>> 0 || 1; }
  next(): number {
    let x = this.s;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  int(n: number): number { return this.next() % n; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  chance(p: number): boolean { return this.next() / 2 ** 32 < p; }
}

const DEST32 = ['eax', 'ebx', 'edx', 'esi', 'edi'];
const SRC32 = [...DEST32, 'ecx'];
const DEST16 = ['ax', 'bx', 'dx', 'si', 'di'];
const DEST8 = ['al', 'bl', 'dl', 'ah', 'bh', 'dh'];
const REG_NUMBER: Readonly<Record<string, number>> = { eax: 0, ecx: 1, edx: 2, ebx: 3, esp: 4, ebp: 5, esi: 6, edi: 7 };
const CONDITIONS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const SHIFTS = ['shl', 'shr', 'sar', 'rol', 'ror', 'rcl', 'rcr'];
const SPECIAL = [0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe];
const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/**
 * Writes one random guest as NASM source. Every emitter returns an estimate of the instructions
 * it runs, so loops and calls stay within a budget the test can afford.
 */
class GuestGenerator {
  private readonly out: string[] = [];
  private labels = 0;
  /** Estimated instructions of each function written so far, and whether it takes a stack argument. */
  private readonly functions: { cost: number; arg: boolean }[] = [];

  constructor(private readonly rng: Rng, private readonly paging: boolean) {}

  private label(): string { return `L${this.labels++}`; }
  private emit(...lines: string[]): void { this.out.push(...lines.map((l) => (l.endsWith(':') ? l : `    ${l}`))); }

  private imm(): number {
    const r = this.rng;
    return r.chance(0.4) ? r.pick(SPECIAL) : r.chance(0.3) ? r.int(64) : r.next();
  }

  /** A memory operand (no size keyword) and the instructions that prepare its address in EBP. */
  private mem(forWrite: boolean): string {
    const r = this.rng;
    switch (r.int(forWrite ? 6 : 7)) {
      case 0: return `[data + ${r.pick([0, 1, 0xffc, 0xffd, 0xffe, 0xfff, 0x1000, 0x1ffc, 0x1ffd])}]`;
      case 1: this.emit(`mov ebp, ${r.pick(SRC32)}`, `and ebp, ${r.pick(['0x1ffc', '0x1ff8', '0x1fff', '0xfff'])}`); return '[data + ebp]';
      case 2: this.emit(`mov ebp, ${r.pick(SRC32)}`, 'and ebp, 0x3ff'); return `[data + ebp*${r.pick([1, 2, 4, 8])} + ${r.int(8)}]`;
      case 3: return `[${hex(WIDE + r.int(12) * 0x10000 + r.pick([0, 0x40, 0xffc, 0xffe]))}]`;
      case 4: return `[${hex(RAM_BYTES - 1 - r.int(4))}]`;
      case 5: return `[esp - ${4 * (4 + r.int(8))}]`;
      default: return `[esp + ${4 * r.int(2)}]`;
    }
  }

  /** One instruction (or a short fixed sequence) that sets or reads flags and registers; no control flow. */
  private simple(): number {
    const r = this.rng;
    const d32 = r.pick(DEST32), s32 = r.chance(0.5) ? r.pick(SRC32) : hex(this.imm());
    switch (r.int(24)) {
      case 0: case 1: case 2: case 3: this.emit(`${r.pick(ALU)} ${d32}, ${s32}`); return 1;
      case 4: this.emit(`${r.pick(ALU)} ${r.pick(DEST16)}, ${r.chance(0.5) ? r.pick(DEST16) : hex(this.imm() & 0xffff)}`); return 1;
      case 5: this.emit(`${r.pick(ALU)} ${r.pick(DEST8)}, ${r.chance(0.5) ? r.pick(DEST8) : hex(this.imm() & 0xff)}`); return 1;
      case 6: this.emit(`${r.pick(['inc', 'dec', 'neg', 'not'])} ${r.pick([...DEST32, ...DEST32, ...DEST16, ...DEST8])}`); return 1;
      case 7: case 8: this.emit(`${r.pick(SHIFTS)} ${r.pick([d32, d32, r.pick(DEST16), r.pick(DEST8)])}, ${r.chance(0.25) ? 'cl' : r.pick([0, 1, 1, 2, 5, 7, 8, 15, 16, 31, 32, 33])}`); return 1;
      case 9: this.emit(`test ${d32}, ${s32}`); return 1;
      case 10: this.emit(`imul ${d32}, ${r.pick(SRC32)}${r.chance(0.5) ? `, ${hex(this.imm())}` : ''}`); return 1;
      case 11: this.emit(`${r.pick(['mul', 'imul'])} ${r.pick([...SRC32, 'bx', 'cx', 'bl', 'cl'])}`); return 1;
      case 12: this.emit(`set${r.pick(CONDITIONS)} ${r.pick(DEST8)}`); return 1;
      case 13: this.emit(`cmov${r.pick(CONDITIONS)} ${d32}, ${r.pick(SRC32)}`); return 1;
      case 14: this.emit('pushfd', `pop ${d32}`); return 2;
      case 15: this.emit(r.pick(['clc', 'stc', 'cmc', 'lahf', 'sahf', 'cld', 'std'])); return 1;
      case 16: this.emit('pushfd', `xor dword [esp], ${hex(r.int(0x1000) & 0x8d5)}`, 'popfd'); return 3;
      case 17: this.emit(`lea ${d32}, [${r.pick(SRC32)} + ${r.pick(SRC32)}*${r.pick([1, 2, 4, 8])} + ${hex(this.imm())}]`); return 1;
      case 18: this.emit(`mov ${d32}, ${s32}`); return 1;
      case 19: this.emit(r.chance(0.5) ? `bswap ${d32}` : `xchg ${d32}, ${r.pick(DEST32)}`); return 1;
      case 20: this.emit(`${r.pick(['bt', 'bts', 'btr', 'btc'])} ${d32}, ${r.chance(0.5) ? r.pick(SRC32) : r.int(40)}`); return 1;
      case 21: this.emit(`${r.pick(['bsf', 'bsr'])} ${d32}, ${r.pick(SRC32)}`); return 1;
      case 22: this.emit(`${r.pick(['movzx', 'movsx'])} ${d32}, ${r.pick([...DEST8, ...DEST16])}`); return 1;
      default: this.emit(r.pick(['cdq', 'cwde', 'cbw', 'cwd', 'nop'])); return 1;
    }
  }

  /**
   * A flag producer right before a consumer of the flags it leaves, on operands that are often
   * equal or one apart (where the conditions flip): inside a trace, the consumer reads what the
   * inline producer computed, or what it skipped when the flags are dead.
   */
  private flagPair(): number {
    const r = this.rng;
    const d = r.pick(DEST32), x = this.imm();
    let cost = 2;
    if (r.chance(0.6)) { this.emit(`mov ${d}, ${hex(x)}`); cost++; }
    const near = hex(x + r.pick([0, 0, 1, -1]));
    const other = (): string => r.pick([d, r.pick(SRC32), near, near]);
    // Sometimes two producers in a row: the first one's flags are dead.
    for (let p = r.chance(0.2) ? 2 : 1; p > 0; p--, cost++) {
      const k = r.int(20);
      if (k < 6) this.emit(`${r.pick(['add', 'or', 'and', 'sub', 'xor', 'cmp'])} ${d}, ${other()}`);
      else if (k < 11) this.emit(`${r.pick(['shl', 'shr', 'sar', 'rol', 'ror'])} ${d}, ${r.pick([1, 1, 1, 2, 31, 0])}`);
      else if (k < 14) this.emit(`${r.pick(['inc', 'dec'])} ${d}`);
      else if (k < 16) this.emit(`imul ${d}, ${r.pick([d, r.pick(SRC32)])}${r.chance(0.5) ? `, ${near}` : ''}`);
      else if (k < 18) this.emit(`test ${d}, ${other()}`);
      else this.emit(`${r.pick(['adc', 'sbb'])} ${d}, ${other()}`);
    }
    // The comparisons half the time: their formulas differ exactly on equal and adjacent operands.
    const cc = r.chance(0.5) ? r.pick(['b', 'ae', 'be', 'a', 'l', 'ge', 'le', 'g']) : r.pick(CONDITIONS);
    const k = r.int(20);
    if (k < 7) {
      const skip = this.label();
      this.emit(`j${cc} ${skip}`);
      cost += this.simple();
      this.emit(`${skip}:`);
    } else if (k < 14) {
      // PUSHF sees all six status flags.
      this.emit('pushfd', `pop ${r.pick(DEST32)}`);
      cost++;
    } else if (k < 16) this.emit(`set${cc} ${r.pick(DEST8)}`);
    else if (k < 18) this.emit(`cmov${cc} ${r.pick(DEST32)}, ${r.pick(SRC32)}`);
    else this.emit(`${r.pick(['adc', 'sbb'])} ${r.pick(DEST32)}, ${r.pick(SRC32)}`);
    return cost;
  }

  /** A data access: loads, stores, read-modify-write, string stores; some cross pages or leave RAM. */
  private memory(): number {
    const r = this.rng;
    const before = this.out.length;
    const d32 = r.pick(DEST32);
    let repeated = 0;
    switch (r.int(9)) {
      case 0: case 1: this.emit(`mov ${d32}, dword ${this.mem(false)}`); break;
      case 2: this.emit(`mov dword ${this.mem(true)}, ${r.chance(0.7) ? r.pick(SRC32) : hex(this.imm())}`); break;
      case 3: this.emit(`${r.pick(ALU)} dword ${this.mem(true)}, ${r.chance(0.5) ? r.pick(SRC32) : hex(this.imm())}`); break;
      case 4: this.emit(`${r.pick(ALU)} ${d32}, dword ${this.mem(false)}`); break;
      case 5: this.emit(`${r.pick(['movzx', 'movsx'])} ${d32}, ${r.pick(['byte', 'word'])} ${this.mem(false)}`); break;
      case 6: this.emit(`mov ${r.pick(DEST8)}, byte ${this.mem(false)}`); this.emit(`mov word ${this.mem(true)}, ${r.pick(DEST16)}`); break;
      case 7: this.emit(`${r.pick(['inc', 'dec', 'not', 'neg'])} ${r.pick(['byte', 'word', 'dword'])} ${this.mem(true)}`); break;
      default: {
        const stos = r.chance(0.5);
        repeated = 40;
        this.emit('push ecx', 'push edi', 'push esi', `lea edi, [data + ${hex(0x800 + r.int(0x800))}]`, 'lea esi, [edi + 0x400]',
          `mov ecx, ${r.int(40)}`, `rep ${stos ? r.pick(['stosb', 'stosd']) : r.pick(['movsb', 'movsd'])}`, 'pop esi', 'pop edi', 'pop ecx');
      }
    }
    return this.out.length - before + repeated;
  }

  /** Code that rewrites code: an immediate or opcode ahead of or behind the write, often inside a loop. */
  private selfModifying(depth: number): number {
    const r = this.rng;
    const site = this.label();
    const reg = r.pick(DEST32);
    const patch = r.pick([
      `mov dword [${site} + 1], ${r.pick(SRC32)}`, `mov byte [${site} + ${1 + r.int(4)}], ${r.pick(DEST8)}`,
      `xor byte [${site}], 8`, `add word [${site} + 2], ${r.pick(DEST16)}`,
    ]);
    // Immediates are patched in a MOV r32, imm32 site (B8+r); XOR 8 patches the opcode of an INC
    // r32 site (40+r), turning it into DEC r32 (48+r) and back at each pass.
    const opcode = patch.startsWith('xor byte');
    const siteLines = opcode ? [`${site}:`, `db ${hex(0x40 + REG_NUMBER[reg])}`] : [`${site}:`, `db ${hex(0xb8 + REG_NUMBER[reg])}`, `dd ${hex(this.imm())}`];
    let cost = 2;
    if (r.chance(0.5)) {
      this.emit(patch);
      cost += this.items(depth + 1, r.int(3));
      this.emit(...siteLines);
    } else {
      this.emit(...siteLines);
      cost += this.items(depth + 1, r.int(3));
      this.emit(patch);
    }
    if (r.chance(0.3)) {
      // A conditional jump whose condition is flipped in place (74 ↔ 75).
      const jump = this.label(), over = this.label();
      this.emit(`xor byte [${jump}], 1`, `${jump}:`, `jz short ${over}`);
      cost += 2 + this.simple();
      this.emit(`${over}:`);
    }
    return cost;
  }

  /** An instruction that faults, preceded by the address the guest's handlers resume at. */
  private fault(): number {
    const r = this.rng;
    const resume = this.label();
    this.emit(`mov dword [resume], ${resume}`);
    const kinds = ['div', 'idiv', 'ud2', 'limit', 'selector', 'trap'];
    if (this.paging) kinds.push('read-only', 'demand', 'demand');
    switch (r.pick(kinds)) {
      case 'div': this.emit(r.pick(['xor edx, edx', 'mov edx, 3', 'cdq']), `mov ebp, ${r.pick(SRC32)}`, `and ebp, ${r.pick(['0', '0xff', '0xffffffff'])}`, `div ${r.pick(['ebp', 'bp', 'bl', 'cl'])}`); break;
      case 'idiv': this.emit('cdq', `mov ebp, ${r.pick(SRC32)}`, `or ebp, ${r.pick(['1', '0xffffffff'])}`, `idiv ${r.pick(['ebp', 'bp', 'bh'])}`); break;
      case 'ud2': this.emit('ud2'); break;
      case 'limit': this.emit(`mov ${r.pick(DEST32)}, [0xfffffffe]`); break;
      case 'selector': this.emit(`mov bp, ${hex(0x1238 + 8 * r.int(8))}`, `mov ${r.pick(['es', 'fs', 'gs'])}, bp`); break;
      case 'trap': this.emit(r.pick(['int3', 'int 0x30', 'into', 'int 0x30'])); break;
      case 'read-only': this.emit(`mov dword [${hex(READ_ONLY + r.int(0xffc))}], ${r.pick(SRC32)}`); break;
      default: {
        // The handler maps the page and the access retries; then, sometimes, the page is unmapped
        // again: with INVLPG, with a CR3 reload, or not at all (the stale TLB entry keeps translating).
        this.emit(r.chance(0.5) ? `mov ${r.pick(DEST32)}, [${hex(DEMAND + r.int(0xffc))}]` : `add dword [${hex(DEMAND + r.int(0xffc))}], ${r.pick(SRC32)}`);
        if (r.chance(0.6)) {
          this.emit(`and dword [pt0 + ${(DEMAND >>> 12) * 4}], ~1`);
          this.emit(...r.pick([[`invlpg [${hex(DEMAND)}]`], ['mov ebp, cr3', 'mov cr3, ebp'], []]));
        }
      }
    }
    this.emit(`${resume}:`);
    return 6;
  }

  /** `count` random items; `depth` bounds nesting of loops and conditionals. */
  private items(depth: number, count: number): number {
    let cost = 0;
    for (let i = 0; i < count; i++) cost += this.item(depth);
    return cost;
  }

  private item(depth: number): number {
    const r = this.rng;
    const k = r.int(100);
    if (k < 26) return this.simple();
    if (k < 38) return this.flagPair();
    if (k < 58) return this.memory();
    if (k < 64) {
      const a = r.pick(SRC32), b = r.pick(DEST32);
      this.emit(`push ${r.chance(0.8) ? a : hex(this.imm())}`);
      const cost = this.items(depth + 1, r.int(3));
      this.emit(`pop ${b}`);
      return cost + 2;
    }
    if (k < 70 && depth < 3) return this.selfModifying(depth);
    if (k < 76) return this.fault();
    if (k < 84 && depth < 2) return this.conditional(depth);
    if (k < 91 && depth < 2) return this.loop(depth);
    if (k < 96 && this.functions.length > 0) return this.call();
    if (k < 96) return this.returnElsewhere();
    if (k < 97) return this.segmentAccess();
    if (k < 98) return this.runtimeCode();
    if (k < 99 && depth < 2) {
      // A few instructions with TF set: each is followed by a #DB trap (the handler counts it).
      this.emit('pushfd', 'or dword [esp], 0x100', 'popfd');
      const cost = this.items(depth + 1, 1 + r.int(3));
      this.emit('pushfd', 'and dword [esp], ~0x100', 'popfd');
      return 2 * cost + 8;
    }
    return this.simple();
  }

  private conditional(depth: number): number {
    const r = this.rng;
    const skip = this.label();
    if (r.chance(0.5)) this.emit(`${r.pick(['cmp', 'test', 'sub', 'add'])} ${r.pick(DEST32)}, ${r.chance(0.5) ? r.pick(SRC32) : hex(this.imm())}`);
    this.emit(`j${r.pick(CONDITIONS)} ${skip}`);
    let cost = 2 + this.items(depth + 1, 1 + r.int(4));
    if (r.chance(0.4)) {
      const end = this.label();
      this.emit(`jmp ${end}`, `${skip}:`);
      cost += this.items(depth + 1, 1 + r.int(3));
      this.emit(`${end}:`);
    } else {
      this.emit(`${skip}:`);
    }
    return cost;
  }

  private loop(depth: number): number {
    const r = this.rng;
    const head = this.label();
    // Cpu.run builds a block once its first instruction was entered 8 times: most loops get there.
    const n = depth === 0 ? 6 + r.int(30) : 2 + r.int(10);
    this.emit('push ecx', `mov ecx, ${n}`, `${head}:`);
    // Most loops are dense flag producer/consumer pairs with some faults and mispredicted
    // returns, so that many of them run inside traces.
    let body = 2;
    if (r.chance(0.7)) {
      for (let i = 0, pairs = 3 + r.int(10); i < pairs; i++) {
        const k = r.int(20);
        body += k < 2 ? this.returnElsewhere() : k < 4 ? this.fault() : k < 5 ? this.runtimeCode() : k < 6 ? this.segmentAccess() : this.flagPair();
      }
    } else {
      body += this.items(depth + 1, 1 + r.int(6));
    }
    switch (r.int(4)) {
      case 0: this.emit('dec ecx', `jnz ${head}`); break;
      case 1: this.emit('sub ecx, 1', `ja ${head}`); break;
      case 2: this.emit('dec ecx', 'test ecx, ecx', `jg ${head}`); break;
      default: {
        // LOOP reaches only ±128 bytes: it jumps to a JMP back to the head.
        const back = this.label(), out = this.label();
        this.emit(`loop ${back}`, `jmp ${out}`, `${back}:`, `jmp ${head}`, `${out}:`);
      }
    }
    this.emit('pop ecx');
    return n * body + 3;
  }

  private call(): number {
    const r = this.rng;
    // Calls go to earlier functions only (no recursion); costly ones are skipped.
    const j = r.int(this.functions.length);
    const f = this.functions[j];
    if (f.cost > 1500) return this.simple();
    if (f.arg) this.emit(`push ${r.chance(0.5) ? r.pick(SRC32) : hex(this.imm())}`);
    this.emit(`call f${j}`);
    return f.cost + 2;
  }

  /**
   * A call whose callee moves its return address one byte on (past an INC) when a register bit is
   * set: the RET of a trace goes elsewhere than the trace's CALL expected.
   */
  private returnElsewhere(): number {
    const r = this.rng;
    const callee = this.label(), end = this.label();
    const skip = this.label();
    this.emit(`call ${callee}`, `db ${hex(0x40 + REG_NUMBER[r.pick(DEST32)])}`, `jmp ${end}`,
      `${callee}:`, `test ${r.pick(SRC32)}, ${1 << r.int(4)}`, `jz ${skip}`, 'add dword [esp], 1', `${skip}:`, 'ret', `${end}:`);
    return 6;
  }

  /**
   * Code written at run time into a page that held only data: a dword store makes `INC r; RET`
   * or `DEC r; RET` (by the low bit of ECX, which loops count down) at `jit`, and the guest calls
   * it. A store to the dword after it comes first: the code page is then cached for stores.
   */
  private runtimeCode(): number {
    const r = this.rng;
    const reg = REG_NUMBER[r.pick(DEST32)];
    const at = `jit + ${8 * r.int(64)}`;
    this.emit('mov ebp, ecx', 'and ebp, 1', 'shl ebp, 3', `or ebp, ${hex(0x9090c340 + reg)}`, `mov [${at} + 4], ebp`, `mov [${at}], ebp`, `call ${at}`);
    return 9;
  }

  /**
   * A dword access through FS or GS, loaded first with the loader's flat data segment (0x10) or,
   * when ECX is odd, its 16-bit one (0x20: limit 0xFFFF, so offsets beyond give #GP).
   */
  private segmentAccess(): number {
    const r = this.rng;
    const resume = this.label(), flat = this.label();
    const seg = r.pick(['fs', 'gs']);
    this.emit(`mov dword [resume], ${resume}`, 'mov bp, 0x10', 'test ecx, 1', `jz ${flat}`, 'mov bp, 0x20', `${flat}:`, `mov ${seg}, bp`);
    const at = r.chance(0.5) ? `data + ${4 * r.int(0x800)}` : hex(0x8000 + 4 * r.int(0x2000));
    this.emit(r.chance(0.5) ? `mov ${r.pick(DEST32)}, [${seg}:${at}]` : `mov [${seg}:${at}], ${r.pick(SRC32)}`, `${resume}:`);
    return 8;
  }

  /** The whole guest: multiboot header, IDT, optional paging, functions, main loop, exit. */
  generate(functionCount: number): string {
    const r = this.rng;
    this.emit('bits 32', 'org 0x100000', 'header:', 'dd 0x1BADB002, 0x00010000, -(0x1BADB002 + 0x00010000)',
      'dd header, 0x100000, load_end, bss_end, start', 'start:', 'mov esp, stack_top');
    // Every exception goes to a handler: faults resume at [resume], traps return, #PF maps the demand page.
    const handlers: Record<number, string> = { 0: 'fault_plain', 1: 'trap', 3: 'trap', 4: 'trap', 6: 'fault_plain', 13: 'fault_code', 14: 'page_fault', 0x30: 'trap' };
    for (let v = 0; v <= 0x30; v++) {
      if (v >= 32 && v !== 0x30) continue;
      this.emit(`mov eax, ${handlers[v] ?? 'unexpected'}`, `mov [idt + ${v * 8}], ax`, `mov word [idt + ${v * 8 + 2}], cs`,
        `mov word [idt + ${v * 8 + 4}], 0x8e00`, 'shr eax, 16', `mov [idt + ${v * 8 + 6}], ax`);
    }
    this.emit('lidt [idtr]');
    if (this.paging) {
      this.emit('mov edi, pt0', 'mov eax, 3', 'mov ecx, 1024', 'map:', 'mov [edi], eax', 'add eax, 0x1000', 'add edi, 4', 'dec ecx', 'jnz map',
        `and dword [pt0 + ${(DEMAND >>> 12) * 4}], ~1`, `and dword [pt0 + ${(READ_ONLY >>> 12) * 4}], ~2`,
        'mov eax, pt0', 'or eax, 3', 'mov [pd], eax', 'mov eax, pd', 'mov cr3, eax', 'mov eax, cr0', 'or eax, 0x80010000', 'mov cr0, eax');
    }
    for (const reg of [...DEST32, 'ecx']) this.emit(`mov ${reg}, ${hex(this.imm())}`);
    this.emit('mov ecx, 6', 'passes:', 'push ecx', 'call main', 'pop ecx', 'loop passes', 'mov eax, [fault_count]', 'add eax, [trap_count]', 'out 0xf4, al', 'cli', 'hlt');
    for (let f = 0; f <= functionCount; f++) {
      const main = f === functionCount;
      const arg = !main && r.chance(0.3);
      this.emit(main ? 'main:' : `f${f}:`);
      if (arg) this.emit(`xor ${r.pick(DEST32)}, [esp + 4]`);
      const cost = this.items(0, main ? 30 : 4 + r.int(10));
      this.emit(arg ? 'ret 4' : 'ret');
      if (!main) this.functions.push({ cost, arg });
    }
    this.emit(
      'fault_code:', 'add esp, 4',
      'fault_plain:', 'push eax', 'mov eax, [resume]', 'mov [esp + 4], eax', 'pop eax', 'inc dword [fault_count]', 'iretd',
      'trap:', 'inc dword [trap_count]', 'iretd',
      'page_fault:', 'push eax', 'mov eax, cr2', 'and eax, 0xfffff000', `cmp eax, ${hex(DEMAND)}`, 'pop eax', 'jne fault_code',
      `or dword [pt0 + ${(DEMAND >>> 12) * 4}], 1`, 'add esp, 4', 'iretd',
      'unexpected:', 'cli', 'hlt',
      'idtr:', 'dw 0x30 * 8 + 7', 'dd idt',
      'load_end:', 'section .bss', 'alignb 4096', 'pd: resb 4096', 'pt0: resb 4096', 'data: resb 8192', 'resb 4096', 'idt: resb 4096', 'jit: resb 4096',
      'resume: resd 1', 'fault_count: resd 1', 'trap_count: resd 1', 'alignb 4096', 'resb 8192', 'stack_top:', 'bss_end:');
    return this.out.join('\n') + '\n';
  }
}

/** What a later instruction or a debugger can see (the perf-invariants test's list, flags unmaterialised). */
function state(m: Machine): unknown {
  const c = m.cpu;
  return {
    regs: Array.from(c.regs), eip: c.eip, eflags: c.computedFlags() >>> 0, instret: c.instret, condition: c.condition,
    sel: Array.from(c.segSel), base: Array.from(c.segBase), limit: Array.from(c.segLimit), cpl: c.cpl,
    cr: [c.cr0, c.cr2, c.cr3, c.cr4], dr6: c.dr[6], shadow: c.interruptShadow, fault: c.fault, faultCode: c.faultCode,
    lastVector: c.lastVector, last: c.lastInstruction?.spec?.mnemonic ?? null,
    tlb: { ...m.mmu.tlb.counters }, mmu: { ...m.mmu.counters }, exit: m.debugExit.request,
  };
}

function sameMemory(a: Machine, b: Machine, from: number, to: number, where: string): void {
  for (let pa = from; pa < to; pa += 4) {
    if (a.memory.read32(pa) !== b.memory.read32(pa)) assert.fail(`${where}: RAM differs at 0x${pa.toString(16)}`);
  }
}

function guest(seed: number, paging: boolean): Uint8Array {
  const text = new GuestGenerator(new Rng(seed), paging).generate(6);
  const r = assemble({ file: `/fuzz-${seed}.asm`, text, host: { readFile: () => undefined } });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => d.message), [], `seed ${seed}: the generated guest assembles`);
  return r.image;
}

function boot(image: Uint8Array): Machine {
  const r = Machine.fromMultiboot(image, { memoryBytes: RAM_BYTES });
  assert.ok(r.ok);
  return r.machine;
}

type DwordAccess = { read32(s: number, off: number): number; write32(s: number, off: number, v: number): void };

/**
 * The reference: a machine whose dword accesses all take the CPU's slow path (segment checks,
 * TLB lookup, physical memory), never its data pages, so that the comparison checks those too.
 */
function bootReference(image: Uint8Array): Machine {
  const m = boot(image);
  const cpu = m.cpu as unknown as DwordAccess & { read32Slow: DwordAccess['read32']; write32Slow: DwordAccess['write32'] };
  const { read32Slow, write32Slow } = cpu;
  cpu.read32 = (s, off) => read32Slow.call(cpu, s, off);
  cpu.write32 = (s, off, v) => write32Slow.call(cpu, s, off, v);
  return m;
}

/** EIPs the guest executes (from a stepped pre-run), for breakpoints that will be hit. */
function executedEips(image: Uint8Array, steps: number): number[] {
  const m = boot(image);
  const seen = new Set<number>();
  for (let i = 0; i < steps && m.cpu.condition === 'running'; i++) { seen.add(m.cpu.eip); m.cpu.step(); }
  return [...seen];
}

const BATCHES = [1, 1, 2, 3, 5, 7, 16, 50, 64, 200, 1000, 5000];

/**
 * Runs one guest through Cpu.run in batches of random size and through as many step() calls,
 * comparing after every batch (RAM of the guest's own pages every few batches, all RAM at the end).
 */
function differential(seed: number, paging: boolean, withBreakpoints: boolean): { steps: number; blocks: number; end: string } {
  const image = guest(seed, paging);
  const rng = new Rng(seed ^ 0x5bd1e995);
  const ran = boot(image), stepped = bootReference(image);
  if (withBreakpoints) {
    const eips = executedEips(image, MAX_STEPS);
    ran.cpu.breakpoints.sync(new Set(Array.from({ length: 12 }, () => rng.pick(eips))));
  }
  let steps = 0, batches = 0, blocks = 0;
  let snaps: [MachineSnapshot, MachineSnapshot] | null = null;
  const where = (): string => `seed ${seed}${paging ? ' (paging)' : ''}${withBreakpoints ? ' (breakpoints)' : ''}, after ${steps} steps`;
  while (steps < MAX_STEPS && ran.cpu.condition === 'running') {
    const batch = rng.pick(BATCHES);
    // Either budget may be the one that ends the batch, and the run may be allowed to stop early.
    const early = rng.chance(0.3);
    const n = rng.chance(0.5) ? ran.cpu.run(ran.cpu.instret + batch, batch, false, early) : ran.cpu.run(ran.cpu.instret + batch, batch + rng.int(8), false, early);
    assert.ok(n >= 1 && n <= batch + 8, `${where()}: run() took ${n} steps for a batch of ${batch}`);
    for (let i = 0; i < n; i++) stepped.cpu.step();
    steps += n;
    assert.deepEqual(state(ran), state(stepped), where());
    // Now and then both machines are snapshotted, or rewound to their last snapshots (frames
    // shared copy-on-write and replaced behind the CPU's back).
    if (batches % 24 === 23) {
      if (snaps !== null && rng.chance(0.5)) { restoreSnapshot(ran, snaps[0]); restoreSnapshot(stepped, snaps[1]); }
      else snaps = [takeSnapshot(ran), takeSnapshot(stepped)];
    }
    if (++batches % 32 === 0) {
      blocks = Math.max(blocks, blocksBuilt(ran.cpu));
      sameMemory(ran, stepped, 0x100000, 0x120000, where());
      assert.deepEqual(ran.mmu.tlb.entries(), stepped.mmu.tlb.entries(), `${where()}: TLB entries`);
    }
  }
  sameMemory(ran, stepped, 0, RAM_BYTES, where());
  assert.deepEqual(ran.mmu.tlb.entries(), stepped.mmu.tlb.entries(), `${where()}: TLB entries`);
  blocks = Math.max(blocks, blocksBuilt(ran.cpu));
  return { steps, blocks, end: `${ran.cpu.condition} at 0x${ran.cpu.eip.toString(16)}, exit ${JSON.stringify(ran.debugExit.request)}` };
}

/** Blocks the fast path built in the guest's code pages (the code cache is private: looked at for coverage only). */
function blocksBuilt(cpu: Cpu): number {
  const pages = (cpu as unknown as { code: { pages: (({ block: unknown } | undefined)[] | undefined)[] } }).code.pages;
  let n = 0;
  for (let f = 0x100; f < 0x110; f++) for (const c of pages[f] ?? []) if (c !== undefined && c.block !== null) n++;
  return n;
}

describe('CPU trace engine: random guests run through Cpu.run leave what Cpu.step leaves', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const paging = seed % 2 === 0;
    const withBreakpoints = seed % 3 === 0;
    it(`seed ${seed}${paging ? ', paging on' : ''}${withBreakpoints ? ', with breakpoints' : ''}`, () => {
      const { steps, blocks, end } = differential(seed, paging, withBreakpoints);
      assert.ok(steps > 1000, `seed ${seed}: only ${steps} steps ran (${end})`);
      assert.ok(blocks > 0, `seed ${seed}: no block was built`);
    });
  }

  it('Machine.run (exact and paced) leaves what the same run with a step observer leaves', () => {
    const image = guest(101, true);
    const fast = boot(image), watched = boot(image);
    for (const budget of [777, 5000, 20000, 3333, 70000]) {
      // A paced run may end short of its budget: the watched run is given what it ran.
      const paced = budget % 1000 !== 0 && budget !== 777;
      const a = fast.run(budget, { paced });
      const b = watched.run(fast.cpu.instret - watched.cpu.instret, { observer: { afterStep: () => false } });
      assert.deepEqual(a, b);
      // lastVector is per-step information for step observers, which only the watched path resets.
      assert.deepEqual({ ...(state(fast) as object), lastVector: 0 }, { ...(state(watched) as object), lastVector: 0 }, `after a budget of ${budget}`);
    }
    sameMemory(fast, watched, 0, RAM_BYTES, 'Machine.run');
  });
});
