// The listing's lines (see ListingLine), built when the listing is first read: the preprocessed
// lines nasm lists, each with the data its statement put out (listing-data.ts) and the warnings
// and errors nasm lists after it.

import type { Diagnostic, ListingData, ListingLine, ListingMessage, SourceRange } from './api';
import type { DiagnosticPlaces } from './diagnostics';
import { isQuoted, tokenizeLine, type Token } from './lexer';
import { stringText } from './strings';
import type { ExternalPiece, ListedStatement } from './listing-data';
import type { ParsedStatement } from './parser';
import type { ReportedLines } from './reported-lines';
import { LineFlag, type PPLines } from './source';
import type { StatementResults } from './statement-results';
import { switchTag } from './warning-switches';
import { dropsStatement, listsDropped, listsMessage } from './listing-errors';
import { everyTime, type MessageTime } from './message-rounds';

interface Line {
  readonly file: string;
  readonly line: number;
  readonly reportedLine?: number;
  readonly source: string;
  readonly depth: number;
  address?: number;
  sectionOffset?: number;
  bytes: Uint8Array;
  data: readonly ListingData[];
  readonly messages: ListingMessage[];
  afterDropped?: true;
}

const NO_BYTES = new Uint8Array(0);
const NO_DATA: readonly ListingData[] = [];

/**
 * The listing of preprocessed `lines`; `list` gives each statement's data, with the places of the
 * warnings of the statements it is given (see listStatements). Lines marked in `unread` nasm did
 * not read (see markUnread): not listed.
 */
