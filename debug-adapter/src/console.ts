// Debug Console commands (gdb-like, DESIGN.md §5): `info registers`, `info tlb`, `info pt [ADDR]`,
// `translate ADDR`, `x/NFU ADDR`, `serial TEXT` (typed into COM1), `help`; `TARGET = VALUE` assigns (session.ts); anything else is an expression. Each command renders
// the runtime's plain records as text. Also the REPL completions (commands, registers, symbols).

import { TYPED_INPUT_LIMIT, type GuestSession } from '../../core/src/runtime/session';
import type { FrameRegisters } from '../../core/src/runtime/frame-scope';
import { formatAddress } from './addresses';

export type ConsoleResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string };

export const COMMANDS = ['info registers', 'info tlb', 'info pt', 'translate', 'x/', 'serial', 'help'] as const;
const REGISTER_NAMES = [
  'eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'esp', 'eip', 'eflags', 'ax', 'bx', 'cx', 'dx', 'si', 'di', 'bp', 'sp',
  'al', 'ah', 'bl', 'bh', 'cl', 'ch', 'dl', 'dh', 'cs', 'ds', 'es', 'fs', 'gs', 'ss', 'cr0', 'cr2', 'cr3', 'cr4', 'cpl',
  'cf', 'pf', 'af', 'zf', 'sf', 'tf', 'if', 'df', 'of',
];

const HELP = [
  'Commands:',
  '  info registers      general, segment and system registers with decoded EFLAGS',
  '  info tlb            TLB entries (set/way, tag, page -> frame, permissions) and counters',
  '  info pt [ADDR]      present page-directory entries, or the page table covering ADDR',
  '  translate ADDR      the page walk of linear address ADDR, step by step',
  '  x/NFU ADDR          examine memory: N units, F = x (hex) | d (decimal) | i (instructions),',
  '                      U = b (byte) | h (2 bytes) | w (4 bytes); e.g. x/8xb esp, x/4i eip',
  '  serial TEXT         type TEXT into COM1, running or paused; nothing is added to it: end a line',
  '                      with \\r (the Enter key) or \\n; also \\t \\e \\0 \\xHH \\\\',
  '  help                this text',
  '  TARGET = VALUE      give a register (eax = 5, al = 0x7f) or memory (byte [x] = 1) a value',
  'Anything else is an expression: registers, labels, [addr] (dword), byte/word/dword [addr],',
  'C operators; numbers as 0x1F, 1Fh, 0b101, 17, \'A\'. A label named as a command (help, serial) is',
  'read as one in parentheses: (serial).',
].join('\n');

/** Whether `text` is a console command rather than an expression. */
export function isCommand(text: string): boolean {
  const t = text.trim();
  return t === 'help' || /^info\b/.test(t) || /^translate\b/.test(t) || /^x(\/|\s)/.test(t) || isSerialCommand(t);
}

/** Whether `text` is the `serial TEXT` command (which types into COM1). */
export function isSerialCommand(text: string): boolean {
  return /^\s*serial(\s|$)/.test(text);
}

/** Runs a command; its addresses are read with the registers of `frame` when one is given (evaluate's frameId). */
export function runCommand(session: GuestSession, text: string, frame?: FrameRegisters): ConsoleResult {
  const t = text.trim();
  if (t === 'help') return { ok: true, text: HELP };
  let m: RegExpExecArray | null;
  if (/^info\s+(registers|regs|reg|r)$/.test(t)) return { ok: true, text: infoRegisters(session) };
  if (/^info\s+tlb$/.test(t)) return { ok: true, text: infoTlb(session) };
  if ((m = /^info\s+pt(?:\s+(.+))?$/.exec(t))) return infoPageTables(session, m[1], frame);
  if ((m = /^translate(?:\s+(.*))?$/.exec(t))) return translate(session, m[1], frame);
  if ((m = /^x(?:\/(\d*)([xdibhw]*))?\s+(.+)$/.exec(t))) return examine(session, m[1], m[2] ?? '', m[3], frame);
  // (TEXT as typed: blanks at its end are text too.)
  if ((m = /^\s*serial(?:\s(.*))?$/s.exec(text))) return typeSerial(session, m[1] ?? '', text.length - (m[1] ?? '').length);
  if (/^info\b/.test(t)) return { ok: false, message: `unknown info command \`${t}' (info registers, info tlb, info pt [ADDR])` };
  return { ok: false, message: `cannot parse \`${t}' (type help)` };
}

