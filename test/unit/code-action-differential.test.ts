// Code actions must never break a program. Every recorded fixture is analysed as the editor does
// (technique `paravirtual`, so sensitive instructions have their diagnostic and action), the code
// actions are asked for at each diagnostic's range with that diagnostic in the context, as VS Code
// sends it, and each that edits the file is applied; nasm then assembles the edited text, run live
// in the fixture's folder under the same name:
//  - "Add operand size": nasm no longer says "operation size not specified" on that line;
//  - "Create label": nasm no longer says the symbol is not defined;
//  - any other quick fix: the error or warning of nasm's the diagnostic stands for is gone from
//    its line (one fewer there);
//  - all of these: nasm reports no error the original did not;
//  - "Paravirtualize": the edited file still assembles when the original did (its bytes change by
//    design, DESIGN.md §4).
// Extra inputs exercise the size and label fixes widely: a fixture nasm accepts with a size
// keyword taken off a memory operand (`mov dword [x], 1` → `mov [x], 1`; adding the keyword back
// must give the fixture's own bytes), and with a label reference renamed to a name defined nowhere.
// ACTIONS_COUNTS=1 prints how many actions of each kind were checked.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { AnalysisCache } from '../../server/src/analysis/analysisCache';
import type { AnalyzedDocument } from '../../server/src/analysis/document';
import { OverlayFileHost } from '../../server/src/analysis/fileHost';
import { pathToUri } from '../../server/src/analysis/paths';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/settings';
import { codeActions } from '../../server/src/features/codeActions';
import { validate } from '../../server/src/features/diagnostics';
import { applyEdits } from '../protocol/analyzeText';
import { findAsm, fixtureArgs } from '../support/nasm-fixtures';
import { nasmOn, nasmScratch } from '../support/nasm-live';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'nasm', 'asm');