export function buildListing(lines: PPLines, stmts: readonly ParsedStatement[], stmtOfLine: Int32Array, results: StatementResults,
  list: (warned: ReadonlySet<number>) => (ListedStatement | undefined)[], diagnostics: readonly Diagnostic[], places: DiagnosticPlaces, reported: ReportedLines,
  env: Readonly<Record<string, string | undefined>>, unread?: Uint8Array): ListingLine[] {
  const messages = messagesByLine(lines, diagnostics, places);
  /** By preprocessed line, the listed line its messages went to (see messagesAsListed). */
  const takenBy = new Map<number, Line>();
  const take = (l: Line, i: number, m: Message, listed: readonly ListingMessage[]): void => {
    for (const c of listed) { LISTED_FROM.set(c, m.diagnostic); FROM_LINE.set(c, i); l.messages.push(c); }
    takenBy.set(i, l);
  };
  const warned = new Set<number>();
  for (const i of messages.keys()) if (stmtOfLine[i] >= 0) warned.add(stmtOfLine[i]);
  const listed = list(warned);
  const out: Line[] = [];
  // `[list -]` is listed and stops the listing, `[list +]` resumes it unlisted (nasm: a switch, not a
  // count, which its final pass begins as the pass before it ended: see listingAtEnd).
  let listing = listingAtEnd(lines, stmts, stmtOfLine, unread);
  // By section, the bytes of the statements errors dropped so far (see `dropped`).
  const lowered = new Map<number, number>();
  // Whether an error dropped a statement so far.
  let anyDropped = false;
  // Whether a dropped statement took room in our assembly: nasm's labels after it are lower (measured).
  let moved = false;
  for (const [i, ms] of messages) if (stmtOfLine[i] >= 0 && results.size[stmtOfLine[i]] > 0 && ms.some((m) => m.drops)) moved = true;
  /**
   * Whether statement `s` of line `i` may have been put out otherwise by nasm after a dropped
   * statement (see ListingLine.afterDropped): one that names a label or `$` (their values moved);
   * one the drop moved in its section that is not plain data or an `incbin` (an instruction may be
   * relative to where it is). (Another repetition of a dropped line is put out as any line is:
   * measured, `%rep` / `push %1` / `%rotate 1` called with `, cx, si`.)
   */
  const madeElsewhere = (s: ParsedStatement, i: number, lowered: boolean): boolean =>
    moved && (s.refs.length > 0 || s.times !== undefined || lines.tokensOf(i).some((t) => t.kind === 'here') ||
      (lowered && s.data.length === 0 && s.op?.name !== 'incbin'));
  /** The rows later lines' data joins (a `.nolist` macro's call...): where in the row's data each such line's begins. */
  let joined: Map<Line, { piece: number; line: number }[]> | undefined;
  for (let i = 0; i < lines.count; i++) {
    if (unread !== undefined && unread[i] !== 0) continue;
    const si = stmtOfLine[i];
    const op = si >= 0 ? stmts[si].op : undefined;
    if (op !== undefined && op.name === 'list' && op.directive) {
      const shown = listing;
      listing = stmts[si].args[0]?.text === '+';
      if (!shown) continue;
    } else if (!listing) {
      // Not listed, but its warnings are, a `times` line's `<rep n>` and an `incbin`'s `<bin n>`
      // (at its own offset): after the last line listed, or before any, on nasm's line 0
      // (measured: `db 300` / `[list -]` lists only "0 ***... warning", `nop` / `[list -]` /
      // `times 2 nop` / `[list +]` `[list -]` with `<rep 2h>`, `db 1` / `[list -]` /
      // `incbin "f", 0, 12` `[list -]` with `00000001 <bin Ch>`).
      const ms = messages.get(i);
      const markers = si >= 0 ? listed[si]?.data.filter((d) => d.kind === 'repeat' || d.kind === 'incbin') : undefined;
      if (ms === undefined && (markers === undefined || markers.length === 0)) continue;
      let last = out[out.length - 1];
      if (last === undefined) out.push((last = { file: lines.file(i), line: -1, source: '', depth: 0, bytes: NO_BYTES, data: NO_DATA, messages: [] }));
      // (The messages of the lines before come before an `<bin n>`: measured, `times 2 db 300` / `incbin "f"`.)
      const earlier = last.messages.length;
      // (As often as when listed: once for each `times` repetition, measured.) Those of the first
      // repetition come before the `<rep n>`, so they are listed after the row it ends when it
      // does not fit (measured: `times 2 mov al, 300` / `times 2 db 300` / `times 2 dw 0x10000`
      // after a `[list -]` lists `<rep 2h><rep 2h>-`, four warnings and one, then `<rep 2h>` and one).
      const statement = si >= 0 ? listed[si] : undefined;
      const laterRounds: [Message, ListingMessage[]][] = [];
      for (const m of ms ?? []) {
        const column = m.range.file === lines.file(i) && m.range.start.line === lines.line[i] ? m.range.start.col : undefined;
        const listedCopies = statement === undefined ? [{ text: m.text }] : copies(m, statement, column, 0);
        take(last, i, m, listedCopies.filter((c) => !ROUND.has(c)).map(() => ({ text: m.text })));
        laterRounds.push([m, listedCopies.filter((c) => ROUND.has(c)).map(() => ({ text: m.text }))]);
      }
      const before = last.messages.length;
      for (const [m, later] of laterRounds) take(last, i, m, later);
      if (markers !== undefined && markers.length > 0) last.data = last.data.concat(markers.map((d) => ({ ...d, messagesBefore: d.kind === 'repeat' ? before : earlier })));
      continue;
    }
    const origin = lines.origin(i);
    // A `.nolist` macro's lines: their data and messages go with the line listed before (the call).
    let l = out[out.length - 1];
    if (!origin.unlisted || l === undefined) {
      const text = lines.text[i];
      l = { file: lines.file(i), line: lines.line[i], source: origin.body ? bodyText(text, env) : text, depth: origin.depth + (origin.listedLevels ?? 0), bytes: NO_BYTES, data: NO_DATA, messages: [] };
      // nasm lists a line by the number a `%line` gave it.
      const renumbered = reported.empty ? undefined : reported.at(l.file, l.line);
      if (renumbered !== undefined) l = { ...l, reportedLine: renumbered.line };
      out.push(l);
    }
    // The label before a macro call: nasm lists the call, then the label on a line of its own in the expansion.
    if ((lines.flags[i] & LineFlag.CallLabel) !== 0 && !origin.unlisted) {
      for (const m of messages.get(i) ?? []) take(l, i, m, [{ text: m.text }]);
      out.push({ ...l, source: callLabelText(lines.text[i], lines.tokensOf(i)[0]), depth: origin.depth + (origin.listedLevels ?? 0) + 1, data: NO_DATA, messages: [] });
      continue;
    }
    // A statement an error dropped put nothing out: its line is listed without data (unless nasm
    // listed it first: see listsDropped), and nasm's place in its section did not move on
    // (measured: the lines after it are listed that much lower).
    const ms = messages.get(i);
    const dropped = si >= 0 && (ms?.some((m) => m.drops) ?? false);
    const lower = si >= 0 && lowered.size > 0 ? lowered.get(results.section[si]) ?? 0 : 0;
    const statement = si >= 0 && (!dropped || ms!.some((m) => m.listsDropped)) ? listed[si] : undefined;
    if (statement !== undefined && statement.data.length > 0 && anyDropped && madeElsewhere(stmts[si], i, lower !== 0)) l.afterDropped = true;
    if (dropped) {
      lowered.set(results.section[si], (lowered.get(results.section[si]) ?? 0) + results.size[si]);
      anyDropped = true;
      // nasm lists the `<rep n>` of a `times` it dropped all the same, at the offset of the row
      // listed before (measured: `db 1` / `times 2 db yy` lists `00000000 <rep 2h>`).
      const repeat = statement === undefined ? listed[si]?.data.find((d) => d.kind === 'repeat') : undefined;
      if (repeat !== undefined && l.data.length === 0) l.data = [repeat];
    }
    if (statement !== undefined && statement.data.length > 0) {
      const data = lower === 0 ? statement.data : statement.data.map((d) => (d.kind === 'repeat' ? d : { ...d, offset: d.offset - lower }));
      if (origin.unlisted) {
        const starts = (joined ??= new Map()).get(l);
        if (starts === undefined) joined.set(l, [{ piece: l.data.length, line: i }]);
        else starts.push({ piece: l.data.length, line: i });
      }
      if (l.data.length === 0) {
        l.address = present(results.address[si] - lower);
        l.sectionOffset = present(results.sectionOffset[si] - lower) ?? l.address;
        l.data = data;
      } else l.data = l.data.concat(data);
      const bytes = results.bytes[si];
      if (bytes !== undefined && bytes.length > 0) l.bytes = l.bytes.length === 0 ? bytes : concat(l.bytes, bytes);
    }
    // The statement's "zeroing" warnings, one for each reservation it makes, in order; its
    // overflow warnings of an item, one for each `dup` copy of it, in order.
    let zeroing = 0;
    let externalsClaimed: Set<ExternalPiece> | undefined;
    let overflows: Map<number, number> | undefined;
    for (const m of inReportOrder(ms)) {
      // (One of the line after, given as nasm wrote that line for the listing: after all of this one's.)
      if (m.ofNext) { take(l, i, m, [{ text: m.text }]); continue; }
      const sameLine = m.range.file === lines.file(i) && m.range.start.line === lines.line[i];
      const column = sameLine ? m.range.start.col : undefined;
      let nth = 0;
      if (m.code === 'zeroing') nth = zeroing++;
      // (A far pointer's selector is its second piece, whether its offset warned or not: measured,
      // `jmp 0x12345:2` in .bss warns after the offset's nobits warning.)
      else if (m.code === 'selector-range') nth = 1;
      else if ((m.code === 'data-overflow' || m.code === 'out-of-range' || m.code === 'wrt') && column !== undefined) {
        nth = (overflows ??= new Map()).get(column) ?? 0;
        overflows.set(column, nth + 1);
      }
      if (m.code === 'extern') externalsClaimed ??= new Set();
      const listedCopies = statement === undefined ? [{ text: m.text }] : copies(m, statement, column, nth, externalsClaimed);
      take(l, i, m, lower === 0 ? listedCopies : listedCopies.map((c) => (c.offset === undefined ? c : { ...c, offset: c.offset - lower })));
    }
  }
  // In the order nasm reports them: by the piece they come before, those after the data last,
  // those of a later `times` repetition after the earlier one's, and in the order of the first's
  // (measured: `times 3 jmp short x` out of range gives the error and the warning, then both
  // again, twice; `times 2 jmp 1:0x12345` in .bss the nobits and bounds warnings alternating so
  // in each repetition).
  // A row of several lines (a `.nolist` macro's call) has each line's in turn (measured: a
  // `%warning` in the body before a `db` in .bss is listed before the `db`'s nobits warning).
  // A message given after its line's data, in a row a later line's data joins, is listed when that
  // data is put out: after the row it overflows, if it does (measured with nasm 2.16.01: after an
  // empty `%rep .nolist 1`, a `show` label's warning comes after the row `db 7` overflows, before `07`).
  if (joined !== undefined) for (const [l, starts] of joined) placeBeforeLaterLines(l, starts);
  const inRoundAt = (m: ListingMessage): number => ROUND_AT.get(m) ?? Infinity;
  for (const l of out) {
    if (l.messages.length > 1) l.messages.sort((a, b) => FROM_LINE.get(a)! - FROM_LINE.get(b)! || (a.offset ?? Infinity) - (b.offset ?? Infinity) || (ROUND.get(a) ?? 0) - (ROUND.get(b) ?? 0) || inRoundAt(a) - inRoundAt(b));
  }
  TAKEN_BY.set(out, takenBy);
  return out;
}

