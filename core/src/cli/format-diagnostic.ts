// Diagnostics as command-line text: `file:line:col: severity: message` (1-based, like nasm and
// gcc), followed by the macro call and %include sites that led there.

import type { Diagnostic } from '../asm/api';

export function formatDiagnostic(d: Diagnostic): string {
  const where = (r: Diagnostic['range']): string => `${r.file}:${r.start.line + 1}:${r.start.col + 1}`;
  // A warning made an error names the switch that did, as nasm does: `error: ... [-w+error=CLASS]`.
  const promoted = d.warningClass !== undefined && d.severity === 'error' ? ` [-w+error=${d.warningClass}]` : '';
  let text = `${where(d.range)}: ${d.severity}: ${d.message}${promoted}\n`;
  for (const site of d.expansion ?? []) text += `${where(site)}: note: expanded from here\n`;
  for (const rel of d.related ?? []) text += `${where(rel.range)}: note: ${rel.message}\n`;
  return text;
}
