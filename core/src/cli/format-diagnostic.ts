// Diagnostics as command-line text: `file:line:col: severity: message` (1-based, like nasm and
// gcc), followed by the macro call and %include sites that led there.

import type { Diagnostic } from '../asm/api';
import { warningClass } from '../asm/warning-switches';

export function formatDiagnostic(d: Diagnostic): string {
  const where = (r: Diagnostic['range']): string => `${r.file}:${r.start.line + 1}:${r.start.col + 1}`;
  let text = `${where(d.range)}: ${d.severity}: ${d.message}${switchTag(d)}\n`;
  for (const site of d.expansion ?? []) text += `${where(site)}: note: expanded from here\n`;
  for (const rel of d.related ?? []) text += `${where(rel.range)}: note: ${rel.message}\n`;
  return text;
}

/**
 * The switch nasm names after a warning, the one that would turn it off: ` [-w+CLASS]`, and
 * ` [-w+error=CLASS]` for a warning a `-w+error`/`[warning +error=...]` switch made an error.
 * nasm 2.16.01 ends every warning with it, whatever `-w`/`[warning]` switches said (measured).
 */
export function switchTag(d: Diagnostic): string {
  if (d.severity === 'warning') return ` [-w+${warningClass(d.code, d.message)}]`;
  return d.warningClass !== undefined && d.severity === 'error' ? ` [-w+error=${d.warningClass}]` : '';
}