/**
 * Gives each message of row `l` put after its line's data (no offset) the offset of the first
 * piece of a later line's data in the row, if any (`starts`: where each such line's data begins).
 */
function placeBeforeLaterLines(l: Line, starts: readonly { piece: number; line: number }[]): void {
  for (const m of l.messages) {
    if (m.offset !== undefined) continue;
    const from = FROM_LINE.get(m)!;
    const later = starts.find((s) => s.line > from);
    const piece = later === undefined ? undefined : l.data[later.piece];
    if (piece !== undefined && piece.kind !== 'repeat') (m as { offset?: number }).offset = piece.offset;
  }
}

/**
 * Codes of the messages nasm may give more than once for one statement (see copies): only where
 * one of them was given does messagesAsListed need the listing (whose making costs, on a large file,
 * more than the assembly).
 */
const REPEATABLE: ReadonlySet<string> = new Set(['data-overflow', 'out-of-range', 'selector-range', 'nobits-data', 'absolute-data', 'integer-size', 'far-segment', 'ea-dispsize', 'ea-rel', 'self-relative', 'wrt', 'extern']);

/** Whether one of `diagnostics` may be printed more than once (see REPEATABLE). */
export function mayRepeat(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => REPEATABLE.has(d.code));
}

/** The diagnostic each listed message is (a message listed N times is N objects). */
const LISTED_FROM = new WeakMap<ListingMessage, Diagnostic>();
/** The `times` repetition a listed message is given for, after the first (see copies). */
const ROUND = new WeakMap<ListingMessage, number>();
/** The preprocessed line each listed message is of (see `take`). */
const FROM_LINE = new WeakMap<ListingMessage, number>();
/** Where in the first repetition's data the same message of a later one comes (see copies). */
const ROUND_AT = new WeakMap<ListingMessage, number>();
/** For each listing buildListing made, by preprocessed line, the listed line its messages went to. */
const TAKEN_BY = new WeakMap<readonly ListingLine[], ReadonlyMap<number, ListingLine>>();

