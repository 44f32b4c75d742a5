// "Change to ..." quick fixes for a misspelt name: an undefined symbol (a label, constant or
// macro of the assembly, a `.local` label of the same scope, or a register where one may stand), an unknown
// instruction or a label-orphan word that is one mistyped, and an unknown `%` directive. The
// candidates are the names closest to the written one by edit distance (a swap of two neighbours
// counts once), within a distance that grows with the name's length; nasm's names are
// case-insensitive, symbols are not.

import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver-types';
import type { SymbolInfo } from '../../../core/src/asm/api';
import { addresses } from '../../../core/src/isa/encode-ea';
import type { AnalyzedDocument } from '../analysis/document';
import { DIRECTIVES, PREPROCESSOR_DIRECTIVES } from '../syntax/directives';
import { allMnemonics, allRegisters, instructionFor, matchForm, writtenOperand } from '../syntax/isaIndex';
import { scopeLabelAt } from './symbolAt';

/** At most this many fixes for one name, the closest first. */
const MAX_FIXES = 3;

export function spellingFixes(doc: AnalyzedDocument, diag: Diagnostic): CodeAction[] {
  const r = diag.range;
  if (r.start.line !== r.end.line || r.end.character <= r.start.character) return [];
  const written = doc.lines[r.start.line]?.slice(r.start.character, r.end.character) ?? '';
  let names: readonly Candidate[];
  switch (diag.code) {
    case 'undefined-symbol':
      // A misspelt register reads as a symbol nasm does not know too (`mov eax, exb`); not one
      // written with `$`, which says it is a name and no reserved word (NASM manual §3.1).
      names = [...symbolNames(doc, r.start.line, written, typeof diag.message === 'string' && diag.message.endsWith('not defined before use')).map((name) => ({ name, caseMatters: true })),
        ...(written.startsWith('$') ? [] : registersAt(doc, r.start.line, r.start.character, written)).map((name) => ({ name, caseMatters: false }))];
      break;
    case 'unknown-mnemonic':
      names = [...allMnemonics(), ...DIRECTIVES.map((d) => d.name), ...macroNames(doc)].map((name) => ({ name, caseMatters: false }));
      break;
    case 'label-orphan':
      // A word alone on its line: only an instruction with a form of no operands, or a macro
      // taking none, stands there (`done` changed to `jne` is "invalid combination of opcode
      // and operands", measured with nasm 2.16.01).
      names = [...allMnemonics().filter((m) => instructionFor(m)?.forms.some((f) => f.operands.length === 0) === true), ...macroNames(doc, 0)]
        .map((name) => ({ name, caseMatters: false }));
      break;
    case 'unknown-directive':
      if (!written.startsWith('%')) return [];
      names = PREPROCESSOR_DIRECTIVES.map((d) => ({ name: d.name, caseMatters: false }));
      break;
    default:
      return [];
  }
  // A word written against its operand (`x equ0`, `db1`): the fix is the blank between them, not
  // a word that drops the operand.
  const closest = nearest(written, names).map((name) => {
    const rest = written.slice(name.length);
    return written.toLowerCase().startsWith(name.toLowerCase()) && /^[0-9]/.test(rest) ? `${name} ${rest}` : name;
  });
  return closest.map((name, i) => ({
    title: `Change to \`${name}\``,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    isPreferred: closest.length === 1 && i === 0,
    edit: { changes: { [doc.uri]: [{ range: r, newText: name }] } },
  }));
}

/**
 * The names an operand on `line` could mean: the assembly's labels, constants, single-line
 * macros and structure names and fields, and for a written `.x` the local labels under the
 * label above the line, as written (`.loop`); where nasm wants a name `beforeUse` (a critical
 * expression: `absolute a` before `a:` is "symbol `a' not defined before use"), those defined
 * above the line alone, and none for a name defined below it (not misspelt: misplaced).
 */
