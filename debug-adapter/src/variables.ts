// Register scopes as DAP variables: general registers, EFLAGS bit by bit (SDM Vol. 1 §3.4.3),
// segment registers with their hidden descriptor parts (Vol. 3A §3.4.3), and system registers
// (CR0–CR4 decoded per Vol. 3A §2.5, GDTR/IDTR/TR/LDTR, CPL, TSC). Variable handles live here.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ExceptionEvent } from '../../core/src/runtime/events';
import type { GuestSession } from '../../core/src/runtime/session';
import { formatAddress } from './addresses';
import { errorCodeFields } from './exception-info';

export type Container =
  | { readonly kind: 'general' }
  | { readonly kind: 'eflags' }
  | { readonly kind: 'segments' }
  | { readonly kind: 'segment'; readonly index: number }
  | { readonly kind: 'system' }
  | { readonly kind: 'control'; readonly name: 'cr0' | 'cr3' | 'cr4' }
  | { readonly kind: 'table'; readonly name: 'gdtr' | 'idtr' | 'ldtr' | 'tr' }
  | { readonly kind: 'frame'; readonly eip: number; readonly esp: number; readonly ebp?: number }
  | { readonly kind: 'exception'; readonly event: ExceptionEvent }
  | { readonly kind: 'errorCode'; readonly vector: number; readonly code: number };

/** Bit names of CR0 and CR4 (SDM Vol. 3A §2.5, Figure 2-7) and the CR3 fields of 32-bit paging. */
const CR0_BITS: readonly [number, string][] = [[0, 'PE'], [1, 'MP'], [2, 'EM'], [3, 'TS'], [4, 'ET'], [5, 'NE'], [16, 'WP'], [18, 'AM'], [29, 'NW'], [30, 'CD'], [31, 'PG']];
const CR4_BITS: readonly [number, string][] = [[0, 'VME'], [1, 'PVI'], [2, 'TSD'], [3, 'DE'], [4, 'PSE'], [5, 'PAE'], [6, 'MCE'], [7, 'PGE'], [8, 'PCE'], [9, 'OSFXSR'], [10, 'OSXMMEXCPT']];
const CR3_BITS: readonly [number, string][] = [[3, 'PWT'], [4, 'PCD']];
const FLAG_ORDER = ['cf', 'pf', 'af', 'zf', 'sf', 'tf', 'if', 'df', 'of', 'iopl', 'nt', 'rf', 'vm', 'ac', 'id'] as const;
const GENERAL = ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'esp', 'eip', 'eflags'] as const;

/** The first handle given (the library's Handles start there too). */
const FIRST_HANDLE = 1000;

export interface Formatting {
  readonly hex: boolean;
}

export class RegisterVariables {
  /**
   * The handles given in this stop. They live for one stop (DAP "Lifetime of Object References")
   * and are never given twice, so one kept from an earlier stop names nothing now: not whichever
   * container took its number in this one.
   */
  private readonly containers = new Map<number, Container>();
  private nextHandle = FIRST_HANDLE;
  private firstOfStop = FIRST_HANDLE;

  constructor(private session: () => GuestSession) {}

  reset(): void {
    this.containers.clear();
    this.firstOfStop = this.nextHandle;
  }

  container(handle: number): Container | undefined {
    return this.containers.get(handle);
  }

  private handle(c: Container): number {
    this.containers.set(this.nextHandle, c);
    return this.nextHandle++;
  }

  /** Why `handle` names no container now: given in an earlier stop, or never. */
  unknown(handle: number): string {
    if (Number.isInteger(handle) && handle >= FIRST_HANDLE && handle < this.firstOfStop) {
      return `variables reference ${handle} is from an earlier stop: references last only while the guest stays stopped where they were given; ask for the scopes again`;
    }
    return `unknown variables reference ${handle}`;
  }

  scopes(frameIndex: number, frame: { eip: number; esp: number; ebp?: number } | undefined): DebugProtocol.Scope[] {
    const scope = (name: string, c: Container, count: number, expensive = false): DebugProtocol.Scope =>
      ({ name, variablesReference: this.handle(c), namedVariables: count, expensive, presentationHint: 'registers' });
    if (frameIndex > 0 && frame !== undefined) {
      // Only the innermost frame has live registers; a caller's are the ones unwinding recovers (stack.ts), as evaluate in it reads them.
      return [{ name: 'Frame', variablesReference: this.handle({ kind: 'frame', ...frame }), namedVariables: frame.ebp !== undefined ? 3 : 2, expensive: false, presentationHint: 'locals' }];
    }
    return [
      scope('General registers', { kind: 'general' }, GENERAL.length),
      scope('EFLAGS', { kind: 'eflags' }, FLAG_ORDER.length),
      scope('Segments', { kind: 'segments' }, 6),
      scope('System', { kind: 'system' }, 11),
    ];
  }

