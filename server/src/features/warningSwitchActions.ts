// Quick fixes that switch one of nasm's warning classes off (NASM manual §7.13, `[warning]`): on
// the warned line (`[warning push]`, `[warning -CLASS]` ... `[warning pop]`), or for the file.

import { CodeActionKind, DiagnosticSeverity, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver-types';
import { isWarningClass } from '../../../core/src/asm/warning-switches';
import type { AnalyzedDocument } from '../analysis/document';

/** A line's preprocessor directive, lower-cased (`%endif`), or its bracketed `[warning`. */
const DIRECTIVE = /^\s*(%[a-z]+|\[\s*warning\b|warning\b)/i;
/**
 * Lines a wrapper cannot go around: between `[warning push]` before a conditional's line and
 * `[warning pop]` after it, a branch not taken would skip one of the two; before a block's end
 * (or `%exitrep`), the push would be inside the block. A `[warning]` line's own switches would
 * change what the pop restores.
 */
const NO_WRAPPER = /^(%(el)?if|%else|%endif|%end(m|macro|rep)$|%exit(rep|macro)$|\[\s*warning|warning)/;
/** A multi-line macro's definition: nothing in it is assembled until it is called. */
const MACRO_OPENER = /^%i?r?macro$/;
const MACRO_CLOSER = /^%(endm|endmacro)$/;
/** The classes nasm warns in as it reads a line, before any switch on the line before it in a block body has run. */
const READ_WARNINGS: ReadonlySet<string> = new Set(['pp-open-string', 'pp-open-brackets', 'pp-empty-braces']);

/**
 * The actions for a warning of the assembler's in `doc` (its code a nasm class, as validate()
 * gives it): none for an error, even one a `+error` switch made of a warning.
 */
export function warningSwitchActions(doc: AnalyzedDocument, diag: Diagnostic): CodeAction[] {
  const cls = diag.code;
  if (diag.severity !== DiagnosticSeverity.Warning || typeof cls !== 'string' || !isWarningClass(cls)) return [];
  // A `[warning pop]` with nothing pushed goes back to the command line's state before it warns,
  // so no switch before it silences it (measured: `[warning -warn-stack-empty]` then `[warning pop]`
  // warns "warning stack empty [-w+warn-stack-empty]"): the pop is what to remove.
  if (cls === 'warn-stack-empty') return [];
  const out: CodeAction[] = [];
  // A warning given as a macro's body is read (an unterminated `%{` or string, an empty `%{}`)
  // has no expansion behind it: it is silenced around the whole definition, not around the body
  // line, whose switches only run when the macro is called. In a `%rep` body the line's switches
  // run at each repetition, which silences the warnings of assembly and `%warning` there, but not
  // those of reading the line (measured with nasm 2.16.01); a `%rep` line takes no wrapper.
  const expanded = diag.relatedInformation?.some((r) => r.message === 'expanded from here') === true;
  const opener = expanded ? undefined : enclosingBlock(doc.lines, diag.range.start.line, READ_WARNINGS.has(cls));
  const edits = lineEdits(doc, opener ?? diag.range.start.line, cls);
  if (edits !== undefined) out.push(action(doc, diag, `Disable warning ${cls} on this line`, edits));
  if (!switchedOn(doc, cls)) {
    // A file another one %includes: its switch holds on after the %include, in the includer too.
    const scope = doc.rootPath !== doc.path ? 'from this file on' : 'in this file';
    const at = { line: headerEnd(doc), character: 0 };
    out.push(action(doc, diag, `Disable warning ${cls} ${scope}`, [{ range: { start: at, end: at }, newText: `[warning -${cls}]${eol(doc)}` }]));
  }
  return out;
}

/**
 * Whether a `[warning +NAME]` or `[warning *NAME]` line of the file turns the class (or a group
 * or `all` holding it) back on, which a switch at the top would not outlast.
 */
function switchedOn(doc: AnalyzedDocument, cls: string): boolean {
  return doc.lines.some((l) => {
    const m = /^\s*\[\s*warning\s+([+*]?)\s*([a-z-]+)\s*\]/i.exec(l);
    const name = m?.[2].toLowerCase();
    return name !== undefined && (name === 'all' || name === cls || cls.startsWith(`${name}-`));
  });
}

function action(doc: AnalyzedDocument, diag: Diagnostic, title: string, edits: TextEdit[]): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diag], edit: { changes: { [doc.uri]: edits } } };
}