/**
 * Fixtures where a code action still gives nasm a new error or leaves its message, each with why
 * (measured with nasm 2.16.01). The spelling fixes are guesses at the nearest name; that name's
 * own operands or place may not suit it.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'err-data-integer-pieces.asm': 'a label created for `dt zz` is refused there too: "integer supplied as 80-bit data"',
  'err-decorator-braces.asm': 'spelling guess: `jz` with the written operands is an expression syntax error',
  'err-extern-listed-refusals.asm': 'a label created for `zz` lets nasm put `dd zz, a` and `dd a, zz` out, and refuse their external name: "binary output format does not support external references"',
  'err-dup-count-undefined.asm': 'a label created for a DUP count is not a constant: "non-constant argument supplied to DUP"',
  'err-extern-times.asm': 'a label created for `zz` makes `[a + zz]` two bases, an external name\'s and the label\'s: "invalid effective address: multiple base segments"',
  'err-list-directive.asm': 'spelling guess: `lidt` with the written operands is an expression syntax error',
  'err-mem-factor-undefined.asm': 'a label created or guessed for a name in a register\'s factor is no number there: "unable to multiply two non-scalar objects"',
  'err-macro-argument-names.asm': 'spelling guess: `Y` is itself not defined where the macro expands',
  'err-pp-not-functions.asm': 'spelling guess: `%define` with the written arguments "expects a macro identifier"',
  'err-pp-unknown-directive-expanded.asm': 'spelling guess: `%pop` with no context pushed',
  'err-pp-unknown-word.asm': 'spelling guesses: `%pop` with no context pushed, `%define` without a name',
  'err-absolute-undefined-dropped.asm': 'a label created for the undefined name lets nasm put the data out in absolute space, which it refuses: "attempt to assemble code in [ABSOLUTE] space"',
  'err-parser-error-silences-final-pass-warnings.asm': 'spelling guesses for `foo bar`: `bsr`, `btr`, `lar` with the written operand are an invalid combination of opcode and operands',
  'err-scaled-label-undefined-name.asm': 'a label created or guessed (`al`, `bl`, `cl`) for the name defined nowhere leaves the scaled label, which nasm then refuses: "invalid operand type", "impossible segment base multiplier", "expression is not simple or relocatable"',
  'err-first-pass-stop-later-lines.asm': 'nasm stops at the first pass\'s error; fixed, it reaches the section attributes\' errors of its second pass',
  'err-second-pass-forward-resb.asm': 'a label created (or guessed) for the `resb` count is no number there: "attempt to reserve non-constant quantity of BSS space"',
  'err-undefined-first-only.asm': 'nasm stops at the undefined symbols; with labels created it reaches `foo * bar`: "unable to multiply two non-scalar objects"',
  'err-wrt-put-out.asm': 'a label created for `zz` puts out the line its undefined name dropped, with its WRT: "WRT not supported by binary output format"',
  'err-wrt-segment.asm': 'a label created for a name after WRT is refused there: "invalid right-hand operand to WRT"',
  'seg-of-unknown.asm': 'a label created for `seg nowhere` is one the bin format has no segment base for: "binary output format does not support segment base references"',
  'rmacro.asm': 'nasm reads nothing after the %rmacro recursion on the last line (`cd 2` then `db 9` gives 02 01 00, as Ringside does): a label created at the end is never defined',
  'environment-nested-rep.asm': 'the line wrapper for pp-environment: nasm reads the variable as the outer %rep captures the inner body\'s line, before the wrapper\'s switch lines there run (their expansion), so it still warns',
  'pp-indirection-open-rounds.asm': 'the line wrapper for pp-open-brackets in a macro body: nasm warns of the outermost `%[` as it reads the definition, before the body\'s switch lines run, and of the inner one at each call, after the wrapper around the definition has popped: no one wrapper silences both',
  'environment-after-exitrep.asm': 'the line wrapper for pp-environment: after `%exitrep` nasm reads the variable as it lists the line, and runs no switch line of the round, so it still warns',
};

/**
 * Programs nasm accepts with each instruction the paravirtualize actions rewrite, in the places
 * they meet: after a label, before a comment, from a macro, in a `%rep` (one action for the line),
 * on a line `\` continues (no action: its columns are the joined line's), in 16-bit code (no
 * action: the hypercall ABI is 32-bit), with the data the rewrite declares going before a
 * trailing `.bss`.
 */
const SYNTHETIC: Readonly<Record<string, string>> = {
  'every-sensitive-instruction.asm': [
    'bits 32', 'org 0x100000', '%macro idle 0', '  hlt', '%endmacro', '%macro wrap 1', '  %1', '%endmacro',
    'start:', '    cli', 'here: sti ; comment', '    hlt', '    idle', '    wrap hlt', '    clts', '    iretd', '    iret',
    '    lidt [idt_desc]', '    lidt [eax + 4]', '    invlpg [ecx + eax*2]', '    invlpg [page]', '    mov cr3, esi', '    mov cr3, ecx',
    '    mov dr0, ebx', '    mov dr7, ecx', '    mov edx, dr6', '    mov eax, dr1', '%rep 2', '    hlt', '%endrep',
    '    mov eax, \\', '        dr2', '    ret', 'idt_desc: dw 0', '    dd 0', 'page: dd 0', '',
  ].join('\n'),
  'sensitive-in-16-and-32-bit-code.asm': [
    'bits 16', 'cpu 286', '    clts', '    cli', 'cpu 386', 'bits 32', '    cli', '    hlt', 'section .bss', 'stack: resb 16', '',
  ].join('\n'),
};

/** One message of nasm's: where (the file's base name and line, 0-based; -1 for none) and what. */
interface NasmMessage { readonly file: string; readonly line: number; readonly severity: 'error' | 'warning'; readonly text: string }

interface NasmRun { readonly ok: boolean; readonly bin: string; readonly messages: readonly NasmMessage[] }