  /** The synthetic faulting-instruction frame: what was delivered, not live registers (the CPU is in the handler). */
  exceptionScopes(e: ExceptionEvent): DebugProtocol.Scope[] {
    const count = 4 + (e.errorCode !== undefined ? 1 : 0) + (e.qualification !== undefined ? 1 : 0);
    return [{ name: 'Exception', variablesReference: this.handle({ kind: 'exception', event: e }), namedVariables: count, expensive: false, presentationHint: 'locals' }];
  }

  variables(c: Container, fmt: Formatting): DebugProtocol.Variable[] {
    const s = this.session();
    switch (c.kind) {
      case 'general': {
        const r = s.registers();
        return GENERAL.map((name) => this.value(name.toUpperCase(), r[name], fmt, name, name !== 'eflags'));
      }
      case 'eflags': {
        const f = s.eflags();
        return FLAG_ORDER.map((name) => {
          const v = f[name];
          const n = typeof v === 'boolean' ? (v ? 1 : 0) : v;
          return { name: name.toUpperCase(), value: String(n), evaluateName: name, variablesReference: 0 };
        });
      }
      case 'segments':
        return s.segments().map((seg, index) => ({
          name: seg.name.toUpperCase(), value: hex16(seg.selector), evaluateName: seg.name, type: 'selector',
          variablesReference: this.handle({ kind: 'segment', index }), namedVariables: 10,
        }));
      case 'segment': {
        const seg = s.segments()[c.index];
        if (seg === undefined) return [];
        return [
          this.value('base', seg.base, fmt, undefined, true),
          this.value('limit', seg.limit, fmt),
          plain('index', String(seg.index)),
          plain('table', seg.ldt ? 'LDT' : 'GDT'),
          plain('RPL', String(seg.rpl)),
          plain('DPL', String(seg.dpl)),
          plain('type', segmentType(seg.codeOrData, seg.type)),
          plain('present', String(seg.present)),
          plain('D/B', seg.big ? '32-bit' : '16-bit'),
          this.value('attributes', seg.attributes, { hex: true }),
        ];
      }
      case 'system': {
        const r = s.systemRegisters();
        const cpu = s.machine.cpu;
        const tsc = cpu.instret + cpu.tscOffset;
        return [
          { ...this.value('CR0', r.cr0, { hex: true }, 'cr0'), variablesReference: this.handle({ kind: 'control', name: 'cr0' }), value: `${formatAddress(r.cr0)} ${bitNames(r.cr0, CR0_BITS)}` },
          this.value('CR2', r.cr2, { hex: true }, 'cr2', true),
          { ...this.value('CR3', r.cr3, { hex: true }, 'cr3'), variablesReference: this.handle({ kind: 'control', name: 'cr3' }) },
          { ...this.value('CR4', r.cr4, { hex: true }, 'cr4'), variablesReference: this.handle({ kind: 'control', name: 'cr4' }), value: `${formatAddress(r.cr4)} ${bitNames(r.cr4, CR4_BITS)}` },
          this.table('GDTR', 'gdtr', r.gdtr.base, r.gdtr.limit),
          this.table('IDTR', 'idtr', r.idtr.base, r.idtr.limit),
          this.table('LDTR', 'ldtr', r.ldtr.base, r.ldtr.limit, r.ldtr.selector),
          this.table('TR', 'tr', r.tr.base, r.tr.limit, r.tr.selector),
          { name: 'CPL', value: String(r.cpl), evaluateName: 'cpl', variablesReference: 0 },
          { name: 'TSC', value: fmt.hex ? `0x${tsc.toString(16)}` : String(tsc), variablesReference: 0 },
          { name: 'instructions', value: String(cpu.instret), variablesReference: 0 },
        ];
      }
      case 'control': {
        const r = s.systemRegisters();
        const v = r[c.name];
        if (c.name === 'cr3') {
          return [
            this.value('page directory', (v & 0xffff_f000) >>> 0, { hex: true }, undefined, true),
            ...CR3_BITS.map(([bit, name]) => plain(name, String((v >>> bit) & 1))),
          ];
        }
        return (c.name === 'cr0' ? CR0_BITS : CR4_BITS).map(([bit, name]) => plain(name, String((v >>> bit) & 1)));
      }
      case 'table': {
        const r = s.systemRegisters();
        const t = r[c.name];
        const out = [this.value('base', t.base, { hex: true }, undefined, true), this.value('limit', t.limit, { hex: true })];
        if ('selector' in t) out.unshift(plain('selector', hex16(t.selector)));
        return out;
      }
      case 'frame':
        // (Interrupted code's frame has no EBP: the CPU does not save it.)
        return [this.value('EIP', c.eip, { hex: true }, 'eip'), this.value('ESP', c.esp, { hex: true }, 'esp', true),
          ...(c.ebp !== undefined ? [this.value('EBP', c.ebp, { hex: true }, 'ebp', true)] : [])];
      case 'exception': {
        const e = c.event;
        const out = [plain('vector', `${e.vector} (${e.name})`), plain('type', e.type)];
        if (e.errorCode !== undefined) {
          const fields = errorCodeFields(e.vector, e.errorCode).length;
          out.push({
            name: 'error code', value: `0x${e.errorCode.toString(16)}`, variablesReference: fields > 0 ? this.handle({ kind: 'errorCode', vector: e.vector, code: e.errorCode }) : 0,
            namedVariables: fields > 0 ? fields : undefined,
          });
        }
        if (e.qualification !== undefined) out.push(this.value('CR2', e.qualification, { hex: true }, undefined, true));
        out.push(this.value('faulting EIP', e.guestEip, { hex: true }), this.value('handler EIP', e.handlerEip, { hex: true }));
        return out;
      }
      case 'errorCode':
        return errorCodeFields(c.vector, c.code).map((f) => plain(f.name, f.name === 'index' ? `0x${f.value.toString(16)} (${f.meaning})` : `${f.value} (${f.meaning})`));
    }
  }