/**
 * `[warning push]` and `[warning -CLASS]` before the line (all of it, when `\` continues it), at
 * its indentation, and `[warning pop]` after: the state after the pop is the one before the push,
 * so nothing else changes (measured with nasm 2.16.01, in a macro body and a `%rep` too; nasm
 * also warns "unknown warning name: push" and "... pop" there, in the unknown-warning class,
 * off unless switched on). A `%macro` line is wrapped with its whole definition, and a `%rep`
 * with a negative count with its body, which then never runs.
 */
function lineEdits(doc: AnalyzedDocument, line: number, cls: string): TextEdit[] | undefined {
  const lines = doc.lines;
  if (line < 0 || line >= lines.length) return undefined;
  let first = line, last = line;
  while (first > 0 && continues(lines[first - 1])) first--;
  while (last < lines.length - 1 && continues(lines[last])) last++;
  const directive = DIRECTIVE.exec(lines[first])?.[1].toLowerCase().replace(/\s+/g, '');
  // The switch lines themselves would warn in this class (see above).
  if (cls === 'unknown-warning' || (directive !== undefined && NO_WRAPPER.test(directive))) return undefined;
  if (directive !== undefined && MACRO_OPENER.test(directive)) last = blockEnd(lines, last, MACRO_OPENER, MACRO_CLOSER);
  else if (directive === '%rep') last = cls === 'pp-rep-negative' ? blockEnd(lines, last, /^%rep$/, /^%endrep$/) : -1;
  if (last < 0) return undefined;
  const indent = /^\s*/.exec(lines[first])![0];
  const nl = eol(doc);
  return [
    { range: { start: { line: first, character: 0 }, end: { line: first, character: 0 } }, newText: `${indent}[warning push]${nl}${indent}[warning -${cls}]${nl}` },
    { range: { start: { line: last, character: lines[last].length }, end: { line: last, character: lines[last].length } }, newText: `${nl}${indent}[warning pop]` },
  ];
}

/**
 * The `%macro` line of the definition `line` is in the body of, or with `rep`, the `%rep` line of
 * the innermost block of either kind around it; none outside such blocks.
 */
function enclosingBlock(lines: readonly string[], line: number, rep: boolean): number | undefined {
  let depth = 0;
  for (let l = line - 1; l >= 0; l--) {
    const d = DIRECTIVE.exec(lines[l])?.[1].toLowerCase();
    if (d === undefined) continue;
    const isRep = rep && /^%rep$/.test(d);
    if (MACRO_CLOSER.test(d) || (rep && d === '%endrep')) depth++;
    else if ((MACRO_OPENER.test(d) || isRep) && depth-- === 0) return l;
  }
  return undefined;
}

/** Whether a line goes on on the next (nasm joins a line that ends in a backslash to the next one). */
function continues(text: string): boolean {
  return text.endsWith('\\');
}

/** The line of the directive that closes the block opened on `from`, counting nested ones (-1: none). */
function blockEnd(lines: readonly string[], from: number, open: RegExp, close: RegExp): number {
  let depth = 1;
  for (let l = from + 1; l < lines.length; l++) {
    const d = DIRECTIVE.exec(lines[l])?.[1].toLowerCase();
    if (d === undefined) continue;
    if (open.test(d)) depth++;
    else if (close.test(d) && --depth === 0) return l;
  }
  return -1;
}

/** The first line after the file's leading comments and blank lines (measured: a switch there holds for all that follows). */
function headerEnd(doc: AnalyzedDocument): number {
  let l = 0;
  while (l < doc.lines.length - 1 && /^\s*(;.*)?$/.test(doc.lines[l]) && !continues(doc.lines[l])) l++;
  return l;
}

function eol(doc: AnalyzedDocument): string {
  return doc.text.includes('\r\n') ? '\r\n' : '\n';
}