/** nasm on `text` written to `source`, run in `cwd` with `cwd` first on the include path. */
function runNasm(source: string, text: string, args: readonly string[], cwd: string): NasmRun {
  const r = nasmOn(source, text, args, cwd);
  const messages: NasmMessage[] = [];
  for (const l of r.stderr.split('\n')) {
    const m = /^(.*?):(\d+): (error|warning): (.*)$/.exec(l) ?? /^()()(?:nasm: )?(error|warning|fatal): (.*)$/.exec(l);
    if (!m) continue;
    messages.push({ file: path.basename(m[1]), line: m[2] === '' ? -1 : Number(m[2]) - 1, severity: m[3] === 'warning' ? 'warning' : 'error', text: m[4] });
  }
  return { ok: r.code === 0, bin: r.bin, messages };
}

function analyse(file: string, text: string): AnalyzedDocument {
  // The fixture's nasm arguments (its -D defines) as ringside.assembler.arguments.
  const settings = { ...DEFAULT_SETTINGS, technique: 'paravirtual' as const, assemblerArguments: fixtureArgs(file) };
  const cache = new AnalysisCache(new OverlayFileHost(), settings, path.dirname(file));
  const uri = pathToUri(file);
  cache.update(uri, text);
  const doc = cache.analyze(uri);
  assert.ok(doc !== undefined, `no analysis of ${file}`);
  return doc;
}

/** Where line `line` of the original is after `edits`: moved by the lines edits above it (or inserted at its start) add or take away. */
function movedLine(edits: readonly TextEdit[], line: number): number {
  let shift = 0;
  for (const e of edits) {
    const added = e.newText.split('\n').length - 1 - (e.range.end.line - e.range.start.line);
    const atStart = e.range.start.line === line && e.range.end.line === line && e.range.end.character === 0;
    if (e.range.end.line < line || atStart) shift += added;
  }
  return line + shift;
}

function key(m: NasmMessage): string {
  return `${m.file}:${m.line + 1}: ${m.severity}: ${m.text}`;
}

/** nasm's errors after the edit that the original did not have (its lines in the edited file's own file moved as the edits move them). */
function newErrors(before: NasmRun, after: NasmRun, base: string, edits: readonly TextEdit[]): string[] {
  const had = new Map<string, number>();
  for (const m of before.messages) {
    if (m.severity !== 'error') continue;
    const k = key(m.file === base ? { ...m, line: movedLine(edits, m.line) } : m);
    had.set(k, (had.get(k) ?? 0) + 1);
  }
  const out: string[] = [];
  for (const m of after.messages) {
    if (m.severity !== 'error') continue;
    const k = key(m);
    const n = had.get(k) ?? 0;
    if (n > 0) had.set(k, n - 1); else out.push(k);
  }
  return out;
}

/** nasm's messages of a severity on a line of the file. */
function messagesOn(run: NasmRun, base: string, line: number, severity: 'error' | 'warning'): NasmMessage[] {
  return run.messages.filter((m) => m.file === base && m.line === line && m.severity === severity);
}