/**
 * The messages of `times` (everyTime's, in nasm's order) as often and in the order `listing`
 * lists them: nasm prints a message each time it lists it, so one given for each piece put out or
 * each `times` repetition is printed as often (measured: `times 2 jmp short x` out of range prints
 * the error and the warning, then both again). A message the listing does not hold stays as given.
 */
export function messagesAsListed(times: readonly MessageTime[], listing: readonly ListingLine[]): Diagnostic[] {
  const takenBy = TAKEN_BY.get(listing);
  if (takenBy === undefined) return times.map((t) => t.diagnostic);
  const out: Diagnostic[] = [];
  const done = new Set<ListingLine>();
  for (const t of times) {
    const l = takenBy.get(t.line);
    if (l === undefined || !listsMessage(t.diagnostic) || (t.diagnostic.severity !== 'warning' && t.diagnostic.severity !== 'error')) { out.push(t.diagnostic); continue; }
    if (done.has(l)) continue;
    done.add(l);
    for (const m of l.messages) {
      const d = LISTED_FROM.get(m);
      if (d !== undefined) out.push(d);
    }
  }
  return out;
}

/** Messages nasm gives as it ends a call of its output routine (see copies). */
const AFTER_CALL = new Set(['nobits-data', 'absolute-data']);

/**
 * A line's messages with those nasm gives after a call first: at the offset a call ends, nasm has
 * given them before it reads the next piece and warns of its value (measured: `jmp short x` out
 * of range in absolute space lists the [ABSOLUTE] error of its opcode, then the range error).
 * (The listing's sort by offset keeps this order among equals.)
 */
