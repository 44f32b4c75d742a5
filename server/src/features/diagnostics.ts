// validate(doc) → the LSP diagnostics of one document: the assembler's (with exact ranges) and the
// virtualization lints, plus errors inside included files surfaced at the %include that led there.

import type { Diagnostic as AsmDiagnostic, SourceRange } from '../../../core/src/asm/api';
import { expandedFromHere, expansionRuns } from '../../../core/src/asm/expansion-runs';
import { warningClass } from '../../../core/src/asm/warning-switches';
import { COMMAND_LINE } from '../../../core/src/cli/assembler-arguments';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver-types';
import { toLspRange, type AnalyzedDocument } from '../analysis/document';
import { missingIncludeHint } from './includeHint';
import { virtualizationLints } from './virtualizationLints';

const SEVERITY: Record<AsmDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** `code`: what the Problems panel shows (for an assembler warning, the nasm class `[warning -CLASS]` turns off). */
function convert(doc: AnalyzedDocument, d: AsmDiagnostic, code = d.code): Diagnostic {
  const out: Diagnostic = {
    range: toLspRange(d.range),
    severity: SEVERITY[d.severity],
    code,
    source: 'ringside',
    message: d.code === 'missing-include' ? withIncludeHint(doc, d) : d.message,
  };
  const related = [
    ...(d.related ?? []).map((r) => ({ location: { uri: doc.toUri(r.range.file), range: toLspRange(r.range) }, message: r.message })),
    ...expansionRuns(d.expansion ?? []).map((run) => ({ location: { uri: doc.toUri(run.site.file), range: toLspRange(run.site) }, message: expandedFromHere(run) })),
  ];
  if (related.length > 0) out.relatedInformation = related;
  return out;
}

/**
 * nasm's words for a `%include` that found no file, then where it was looked for and the setting
 * that adds a folder (see missingIncludeHint): the editor runs nasm from the main file's folder,
 * where nasm run by hand from the workspace folder finds what is written from there.
 */
function withIncludeHint(doc: AnalyzedDocument, d: AsmDiagnostic): string {
  const at = (r: SourceRange) => r.file === d.range.file && r.start.line === d.range.start.line && r.start.col === d.range.start.col;
  const include = doc.result.includes.find((i) => i.resolved === undefined && at(i.range));
  const hint = include === undefined ? '' : missingIncludeHint(doc, include.target);
  return hint === '' ? d.message : `${d.message} (${hint})`;
}

const TOP = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function validate(doc: AnalyzedDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of doc.result.diagnostics) {
    if (d.alsoExpandedFrom === undefined) {
      placeDiagnostic(doc, d, out);
      continue;
    }
    // The same message reached through other macro calls or %include lines: one for each chain,
    // as nasm gives it once for each, so that each call that leads to an error shows it; but one
    // at a call here that several chains in another file pass through.
    const sites = new Set<string>();
    for (const expansion of [d.expansion ?? [], ...d.alsoExpandedFrom]) placeDiagnostic(doc, { ...d, expansion }, out, sites);
  }
  for (const d of virtualizationLints(doc)) out.push(convert(doc, d));
  out.push(...inactiveCode(doc));
  return out;
}

/**
 * The lines of this file in `%if` branches not taken, which nasm skips, as hints tagged
 * Unnecessary: the editor fades them, as clangd and rust-analyzer fade code a condition leaves out.
 */
function inactiveCode(doc: AnalyzedDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of doc.result.inactive ?? []) {
    if (r.file !== doc.path) continue;
    out.push({
      range: { start: { line: r.start, character: 0 }, end: { line: r.end, character: doc.lines[r.end]?.length ?? 0 } },
      severity: DiagnosticSeverity.Hint,
      tags: [DiagnosticTag.Unnecessary],
      code: 'inactive-branch',
      source: 'ringside',
      message: 'Inactive: a branch of %if, %elif or %else that is not taken; nasm skips these lines.',
    });
  }
  return out;
}

/** Adds to `out` what `d` is in this document, if anything; `sites`: the calls here errors from other files were put at already. */
function placeDiagnostic(doc: AnalyzedDocument, d: AsmDiagnostic, out: Diagnostic[], sites?: Set<string>): void {
  if (d.range.file === doc.path) {
    // A warning's code is its nasm class, as nasm names it after the message (`[-w+label-orphan]`):
    // the name to switch it off with. The code actions that do are keyed on it (warningSwitchActions.ts).
    out.push(convert(doc, d, d.severity === 'warning' ? warningClass(d.code, d.message) : d.code));
    return;
  }
  // From the lines -P, --before and --pragma in ringside.assembler.arguments put before the
  // source (or a file they include): written nowhere in the editor, so shown at the top of the
  // file assembled.
  if (doc.path === doc.rootPath && (d.range.file === COMMAND_LINE || d.expansion?.some((r) => r.file === COMMAND_LINE) === true)) {
    if (sites?.has('') === true) return;
    sites?.add('');
    out.push({ ...convert(doc, { ...d, expansion: undefined }), range: TOP, message: `${d.message} (from ringside.assembler.arguments)` });
    return;
  }
  // An error in another file, reached through a %include or macro call written here.
  const site = d.expansion?.find((r) => r.file === doc.path);
  if (site === undefined || d.severity !== 'error') return;
  const key = `${site.start.line}:${site.start.col}`;
  if (sites?.has(key) === true) return;
  sites?.add(key);
  out.push({ ...convert(doc, d), range: toLspRange(site), message: `${d.message} (in ${d.range.file}:${d.range.start.line + 1})` });
}
