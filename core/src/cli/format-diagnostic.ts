// Diagnostics as command-line text: `file:line:col: severity: message` (1-based, like nasm and
// gcc), followed by the macro call and %include sites that led there (one line for a site that
// repeats, as an include cycle's does); or in the shapes of nasm's
// `-X gnu` (`file:line: severity: message`) and `-X vc` (`file(line) : severity: message`).

import type { Diagnostic } from '../asm/api';
import { expandedFromHere, expansionRuns } from '../asm/expansion-runs';
import { switchTag } from '../asm/warning-switches';
import type { MessageFormat } from './asm-options';

export function formatDiagnostic(d: Diagnostic, format: MessageFormat = 'ringside'): string {
  if (format !== 'ringside') return nasmShaped(d, format);
  const where = (r: Diagnostic['range']): string => `${r.file}:${r.start.line + 1}:${r.start.col + 1}`;
  let text = `${where(d.range)}: ${severityWord(d)}: ${d.message}${switchTag(d)}\n`;
  for (const run of expansionRuns(d.expansion ?? [])) text += `${where(run.site)}: note: ${expandedFromHere(run)}\n`;
  for (const rel of d.related ?? []) text += `${where(rel.range)}: note: ${rel.message}\n`;
  return text;
}

/**
 * nasm 2.16.01's shapes (measured): `a.asm:6: error: ...` with -X gnu, `a.asm(6) : error: ...`
 * with -X vc, and its follow-up lines `a.asm:2: ... from macro `m' defined here` (see asNasmPlaces), or
 * `a.asm:3: info: label `x' originally defined here` for where a name was first defined.
 */
function nasmShaped(d: Diagnostic, format: 'gnu' | 'vc'): string {
  // (A line before the source's, which nasm numbers 0, has no number: `a.asm: warning: ...`, `a.asm : warning: ...`.)
  const where = (r: Diagnostic['range']): string => {
    if (r.start.line < 0) return format === 'gnu' ? `${r.file}:` : `${r.file} :`;
    return format === 'gnu' ? `${r.file}:${r.start.line + 1}:` : `${r.file}(${r.start.line + 1}) :`;
  };
  // A fatal error ends the run before nasm lists the macros it came from (nasm.c, nasm_verror:
  // die_hard comes first; measured: `a.asm:5: fatal: boom`, alone). The line limit's message
  // ends in a newline of its own in nasm.c, so an empty line follows it (measured).
  if (FATAL.has(d.code)) return `${where(d.range)} fatal: ${d.message}\n${d.code === 'limit-lines' ? '\n' : ''}`;
  let text = `${where(d.range)} ${d.severity}: ${d.message}${switchTag(d)}\n`;
  for (const site of d.expansion ?? []) text += `${where(site)} ... expanded from here\n`;
  for (const rel of d.related ?? []) text += `${where(rel.range)} ${rel.definition ? 'info:' : '...'} ${rel.message}\n`;
  return text;
}

/**
 * The diagnostics that are nasm's fatal errors, which the editor's give as errors, their
 * severities having no fatal: a `%fatal` (measured: `a.asm:1: fatal: x`) and the line limit
 * (measured: `a.asm:3: fatal: overall line count exceeds the maximum 2`).
 */
const FATAL: ReadonlySet<string> = new Set(['user-fatal', 'limit-lines']);

/** The word for `d`'s severity: nasm's, `fatal` for its fatal errors. */
function severityWord(d: Diagnostic): string {
  return FATAL.has(d.code) ? 'fatal' : d.severity;
}