function inReportOrder(ms: readonly Message[] | undefined): readonly Message[] {
  if (ms === undefined) return [];
  if (ms.length < 2 || !ms.some((m) => AFTER_CALL.has(m.code))) return ms;
  return [...ms.filter((m) => AFTER_CALL.has(m.code)), ...ms.filter((m) => !AFTER_CALL.has(m.code))];
}

/**
 * Whether the listing is on as the source ends: its last `[list -]` or `[list +]` says. nasm's final
 * pass begins with the listing as the pass before it left it (measured, nasm 2.16.01: `nop` /
 * `[list -]` writes an empty listing; `nop` / `[list +]` / `nop` / `[list -]` lists from line 3).
 */
function listingAtEnd(lines: PPLines, stmts: readonly ParsedStatement[], stmtOfLine: Int32Array, unread: Uint8Array | undefined): boolean {
  for (let i = lines.count - 1; i >= 0; i--) {
    const si = stmtOfLine[i];
    const op = si >= 0 ? stmts[si].op : undefined;
    if (op !== undefined && op.name === 'list' && op.directive && (unread === undefined || unread[i] === 0)) return stmts[si].args[0]?.text === '+';
  }
  return true;
}

function present(v: number): number | undefined {
  return v === v ? v : undefined;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const c = new Uint8Array(a.length + b.length);
  c.set(a);
  c.set(b, a.length);
  return c;
}

/**
 * A macro or %rep body's line as nasm lists it, rebuilt from its tokens: no comment, one blank
 * where there were blanks (leading blanks too), none at the end, a parameter in braces without
 * them (`%{1:2}` is listed `%1:2`, an unterminated `%{1:1 ; c` `%1:1 ; c`), and `%!NAME` (or
 * `%!'NAME'`) as the variable's value in `env`, nothing when there is none (measured: with V=5,
 * `db %!V,%1` is listed `db 5,%1`; nasm's warning of an unset one is listed before the line: see
 * Message.ofNext).
 */