/** The actions that edit only this file, asked for at each diagnostic with it in the context, each once. */
function actionsOf(doc: AnalyzedDocument, diagnostics: readonly Diagnostic[]): { action: CodeAction; diag: Diagnostic; edits: TextEdit[] }[] {
  const seen = new Set<string>();
  const out: { action: CodeAction; diag: Diagnostic; edits: TextEdit[] }[] = [];
  for (const diag of diagnostics) {
    for (const action of codeActions(doc, diag.range, [diag])) {
      const changes = action.edit?.changes ?? {};
      if (Object.keys(changes).some((u) => u !== doc.uri)) continue;
      const edits = changes[doc.uri] ?? [];
      if (edits.length === 0) continue;
      const id = `${action.title} ${JSON.stringify(edits)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ action, diag, edits });
    }
  }
  return out;
}

/** The counts the suite reports at its end. */
const checked: Record<string, number> = {};

/**
 * What is wrong with each code action on `text` (the fixture `file`), judged by nasm; `restore`:
 * the line a size keyword was taken off, and the fixture's bytes that writing it back must give.
 */
function wrongActions(file: string, text: string, source: string, restore?: { readonly line: number; readonly keyword: string; readonly bin: string }): string[] {
  const args = fixtureArgs(file);
  const cwd = path.dirname(file);
  const base = path.basename(source);
  const doc = analyse(file, text);
  const actions = actionsOf(doc, validate(doc));
  const wrong: string[] = [];
  if (restore !== undefined) {
    // Where nasm wants the size, the fix must be there to give it.
    const before = runNasm(source, text, args, cwd);
    const wants = messagesOn(before, base, restore.line, 'error').some((m) => m.text === 'operation size not specified');
    if (wants && !actions.some((a) => a.diag.range.start.line === restore.line && /^Add operand size/.test(a.action.title))) wrong.push(`line ${restore.line + 1}: nasm says "operation size not specified", no size fix offered`);
  }
  if (actions.length === 0) return wrong;
  const before = runNasm(source, text, args, cwd);
  for (const { action, diag, edits } of actions) {
    const kind = /^Add operand size/.test(action.title) ? 'size' : /^Create label/.test(action.title) ? 'label'
      : /^Paravirtualize/.test(action.title) ? 'paravirtualize' : action.title.replace(/ `.*|warning .*/, '');
    checked[kind] = (checked[kind] ?? 0) + 1;
    const edited = applyEdits(text, edits);
    const after = runNasm(source, edited, args, cwd);
    const at = `line ${diag.range.start.line + 1}: ${action.title}`;
    if (kind === 'paravirtualize') {
      if (before.ok && !after.ok) wrong.push(`${at}: nasm refuses the edited file: ${after.messages.filter((m) => m.severity === 'error').map(key).join(' | ')}`);
      continue;
    }
    const added = newErrors(before, after, base, edits);
    if (added.length > 0) wrong.push(`${at}: new errors: ${added.join(' | ')}`);
    const line = movedLine(edits, diag.range.start.line);
    if (kind === 'size') {
      if (messagesOn(after, base, line, 'error').some((m) => m.text === 'operation size not specified')) wrong.push(`${at}: nasm still says the size is not specified`);
      if (restore !== undefined && restore.line === diag.range.start.line && action.title.includes(`\`${restore.keyword}\``) && after.bin !== restore.bin) {
        wrong.push(`${at}: the keyword taken off written back, but not the fixture's bytes`);
      }
    } else if (kind === 'label') {
      const name = /`(.*)`/.exec(action.title)![1];
      const undefinedName = (m: NasmMessage) => m.severity === 'error' && /^symbol `(.*)' not defined/.exec(m.text)?.[1].split('.').pop() === name.split('.').pop();
      if (after.messages.some(undefinedName)) wrong.push(`${at}: nasm still says the symbol is not defined`);
    } else {
      // A warning by its class, as nasm tags it (`[-w+db-empty]`); an error by its line.
      const severity = diag.severity === 1 ? 'error' : 'warning';
      const tag = `[-w+${String(diag.code)}]`;
      const fixed = (run: NasmRun, l: number) => messagesOn(run, base, l, severity).filter((m) => severity === 'error' || m.text.endsWith(tag)).length;
      const was = fixed(before, diag.range.start.line);
      if (was > 0 && fixed(after, line) >= was) wrong.push(`${at}: nasm's ${severity} on the line is still there`);
    }
  }
  return wrong;
}