/** `serial TEXT`: TEXT's escapes read, then its bytes (UTF-8) typed into COM1. TEXT begins at `column` (0-based) of the line. */
function typeSerial(session: GuestSession, text: string, column: number): ConsoleResult {
  const bytes = serialBytes(text, column);
  if (typeof bytes === 'string') return { ok: false, message: bytes };
  if (bytes.length === 0) return { ok: false, message: 'serial needs the text to type, e.g. serial hello\\r' };
  if (session.status === 'exited') return { ok: false, message: 'the guest has exited: nothing reads COM1 any more' };
  if (!session.typeSerial(bytes)) return { ok: false, message: `COM1 would hold more than ${TYPED_INPUT_LIMIT} bytes the guest has not read: not typed` };
  return { ok: true, text: `typed ${bytes.length} byte${bytes.length === 1 ? '' : 's'} into COM1` };
}

const ESCAPES: Readonly<Record<string, number>> = { r: 13, n: 10, t: 9, e: 27, 0: 0, '\\': 92 };

/** The bytes `text` stands for: UTF-8, with the escapes `serial` reads; or why it cannot be read (at a column counted from `column`, 0-based). */
export function serialBytes(text: string, column = 0): Uint8Array | string {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const m of text.matchAll(/\\(x[0-9a-fA-F]{2}|[^]?)/g)) {
    const e = m[1];
    const code = e.length === 3 ? parseInt(e.slice(1), 16) : ESCAPES[e];
    const at = column + m.index + 1;
    if (e === 'x') return `serial: \`\\x' needs two hex digits at column ${at} (\\x0d is a carriage return)`;
    if (code === undefined) return `serial: unknown escape \`\\${e}' at column ${at} (\\r \\n \\t \\e \\0 \\xHH \\\\)`;
    parts.push(encoder.encode(text.slice(from, m.index)), Uint8Array.of(code));
    from = m.index + m[0].length;
  }
  parts.push(encoder.encode(text.slice(from)));
  return Buffer.concat(parts);
}

function address(session: GuestSession, expr: string | undefined, what: string, frame: FrameRegisters | undefined): number | string {
  if (expr === undefined || expr.trim() === '') return `${what} needs an address`;
  const r = session.evaluate(expr.trim(), frame);
  return r.ok ? r.value : r.message;
}

function infoRegisters(session: GuestSession): string {
  const r = session.registers();
  const f = session.eflags();
  const sys = session.systemRegisters();
  const flags = (['cf', 'pf', 'af', 'zf', 'sf', 'tf', 'if', 'df', 'of', 'nt', 'rf', 'vm', 'ac', 'id'] as const).filter((k) => f[k]).map((k) => k.toUpperCase());
  const lines = [
    `eax ${formatAddress(r.eax)}  ebx ${formatAddress(r.ebx)}  ecx ${formatAddress(r.ecx)}  edx ${formatAddress(r.edx)}`,
    `esi ${formatAddress(r.esi)}  edi ${formatAddress(r.edi)}  ebp ${formatAddress(r.ebp)}  esp ${formatAddress(r.esp)}`,
    `eip ${formatAddress(r.eip)}  eflags ${formatAddress(r.eflags)} [${flags.join(' ')}] IOPL=${f.iopl}`,
    session.segments().map((s) => `${s.name} ${s.selector.toString(16).padStart(4, '0')}`).join('  '),
    `cr0 ${formatAddress(sys.cr0)}  cr2 ${formatAddress(sys.cr2)}  cr3 ${formatAddress(sys.cr3)}  cr4 ${formatAddress(sys.cr4)}`,
    `gdtr ${formatAddress(sys.gdtr.base)}/${sys.gdtr.limit.toString(16)}  idtr ${formatAddress(sys.idtr.base)}/${sys.idtr.limit.toString(16)}  ` +
      `ldtr ${sys.ldtr.selector.toString(16).padStart(4, '0')}  tr ${sys.tr.selector.toString(16).padStart(4, '0')}  cpl ${sys.cpl}`,
  ];
  return lines.join('\n');
}