function bodyText(text: string, env: Readonly<Record<string, string | undefined>>): string {
  let s = '';
  let end = 0;
  const toks = tokenizeLine(text);
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.kind === 'comment') break;
    // The `]` an unterminated `%[` is closed with (see tokenizeLine): nasm's token is all the line.
    if (t.start === t.end) { s += `${text.slice(end)}]`; break; }
    if (t.start > end) s += ' ';
    end = t.end;
    // `%[...]` is one token to nasm, listed as written, blanks and all, or nothing when empty
    // (measured: `db %[  5]` is listed so, `db 1, %[]2` as `db 1, 2`, `db 9 %[` as `db 9 `).
    if (t.kind === 'op' && t.text === '%' && toks[k + 1]?.text === '[' && toks[k + 1].start === t.end) {
      let depth = 0, j = k + 1;
      for (; j < toks.length; j++) {
        if (toks[j].text === '[') depth++;
        else if (toks[j].text === ']' && --depth === 0) break;
      }
      const empty = j === k + 2 && j < toks.length && toks[j].start === toks[k + 1].end;
      // (An unterminated one runs to the line's end: `db %[  5` is listed `db %[  5]`.)
      if (!empty && j < toks.length && toks[j].start === toks[j].end) { s += `${text.slice(t.start)}]`; break; }
      if (empty || j < toks.length) {
        if (!empty) s += text.slice(t.start, toks[j].end);
        end = toks[j].end;
        k = j;
        continue;
      }
    }
    if (t.kind === 'preproc' && t.text.startsWith('%!')) {
      const quoted = toks[k + 1];
      let name: string | undefined = t.text.slice(2);
      if (name !== '') s += env[name] ?? '';
      else if (quoted !== undefined && quoted.start === t.end && isQuoted(quoted)) {
        k++;
        end = quoted.end;
        name = quoted.kind === 'string' ? stringText(quoted.text) : quoted.text.slice(1);
        s += env[name] ?? '';
      } else s += t.text;
      continue;
    }
    // (A `%{[...}` is nasm's `%[...]` of all after the `[`, see preprocessor.ts bracedIndirection:
    // measured, `%{[%1]}` is listed `%[%1]]`, `%{[` as nothing.)
    if (t.kind === 'preproc' && t.text.startsWith('%[')) s += t.text.length > 2 ? `${t.text}]` : '';
    else s += t.kind === 'preproc' && t.text.startsWith('%{') ? '%' + t.text.slice(2, -1) : t.text;
  }
  return s;
}

/**
 * A warning or error as often, and where, nasm lists it (measured). A value out of range: before
 * its piece (the `nth` of a data item's: before its nth `dup` copy), in each repetition, twice for
 * a ModR/M displacement. The output format's data in a
 * nobits section, and data or code in absolute space: after each call that puts out data.
 * Reserved space in a progbits section (a warning for each reservation, the statement's `nth`):
 * after the reservation. An integer wider than 64 bits (an error): where each piece it is would
 * have been put out. A far value's segment, a branch's self-relative target: after it. Any other: before the line's data (nasm
 * has it from reading the line). The repetitions after the first are not listed: their warnings
 * come after the line's data.
 */