function symbolNames(doc: AnalyzedDocument, line: number, written: string, beforeUse: boolean): string[] {
  if (written.startsWith('.') && !written.startsWith('..')) {
    const scope = scopeLabelAt(doc, line);
    return doc.result.symbols.filter((s) => s.kind === 'local-label' && s.parent === scope?.name).map((s) => s.shortName);
  }
  // A preprocessor expression (`%if`, `%assign`, `%rep`) takes no label ("non-constant value
  // given to `%if'"), and a constant or single-line macro only from above, the macro without a
  // parameter list ("symbol `x' not defined before use"), measured with nasm 2.16.01.
  const preprocessor = /^\s*%/.test(doc.lines[line] ?? '');
  const above = (s: SymbolInfo) => s.definition.file !== doc.path || s.definition.start.line < line;
  if (beforeUse && doc.result.symbols.some((s) => s.name === written)) return [];
  // (A single-line macro whose `%assign` failed is none to nasm: `%assign v a + (al & 3)` with `a`
  // undefined leaves `v` undefined, measured with nasm 2.16.01.)
  const failed = (s: SymbolInfo) => s.kind === 'define' && doc.result.diagnostics.some((d) => d.severity === 'error' && d.range.file === s.definition.file && d.range.start.line === s.definition.start.line);
  return doc.result.symbols
    .filter((s) => !failed(s))
    .filter((s) => preprocessor
      ? ((s.kind === 'define' && s.parameters === undefined) || s.kind === 'constant') && above(s)
      : (s.kind === 'label' || s.kind === 'constant' || s.kind === 'define' || s.kind === 'struc' || s.kind === 'struc-field' || s.kind === 'local-label') && (!beforeUse || above(s)))
    .map((s) => s.name)
    .filter((n) => !n.startsWith('..@'));
}

/**
 * The registers a word at (line, col) could stand for: only in an instruction's operands (in
 * data, a `%rep` or `%if` count or a directive's value nasm refuses a register: "expression is not
 * simple or relocatable", "non-constant value given to `%rep'"), and inside brackets only the
 * ones an effective address takes (`[dl]` is "invalid 32-bit effective address").
 */
function registersAt(doc: AnalyzedDocument, line: number, col: number, written: string): string[] {
  const statement = doc.index.statementsOn(line).find((s) => s.operands.some((o) => o.range.start.line === line && o.range.start.col <= col && col < o.range.end.col));
  if (statement?.mnemonic === undefined || statement.mnemonic.isDirective) return [];
  const text = doc.lines[line];
  const inBrackets = text.lastIndexOf('[', col) > text.lastIndexOf(']', col);
  // A register that is the whole operand must give the instruction a form: `jmp fs` is "invalid
  // combination of opcode and operands" (measured with nasm 2.16.01), `jmp bx` is one.
  const spec = instructionFor(statement.mnemonic.name);
  const texts = statement.operands.map((o) => o.text);
  const whole = texts.findIndex((t) => t.trim() === written);
  const fits = (name: string): boolean => spec === undefined || whole < 0
    || matchForm(spec, texts.map((t, i) => writtenOperand(i === whole ? name : t))) !== undefined;
  return allRegisters().filter((x) => (!inBrackets || addresses(x)) && fits(x.name)).map((x) => x.name);
}

/** The multi-line macros' names; with `args`, of those a call with that many arguments fits. */
function macroNames(doc: AnalyzedDocument, args?: number): string[] {
  return doc.result.symbols
    .filter((s) => s.kind === 'macro' && (args === undefined || s.params === undefined || (s.params.min <= args && (s.params.max === 'greedy' || args <= s.params.max))))
    .map((s) => s.shortName);
}

/** A name a misspelling may stand for; nasm's own names (mnemonics, registers, directives) are case-insensitive, symbols are not. */
interface Candidate {
  readonly name: string;
  readonly caseMatters: boolean;
}

/** The names nearest to `written`, if near enough (none for an exact match: nothing to fix). */
function nearest(written: string, names: readonly Candidate[]): string[] {
  const limit = written.length <= 3 ? 1 : written.length <= 6 ? 2 : 3;
  let best = limit + 1;
  let out: string[] = [];
  const seen = new Set<string>();
  for (const { name, caseMatters } of names) {
    if (seen.has(name) || Math.abs(name.length - written.length) > limit) continue;
    seen.add(name);
    // (Capped one past the best so far: a result equal to it is exact.)
    const d = caseMatters ? distance(written, name, best + 1) : distance(written.toLowerCase(), name.toLowerCase(), best + 1);
    if (d === 0) return [];
    if (d > limit) continue;
    if (d < best) { best = d; out = [name]; } else if (d === best) out.push(name);
  }
  return out.sort().slice(0, MAX_FIXES);
}

/**
 * The optimal-string-alignment distance of `a` and `b` (insertions, deletions, substitutions and
 * swaps of neighbours, each 1), or `cap` or more when it is at least `cap`.
 */
export function distance(a: string, b: string, cap: number): number {
  const n = a.length, m = b.length;
  if (Math.abs(n - m) >= cap) return cap;
  let before = new Array<number>(m + 1).fill(0);
  let row = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const next = new Array<number>(m + 1);
    next[0] = i;
    let least = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      next[j] = d;
      if (d < least) least = d;
    }
    if (least >= cap) return cap;
    before = row;
    row = next;
  }
  return Math.min(row[m], cap);
}
