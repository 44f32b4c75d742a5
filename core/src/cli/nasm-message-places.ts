// Where nasm 2.16.01 places a message that comes out of a macro, for `-X gnu`/`-X vc`: at the
// outermost macro call, followed by one `... from macro `NAME' defined here` line per macro.

import type { Diagnostic, SourceRange } from '../asm/api';

/**
 * `d` as nasm reports it. Ringside's place is the line the message is about (inside the innermost
 * macro's body), its expansion the sites that led there, innermost first: macro calls and
 * `%include` lines. nasm (measured) reports the outermost macro call (or, with no macro, the line
 * itself, whatever included its file), then for each macro, outermost first, the innermost line
 * met under it that is not an `%include` line (`out` calling `in` from line 6: `n.asm:6: ... from
 * macro `out' defined here`). `lineText` gives a source line (0-based), to tell an `%include`
 * from a macro call and to read the macro's name.
 */
export function asNasmPlaces(d: Diagnostic, lineText: (file: string, line: number) => string | undefined): Diagnostic {
  const sites = d.expansion ?? [];
  if (sites.length === 0) return { ...d, related: undefined };
  const places: SourceRange[] = [d.range, ...sites];
  const isInclude = (r: SourceRange): boolean => /^\s*%include\b/i.test(lineText(r.file, r.start.line) ?? '');
  const notes: { range: SourceRange; message: string }[] = [];
  let primary = d.range;
  for (let i = 1; i < places.length; i++) {
    if (isInclude(places[i])) continue;
    let under = i - 1;
    while (under > 0 && isInclude(places[under])) under--;
    notes.unshift({ range: places[under], message: `from macro \`${macroCalled(lineText(places[i].file, places[i].start.line) ?? '')}' defined here` });
    primary = places[i];
  }
  return { ...d, range: primary, expansion: undefined, related: notes };
}

/** The macro a call line calls: its first word, after a `label:` if there is one. */
function macroCalled(line: string): string {
  const m = /^\s*(?:[A-Za-z_.?$@#~][\w.?$@#~]*\s*:\s*)?([^\s,;]+)/.exec(line);
  return m?.[1] ?? '';
}