function copies(m: Message, s: ListedStatement, column: number | undefined, nth: number, externalsClaimed?: Set<ExternalPiece>): ListingMessage[] {
  const text = m.text;
  const after = (ends: readonly number[]): ListingMessage[] => {
    const out: ListingMessage[] = ends.map((end) => (end === Infinity ? { text } : { text, offset: end }));
    for (let k = 1; k < s.repeats; k++) for (let j = 0; j < ends.length; j++) out.push(inRound({ text }, k, ends[j]));
    return out;
  };
  if (m.code === 'nobits-data' || m.code === 'absolute-data') return after(s.outs);
  if (m.code === 'zeroing') return [nth < s.reserves.length ? { text, offset: s.reserves[nth] } : { text }];
  // (nasm sizes the address, before the statement's pieces, then puts it out with its ModR/M: a
  // warning each time, in each repetition; measured, `mov eax, [rel ebx+8]` in .bss warns of it,
  // of the nobits prefixes and opcode, then of it again and of the ModR/M and displacement.)
  if (m.code === 'ea-dispsize' || m.code === 'ea-rel') {
    const start = s.data[0]?.kind === 'bytes' ? s.data[0].offset : undefined;
    if (start === undefined || s.modrm === undefined) return [{ text }, { text }];
    const out: ListingMessage[] = [{ text, offset: start }, { text, offset: s.modrm }];
    for (let k = 1; k < s.repeats; k++) out.push(inRound({ text }, k, start), inRound({ text }, k, s.modrm));
    return out;
  }
  const nothings = column === undefined ? undefined : s.nothings?.get(column);
  if (m.code === 'integer-size' && nothings !== undefined) return after(nothings);
  // (The output format's word on the selector's segment is given as it is put out, after it; the
  // assembler's on a number, 'value referenced by FAR is not relocatable', before.)
  const segment = m.code === 'far-segment' || m.code === 'wrt' ? s.data.find((d) => d.kind === 'segment') : undefined;
  if (segment !== undefined && m.code === 'far-segment') return after([m.diagnostic.message.startsWith('value') ? segment.offset : segment.offset + 2]);
  // (A far pointer's WRT is put out with its offset and again with its selector, each time
  // refused before the selector's segment is: measured, `jmp far x wrt 3` is the WRT error twice,
  // then "binary output format does not support segment base references".)
  if (segment !== undefined) return after([segment.offset, segment.offset + 2]);
  // (Given as the branch's displacement is put out, in each repetition: after it.)
  const target = m.code === 'self-relative' ? s.data.find((d) => d.kind === 'address' && d.relative) : undefined;
  if (target?.kind === 'address') return after([target.offset + target.size]);
  // (The bin format refuses an external name's value as it is put out, each `dup` copy and each
  // repetition: after it; measured, `dd a, 1, a` lists the error after the row of the first and
  // after the second, `dd 2 dup (a)` twice, `dd a + a - a` once.)
  const external = m.code === 'extern' && s.externals !== undefined && externalsClaimed !== undefined ? externalEnds(s.externals, column, externalsClaimed) : undefined;
  if (external !== undefined) return after(external);
  const first = s.data[0];
  if (first === undefined) return [{ text }];
  const anchor = column === undefined ? undefined : s.anchors.get(column);
  // (Given as the value is put out, in each repetition: after its piece, the nth `dup` copy's for
  // the nth, when it has one; measured: `db x wrt 3, 300` gives the error, then the warning, `dd 2
  // dup (x wrt 3)` lists one after each copy.)
  if (m.code === 'wrt') {
    const at = anchor === undefined ? undefined : nth > 0 ? anchor.later?.[nth - 1] ?? anchor.offset : anchor.offset;
    return after([at === undefined ? Infinity : s.outs.find((end) => end > at) ?? Infinity]);
  }
  if (anchor === undefined || (m.code !== 'data-overflow' && m.code !== 'out-of-range' && m.code !== 'selector-range')) return first.kind === 'repeat' ? [{ text }] : [{ text, offset: first.offset }];
  const once = anchor.twice ? 2 : 1;
  // (The nth overflow warning of a data item is of its nth `dup` copy.)
  // (So is the nth out-of-range warning of an operand put out in pieces: `jmp word 0x10000:0x10000`
  // warns of its offset, then of its segment, each before it is put out; measured.)
  const offset = nth > 0 ? anchor.later?.[nth - 1] ?? anchor.offset : anchor.offset;
  const out: ListingMessage[] = [];
  for (let k = 0; k < once * Math.max(1, s.repeats); k++) out.push(k < once ? { text, offset } : inRound({ text }, Math.floor(k / once), offset));
  return out;
}