/** The fixture's lines with a size keyword before a memory operand: the line, the keyword, and the text without it. */
function sizeRemovals(text: string): { line: number; keyword: string; text: string }[] {
  const lines = text.split('\n');
  const out: { line: number; keyword: string; text: string }[] = [];
  lines.forEach((l, i) => {
    const m = /^(\s*(?:[A-Za-z_.][\w.$@?#~]*:?\s+)?[A-Za-z]+\s+(?:[^;'"`]*,\s*)?)(byte|word|dword)\s+(\[[^;'"`]*(?:;.*)?)$/i.exec(l.replace(/\r$/, ''));
    if (!m) return;
    const copy = [...lines];
    copy[i] = `${m[1]}${m[3]}${l.endsWith('\r') ? '\r' : ''}`;
    out.push({ line: i, keyword: m[2].toLowerCase(), text: copy.join('\n') });
  });
  return out;
}

/** The fixture with one written reference to a label renamed to a name defined nowhere. */
function labelRenames(file: string, text: string): string[] {
  const doc = analyse(file, text);
  const labels = new Set(doc.result.symbols.filter((s) => s.kind === 'label' || s.kind === 'local-label').map((s) => s.name));
  const out: string[] = [];
  for (const r of doc.result.references) {
    if (r.range.file !== doc.path || r.pieces !== undefined || !labels.has(r.name) || r.range.start.line !== r.range.end.line) continue;
    const line = doc.lines[r.range.start.line];
    const written = line.slice(r.range.start.col, r.range.end.col);
    if (written !== r.name && `.${r.name.split('.').pop()}` !== written) continue;
    // A whole operand of an instruction (`jmp x`, `mov eax, x`): in a sum or a difference
    // (`dd b - a`) the label created at the end gives other values, which may not fit.
    const statement = doc.index.statementsOn(r.range.start.line).find((s) => s.mnemonic !== undefined && !s.mnemonic.isDirective
      && s.operands.some((o) => o.text.trim() === written && o.range.start.col <= r.range.start.col && r.range.end.col <= o.range.end.col));
    if (statement === undefined) continue;
    const fresh = written.startsWith('.') ? '.nowhere_defined' : 'nowhere_defined';
    out.push(applyEdits(text, [{ range: toRange(r.range), newText: fresh }]));
    if (out.length === 2) break;
  }
  return out;
}

function toRange(r: { start: { line: number; col: number }; end: { line: number; col: number } }) {
  return { start: { line: r.start.line, character: r.start.col }, end: { line: r.end.line, character: r.end.col } };
}

describe('code actions keep every recorded fixture a program nasm accepts', function () {
  this.timeout(120_000);
  const scratch = nasmScratch('ringside-actions-');
  if (scratch === undefined) return;
  after(() => { if (process.env.ACTIONS_COUNTS) console.log(checked); });

  for (const [name, text] of Object.entries(SYNTHETIC)) {
    it(name, () => {
      const file = path.join(scratch, name);
      fs.writeFileSync(file, text, 'latin1');
      assert.ok(runNasm(file, text, [], scratch).ok, 'nasm refuses the program as written');
      assert.deepEqual(wrongActions(file, text, file), []);
    });
  }

  for (const file of findAsm(FIXTURES)) {
    const name = path.relative(FIXTURES, file);
    it(name, () => {
      const text = fs.readFileSync(file, 'latin1');
      const source = path.join(scratch, path.basename(file));
      const wrong = wrongActions(file, text, source);
      if (fs.existsSync(file.replace(/\.asm$/, '.bin'))) {
        const args = fixtureArgs(file);
        const original = runNasm(source, text, args, path.dirname(file));
        for (const removal of sizeRemovals(text)) {
          const w = wrongActions(file, removal.text, source, { line: removal.line, keyword: removal.keyword, bin: original.bin });
          wrong.push(...w.map((x) => `without \`${removal.keyword}\` on line ${removal.line + 1}: ${x}`));
        }
        for (const renamed of labelRenames(file, text)) wrong.push(...wrongActions(file, renamed, source).map((x) => `a label renamed: ${x}`));
      }
      const known = KNOWN_DIFFERENCES[name];
      if (known !== undefined) assert.notDeepEqual(wrong, [], `no longer differs: take it out of KNOWN_DIFFERENCES (${known})`);
      else assert.deepEqual(wrong, []);
    });
  }
});