/**
 * U/S, R/W, A, D, G and 4M of an entry. A directory entry that points to a page table has no D or
 * G: bits 6 and 8 are ignored there (SDM Vol. 3A Table 4-5), so they are never shown for it.
 */
function perms(e: { user: boolean; writable: boolean; dirty?: boolean; accessed?: boolean; global: boolean; large: boolean }, tableEntry = false): string {
  const dirty = !tableEntry && e.dirty === true;
  const global = !tableEntry && e.global;
  return `${e.user ? 'U' : 'S'}${e.writable ? 'W' : 'R'}${e.accessed === true ? 'A' : '-'}${dirty ? 'D' : '-'}${global ? 'G' : '-'}${e.large ? ' 4M' : ''}`;
}

function infoTlb(session: GuestSession): string {
  const entries = session.tlbEntries();
  const c = session.tlbCounters();
  const m = session.mmuCounters();
  const out = [`${entries.length} valid entr${entries.length === 1 ? 'y' : 'ies'}`];
  for (const e of entries) {
    out.push(`  [${e.set}.${e.way}] vpid ${e.vpid}  ${formatAddress(e.linearPage)} -> ${formatAddress(e.physicalFrame)}  ${perms(e)}`);
  }
  out.push(`hits ${c.hits}  misses ${c.misses}  evictions ${c.evictions}  page invalidations ${c.pageInvalidations}  flushes ${c.flushes}  non-global flushes ${c.nonGlobalFlushes}`);
  out.push(`page walks ${m.walks}  walk memory references ${m.walkReferences}  page faults ${m.pageFaults}`);
  return out.join('\n');
}

function infoPageTables(session: GuestSession, expr: string | undefined, frame: FrameRegisters | undefined): ConsoleResult {
  const sys = session.systemRegisters();
  if ((sys.cr0 & 0x8000_0000) === 0) return { ok: true, text: 'paging is off (CR0.PG = 0): linear addresses are physical' };
  if (expr !== undefined) {
    const a = address(session, expr, 'info pt', frame);
    if (typeof a === 'string') return { ok: false, message: a };
    const index = a >>> 22;
    const pde = session.pageDirectory().find((e) => e.index === index);
    if (pde === undefined) return { ok: true, text: `PDE ${index} (${formatAddress(index << 22)}) is not present` };
    if (pde.large) return { ok: true, text: `PDE ${index}: 4 MiB page ${formatAddress(pde.linear)} -> ${formatAddress(pde.frame)} ${perms(pde)}` };
    const table = session.pageTable(index);
    const lines = [`page table of PDE ${index} at ${formatAddress(pde.frame)}: ${table.length} present entr${table.length === 1 ? 'y' : 'ies'}`];
    for (const e of table) lines.push(`  PTE ${String(e.index).padStart(4)}  ${formatAddress(e.linear)} -> ${formatAddress(e.frame)}  ${perms(e)}`);
    return { ok: true, text: lines.join('\n') };
  }
  const dir = session.pageDirectory();
  const lines = [`page directory at ${formatAddress(sys.cr3 & 0xffff_f000)}: ${dir.length} present entr${dir.length === 1 ? 'y' : 'ies'}`];
  for (const e of dir) lines.push(`  PDE ${String(e.index).padStart(4)}  ${formatAddress(e.linear)} -> ${e.large ? '4 MiB page' : 'table'} ${formatAddress(e.frame)}  ${perms(e, !e.large)}`);
  return { ok: true, text: lines.join('\n') };
}