/**
 * Where the values of external names put out that a refusal of one written at `column` is given
 * after end: those of the expression written across the column (each `dup` copy's), or without a
 * column, the first; each once, for the first refusal there (`claimed`: those taken), as nasm
 * refuses a value, not a name (`dd a + a - a` is refused once). Undefined: no such value.
 */
function externalEnds(pieces: readonly ExternalPiece[], column: number | undefined, claimed: Set<ExternalPiece>): number[] | undefined {
  const across = column === undefined ? pieces : pieces.filter((p) => p.from <= column && column < p.to);
  if (across.length === 0) return undefined;
  const mine = across.filter((p) => !claimed.has(p)).slice(0, column === undefined ? 1 : across.length);
  for (const p of mine) claimed.add(p);
  return mine.map((p) => p.end);
}

/** `m` as given in repetition `round`, where `at` is in the first one's data. */
function inRound(m: ListingMessage, round: number, at: number): ListingMessage {
  ROUND.set(m, round);
  ROUND_AT.set(m, at);
  return m;
}

/**
 * The line nasm makes of the label before a macro call: the label as the call wrote it (a macro's
 * `%%x` made unique), a colon, a blank for blanks (measured: `lbl: m` gives `lbl: `, `lbl m` gives `lbl :`).
 */
function callLabelText(text: string, label: Token): string {
  const [, before, colon, after] = /^([ \t]*)(:?)([ \t]*)/.exec(text.slice(label.end))!;
  return (label.start > 0 ? ' ' : '') + label.text + (colon === '' ? ' :' : (before === '' ? '' : ' ') + ':' + (after === '' ? '' : ' '));
}

interface Message {
  /** The diagnostic (the round's, for a later round's) the message lists. */
  readonly diagnostic: Diagnostic;
  readonly code: string;
  readonly text: string;
  readonly range: SourceRange;
  /** An error after which nasm put out nothing for the statement (see dropsStatement). */
  readonly drops: boolean;
  /** One whose dropped statement nasm lists all the same (see listsDropped). */
  readonly listsDropped: boolean;
  /**
   * Listed after the line before its own: nasm's warning of an unset `%!NAME` on a macro or %rep
   * body's line, given as nasm writes that line for its listing, before it lists it (measured:
   * `m` / `db 1 %!NOPE` lists the warning after the call's row, `db 1 ` then).
   */
  readonly ofNext: boolean;
}

/**
 * Whether `range` is a `%!NAME` written in line `at` itself, which nasm reads as it writes the line
 * for its listing; one a macro argument or a single-line macro put there is read as the line runs,
 * after its row (measured with nasm 2.16.01: `%define M a %!NOPE in` / a macro's `%defstr S M`,
 * or `m %!NOPE` / its `db %1`, warn after the body line's row).
 */
function writtenInLine(lines: PPLines, at: number, range: SourceRange): boolean {
  return lines.file(at) === range.file && lines.line[at] === range.start.line && lines.text[at].startsWith('%!', range.start.col);
}

/** The warnings and errors by the preprocessed line nasm lists them after (messageLine), each round's (everyTime). */
function messagesByLine(lines: PPLines, diagnostics: readonly Diagnostic[], places: DiagnosticPlaces): Map<number, Message[]> {
  const byLine = new Map<number, Message[]>();
  for (const { diagnostic: d, line: at } of everyTime(lines, diagnostics, places)) {
    if ((d.severity !== 'warning' && d.severity !== 'error') || !listsMessage(d)) continue;
    const ofNext = d.code === 'pp-environment' && at > 0 && lines.origin(at).body && writtenInLine(lines, at, d.range);
    const listedAt = ofNext ? at - 1 : at;
    let list = byLine.get(listedAt);
    if (list === undefined) byLine.set(listedAt, (list = []));
    list.push({ diagnostic: d, code: d.code, text: `${d.severity}: ${d.message}${switchTag(d)}`, range: d.range, drops: dropsStatement(d), listsDropped: listsDropped(d), ofNext });
  }
  return byLine;
}
