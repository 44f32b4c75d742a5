// Where nasm 2.16.01 places a message that comes out of a macro, for `-X gnu`/`-X vc`: at the
// outermost macro call, followed by one `... from macro `NAME' defined here` line per macro.

import type { Diagnostic, SourceRange } from '../asm/api';

/** An `%include` line, or `%require` (nasm 2.16.01's `%include` under another name: see Preprocessor). */
const INCLUDE_LINE = /^\s*%(?:include|require)\b/i;

/**
 * `d` as nasm reports it. Ringside's place is the line the message is about (inside the innermost
 * macro's body), its expansion the sites that led there, innermost first: macro calls and
 * `%include` lines. nasm (measured) reports the outermost macro call (or, with no macro, the line
 * itself, whatever included its file), then for each macro, outermost first, the innermost line
 * met under it that is not an `%include` line (`out` calling `in` from line 6: `n.asm:6: ... from
 * macro `out' defined here`). `lineText` gives a source line (0-based), to tell an `%include`
 * from a macro call and to read the macro's name. A first definition's note stays, at the call.
 */
export function asNasmPlaces(d: Diagnostic, lineText: (file: string, line: number) => string | undefined): Diagnostic {
  const sites = d.expansion ?? [];
  if (sites.length === 0) return { ...d, related: undefined };
  const places: SourceRange[] = [d.statementRange ?? d.range, ...sites];
  const isInclude = (r: SourceRange): boolean => INCLUDE_LINE.test(lineText(r.file, r.start.line) ?? '');
  const notes: { range: SourceRange; message: string; definition?: true }[] = [];
  let primary = d.range;
  for (let i = 1; i < places.length; i++) {
    if (isInclude(places[i])) continue;
    let under = i - 1;
    while (under > 0 && isInclude(places[under])) under--;
    primary = places[i];
    const callLine = lineText(places[i].file, places[i].start.line) ?? '';
    const called = macroCalled(callLine);
    const header = macroHeader(places[i - 1], lineText);
    // nasm names no `.nolist` macro, nor any it calls (measured: `nl` of `%macro nl 0.nolist`
    // calling `inner` gives no `... from macro` line for either). Its lines are at the call, but
    // from an `%include` in its body on, which places them at that line, the included file's too
    // (measured with nasm 2.16.01: the `%include` on line 4 of the definition, its file's lines,
    // its nested includes' and the body's after it are all "a.asm:4").
    if (header?.nolist === true) {
      primary = isInclude(places[i - 1]) ? places[i - 1] : header.include ?? places[i];
      notes.length = 0;
      continue;
    }
    // The name as the macro was defined (`%imacro Im` called as `IM`: `... from macro `Im'`), the
    // call's first word or, after a label with no colon (`.loc lbl`), its second.
    const words = [called, /^\s*\S+\s+([^\s,;]+)/.exec(callLine)?.[1] ?? ''];
    const name = header !== undefined && words.some((w) => w.toLowerCase() === header.name.toLowerCase()) ? header.name : called;
    notes.unshift({ range: places[under], message: `from macro \`${name}' defined here` });
  }
  // nasm's `info: label `x' originally defined here` names, for a message out of a macro, the
  // outermost call's line (measured: `.l:` first at line 2, again in a macro called from line 11:
  // `a.asm:11: info: label `G0.l' originally defined here`).
  for (const rel of d.related ?? []) if (rel.definition) notes.push({ ...rel, range: primary });
  return { ...d, range: primary, expansion: undefined, related: notes };
}

/** The macro a call line calls: its first word, after a `label:` if there is one. */
function macroCalled(line: string): string {
  const m = /^\s*(?:[A-Za-z_.?$@#~][\w.?$@#~]*\s*:\s*)?([^\s,;]+)/.exec(line);
  return m?.[1] ?? '';
}

/**
 * The `%macro` line that opens the body line `body` is in, read back over the lines before it
 * (the definitions nested in it skipped): its name as written, whether it is `.nolist`, and the
 * body's last `%include` line before `body` (as written: one a `%if` skips is taken too).
 */
function macroHeader(body: SourceRange, lineText: (file: string, line: number) => string | undefined): { name: string; nolist: boolean; include?: SourceRange } | undefined {
  let nested = 0;
  let include: SourceRange | undefined;
  for (let l = body.start.line - 1; l >= 0; l--) {
    const text = lineText(body.file, l);
    if (text === undefined) return undefined;
    if (/^\s*%endm(?:acro)?\b/i.test(text)) { nested++; continue; }
    if (nested === 0 && include === undefined && INCLUDE_LINE.test(text)) include = { file: body.file, start: { line: l, col: 0 }, end: { line: l, col: 0 } };
    const m = /^\s*%i?macro\s+([^\s;]+)([^;]*)/i.exec(text);
    if (m === null) continue;
    if (nested-- === 0) return { name: m[1], nolist: /^\s*\S*\.nolist(?![\w.])/i.test(m[2]), ...(include !== undefined ? { include } : {}) };
  }
  return undefined;
}
