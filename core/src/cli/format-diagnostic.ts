// Diagnostics as command-line text: `file:line:col: severity: message` (1-based, like nasm and
// gcc), followed by the macro call and %include sites that led there.

import type { Diagnostic } from '../asm/api';
import { switchTag } from '../asm/warning-switches';

export function formatDiagnostic(d: Diagnostic): string {
  const where = (r: Diagnostic['range']): string => `${r.file}:${r.start.line + 1}:${r.start.col + 1}`;
  let text = `${where(d.range)}: ${d.severity}: ${d.message}${switchTag(d)}\n`;
  for (const site of d.expansion ?? []) text += `${where(site)}: note: expanded from here\n`;
  for (const rel of d.related ?? []) text += `${where(rel.range)}: note: ${rel.message}\n`;
  return text;
}