function translate(session: GuestSession, expr: string | undefined, frame: FrameRegisters | undefined): ConsoleResult {
  const a = address(session, expr, 'translate', frame);
  if (typeof a === 'string') return { ok: false, message: a };
  const t = session.translate(a);
  if (!t.pagingEnabled) return { ok: true, text: `${formatAddress(t.linear)}: paging is off, physical ${formatAddress(t.linear)}` };
  const lines = [`linear ${formatAddress(t.linear)}: directory index ${t.linear >>> 22}, table index ${(t.linear >>> 12) & 0x3ff}, offset 0x${(t.linear & 0xfff).toString(16)}`];
  for (const s of t.steps) {
    lines.push(`  ${s.level.toUpperCase()} at ${formatAddress(s.entryAddress)} = ${formatAddress(s.entry)} ${s.present ? perms(s, s.level === 'pde' && !s.large) : 'not present'}`);
  }
  lines.push(t.ok && t.physical !== undefined ? `  -> physical ${formatAddress(t.physical)}` : `  -> page fault, error code 0x${(t.errorCode ?? 0).toString(16)}`);
  return { ok: true, text: lines.join('\n') };
}

/** gdb's `x/NFU`: count, format (x d i), unit size (b h w). */
function examine(session: GuestSession, countText: string | undefined, letters: string, expr: string, frame: FrameRegisters | undefined): ConsoleResult {
  const count = countText === undefined || countText === '' ? 1 : Number(countText);
  if (!Number.isInteger(count) || count < 1 || count > 4096) return { ok: false, message: 'x: count must be between 1 and 4096' };
  const a = address(session, expr, 'x', frame);
  if (typeof a === 'string') return { ok: false, message: a };
  if (letters.includes('i')) {
    const csBase = session.segments()[1]?.base ?? 0;
    const list = session.disassemble((a - csBase) >>> 0, 0, count);
    return { ok: true, text: list.map((d) => `${formatAddress(d.address)}${d.symbol !== undefined ? ` <${d.symbol}>` : ''}:  ${d.text}`).join('\n') };
  }
  const size = letters.includes('b') ? 1 : letters.includes('h') ? 2 : 4;
  const decimal = letters.includes('d');
  const r = session.readMemory(a, count * size);
  const perLine = size === 1 ? 16 : size === 2 ? 8 : 4;
  const lines: string[] = [];
  const units = Math.floor(r.bytes.length / size);
  for (let i = 0; i < units; i += perLine) {
    const parts: string[] = [];
    for (let k = i; k < Math.min(units, i + perLine); k++) {
      let v = 0;
      for (let b = size - 1; b >= 0; b--) v = v * 256 + r.bytes[k * size + b];
      parts.push(decimal ? String(v) : `0x${v.toString(16).padStart(size * 2, '0')}`);
    }
    lines.push(`${formatAddress(a + i * size)}:  ${parts.join(' ')}`);
  }
  if (r.unmappedAt !== undefined) lines.push(`${formatAddress(r.unmappedAt)}: not mapped`);
  return { ok: true, text: lines.join('\n') };
}

export interface Completion {
  readonly label: string;
  readonly type: 'keyword' | 'variable' | 'reference';
  /** Characters before the cursor that the completion replaces. */
  readonly replaceLength: number;
}

/**
 * Completions for the text before the cursor: command names at the start, registers and symbols in
 * expressions, and `.local` labels as the code at `eip` names them (those of the label before it,
 * NASM manual §3.9, which evaluate reads there).
 */
export function complete(session: GuestSession, before: string, eip: number): Completion[] {
  const out: Completion[] = [];
  const trimmed = before.trimStart();
  if (!/\s/.test(trimmed) || /^info\s+\w*$/.test(trimmed)) {
    for (const c of COMMANDS) if (c.startsWith(trimmed) && c !== trimmed) out.push({ label: c, type: 'keyword', replaceLength: trimmed.length });
  }
  const word = /[A-Za-z_.?@][A-Za-z0-9_.?@$#~]*$/.exec(before)?.[0] ?? '';
  if (word === '' && !/[\s[+\-*(,]$/.test(before) && before !== '') return out;
  const lower = word.toLowerCase();
  for (const r of REGISTER_NAMES) if (r.startsWith(lower)) out.push({ label: r, type: 'variable', replaceLength: word.length });
  for (const s of session.listSymbols()) if (s.name.startsWith(word)) out.push({ label: s.name, type: 'reference', replaceLength: word.length });
  if (word === '' || (word.startsWith('.') && !word.startsWith('..'))) {
    for (const l of session.symbols.localsAt(eip)) if (l.name.startsWith(word)) out.push({ label: l.name, type: 'reference', replaceLength: word.length });
  }
  return out;
}