  private table(name: string, key: 'gdtr' | 'idtr' | 'ldtr' | 'tr', base: number, limit: number, selector?: number): DebugProtocol.Variable {
    const sel = selector !== undefined ? `selector ${hex16(selector)} ` : '';
    return {
      name, value: `${sel}base ${formatAddress(base)} limit 0x${limit.toString(16)}`, variablesReference: this.handle({ kind: 'table', name: key }),
      namedVariables: selector !== undefined ? 3 : 2, memoryReference: this.mapped(base) ? formatAddress(base) : undefined,
    };
  }

  /** A numeric variable; `pointer` values get a memoryReference when they point at mapped RAM. */
  private value(name: string, v: number, fmt: Formatting, evaluateName?: string, pointer = false): DebugProtocol.Variable {
    const out: DebugProtocol.Variable = { name, value: fmt.hex ? formatAddress(v) : String(v >>> 0), variablesReference: 0 };
    if (evaluateName !== undefined) out.evaluateName = evaluateName;
    if (pointer && this.mapped(v)) out.memoryReference = formatAddress(v);
    return out;
  }

  private mapped(linear: number): boolean {
    const s = this.session();
    const t = s.translate(linear);
    return t.ok && t.physical !== undefined && t.physical < s.machine.memory.sizeBytes;
  }
}

function plain(name: string, value: string): DebugProtocol.Variable {
  return { name, value, variablesReference: 0 };
}

function hex16(v: number): string {
  return `0x${v.toString(16).padStart(4, '0')}`;
}

function bitNames(v: number, bits: readonly [number, string][]): string {
  const on = bits.filter(([bit]) => ((v >>> bit) & 1) !== 0).map(([, n]) => n);
  return on.length > 0 ? `[${on.join(' ')}]` : '[]';
}

/** Descriptor type field meaning (SDM Vol. 3A Table 3-1 for code/data, Table 3-2 for system). */
function segmentType(codeOrData: boolean, type: number): string {
  if (codeOrData) {
    if ((type & 8) !== 0) return `code${(type & 4) !== 0 ? ' conforming' : ''}${(type & 2) !== 0 ? ' readable' : ' execute-only'}${(type & 1) !== 0 ? ' accessed' : ''}`;
    return `data${(type & 4) !== 0 ? ' expand-down' : ''}${(type & 2) !== 0 ? ' writable' : ' read-only'}${(type & 1) !== 0 ? ' accessed' : ''}`;
  }
  const SYSTEM: Readonly<Record<number, string>> = {
    1: '16-bit TSS (available)', 2: 'LDT', 3: '16-bit TSS (busy)', 4: '16-bit call gate', 5: 'task gate', 6: '16-bit interrupt gate',
    7: '16-bit trap gate', 9: '32-bit TSS (available)', 11: '32-bit TSS (busy)', 12: '32-bit call gate', 14: '32-bit interrupt gate', 15: '32-bit trap gate',
  };
  return SYSTEM[type] ?? `system type ${type} (reserved)`;
}
