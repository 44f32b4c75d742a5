// `[warning +name]`, `[warning -name]`, `[warning *name]` (NASM manual §7.13, `-w` names in §2.1.26):
// nasm's warning classes, which of Ringside's warnings falls in each, and which are on from each line on.

import type { Diagnostic } from './api';
import { wordTable } from '../word-table';

/** nasm 2.16's warning classes (`nasm -h`) and whether each is on by default ('error': on, and an error). */
const CLASSES: Readonly<Record<string, 'on' | 'off' | 'error'>> = wordTable({
  'db-empty': 'on', 'ea-absolute': 'on', 'ea-dispsize': 'on', 'float-denorm': 'off', 'float-overflow': 'on', 'float-toolong': 'on',
  'float-underflow': 'off', forward: 'on', 'label-orphan': 'on', 'label-redef': 'off', 'label-redef-late': 'error', 'number-overflow': 'on',
  'obsolete-nop': 'on', 'obsolete-removed': 'on', 'obsolete-valid': 'on', phase: 'off', 'pp-else-elif': 'on', 'pp-else-else': 'on',
  'pp-empty-braces': 'on', 'pp-environment': 'on', 'pp-macro-def-case-single': 'on', 'pp-macro-def-greedy-single': 'on',
  'pp-macro-def-param-single': 'error', 'pp-macro-defaults': 'on', 'pp-macro-params-legacy': 'on', 'pp-macro-params-multi': 'on',
  'pp-macro-params-single': 'on', 'pp-macro-redef-multi': 'on', 'pp-open-braces': 'on', 'pp-open-brackets': 'on', 'pp-open-string': 'on',
  'pp-rep-negative': 'on', 'pp-sel-range': 'on', 'pp-trailing': 'on', 'pragma-bad': 'off', 'pragma-empty': 'off', 'pragma-na': 'off',
  'pragma-unknown': 'off', 'prefix-bnd': 'on', 'prefix-hle': 'on', 'prefix-lock': 'on', 'prefix-opsize': 'on', 'prefix-seg': 'on', ptr: 'on',
  regsize: 'on', 'unknown-warning': 'off', user: 'on', 'warn-stack-empty': 'on', zeroing: 'on', 'zext-reloc': 'on', other: 'on',
});

/** Older names nasm 2.16 still takes for a class or a group (measured with +unknown-warning). */
const OLD_NAMES: Readonly<Record<string, string>> = wordTable({
  'orphan-labels': 'label-orphan', 'macro-params': 'pp-macro-params', 'macro-params-single': 'pp-macro-params-single',
  'macro-params-multi': 'pp-macro-params-multi', 'macro-params-legacy': 'pp-macro-params-legacy', 'macro-defaults': 'pp-macro-defaults',
  'macro-def-case-single': 'pp-macro-def-case-single', 'macro-def-greedy-single': 'pp-macro-def-greedy-single',
  'macro-def-param-single': 'pp-macro-def-param-single', bnd: 'prefix-bnd', hle: 'prefix-hle', lock: 'prefix-lock',
  environment: 'pp-environment', 'unknown-pragma': 'pragma-unknown', 'bad-pragma': 'pragma-bad', 'not-my-pragma': 'pragma-na',
  'negative-rep': 'pp-rep-negative',
});

/** nasm's warning classes, each with whether it is on by default ('error': on, and an error), in nasm's order. */
export function warningClasses(): readonly (readonly [string, 'on' | 'off' | 'error'])[] {
  return Object.entries(CLASSES);
}

/** Whether `name` is one of nasm's warning classes (what `[warning -name]` takes, besides groups and old names). */
export function isWarningClass(name: string): boolean {
  return Object.hasOwn(CLASSES, name);
}

/** The nasm class of one of Ringside's warnings, by its code (and message, where one code covers several). */
export function warningClass(code: string, message: string): string {
  switch (code) {
    case 'user-warning': return 'user';
    case 'label-orphan': case 'number-overflow': case 'db-empty': case 'float-overflow': case 'regsize': case 'zeroing': case 'ptr': case 'forward': case 'zext-reloc': return code;
    case 'data-overflow': case 'out-of-range': case 'selector-range': return 'number-overflow';
    case 'macro-args': return message.includes('exists, but not taking') ? 'pp-macro-params-multi' : 'pp-macro-params-legacy';
    // (The directive as written: `%ELSE' after `%else', `%elifdef' after `%else'.)
    case 'syntax': return /^`%else' after `%else'/i.test(message) ? 'pp-else-else' : /^`%elif\w*' after `%else'/i.test(message) ? 'pp-else-elif' : 'other';
    case 'rep-negative': return 'pp-rep-negative';
    case 'encode':
      if (message === 'instruction is not lockable') return 'prefix-lock';
      if (message.startsWith('instruction obsolete')) return message.includes('removed') ? 'obsolete-removed' : 'obsolete-valid';
      return message.startsWith('invalid operand size prefix') ? 'prefix-opsize' : 'other';
    case 'unknown-warning': case 'warn-stack-empty': return code;
    case 'macro-def-param-single': return 'pp-macro-def-param-single';
    case 'macro-params-single': return 'pp-macro-params-single';
    case 'macro-redef-multi': return 'pp-macro-redef-multi';
    case 'trailing': return 'pp-trailing';
    case 'open-string': return 'pp-open-string';
    case 'macro-def-case-single': return 'pp-macro-def-case-single';
    // (A code that is a class's name is of that class.)
    default: return CLASSES[code] !== undefined ? code : 'other';
  }
}

/**
 * The switch nasm names after a warning, the one that would turn it off: ` [-w+CLASS]`, and
 * ` [-w+error=CLASS]` for a warning a `-w+error`/`[warning +error=...]` switch made an error.
 * nasm 2.16.01 ends every warning with it, whatever `-w`/`[warning]` switches said (measured),
 * on the command line and in the listing alike.
 */
export function switchTag(d: Pick<Diagnostic, 'severity' | 'code' | 'message' | 'warningClass'>): string {
  if (d.severity === 'warning') return ` [-w+${warningClass(d.code, d.message)}]`;
  return d.warningClass !== undefined && d.severity === 'error' ? ` [-w+error=${d.warningClass}]` : '';
}

/** Which classes are off, and which are errors. */
interface WarningState {
  readonly off: ReadonlySet<string>;
  readonly error: ReadonlySet<string>;
}

const DEFAULTS: WarningState = {
  off: new Set(Object.keys(CLASSES).filter((c) => CLASSES[c] === 'off')),
  error: new Set(Object.keys(CLASSES).filter((c) => CLASSES[c] === 'error')),
};

/** A warning the switches themselves give (an unknown name, a `pop` with nothing pushed). */
export interface SwitchWarning { readonly code: 'unknown-warning' | 'warn-stack-empty'; readonly message: string }

/** A warning about a command-line `-w` option, with its class and whether the options before it made that an error. */
export interface CommandLineWarning { readonly verdict: 'on' | 'error'; readonly message: string; readonly warningClass: string }

/**
 * What nasm's command-line `-w` options say (NASM manual §2.1.26), each as `-w` takes it (`+name`,
 * `-error=name`, `all`...): problems in them as nasm reports them, before assembling, and only
 * while unknown-warning is on at that point of the command line (measured: `-w+foo
 * -w+unknown-warning` says nothing, `-w+unknown-warning -w+error=unknown-warning -w+foo` prints
 * "nasm: error: unknown warning name: foo [-w+error=unknown-warning]" and exits 1).
 */
export function commandLineWarnings(specs: readonly string[]): readonly CommandLineWarning[] {
  return new WarningSwitches(specs).commandLine;
}

/**
 * The `[warning ...]` lines of one assembly, in the order of the preprocessed lines, and the
 * state after each. A warning reported for a position (a line index, or the count of lines the
 * preprocessor had passed on) follows the switches on the lines before it, as nasm's do.
 * The command line's `-w` options set the state the source starts from, that `[warning *name]`
 * and a `[warning pop]` with nothing pushed go back to; the source's switches override them
 * (measured: `-w-number-overflow` with `[warning +number-overflow]` warns, and the reverse does not).
 */
export class WarningSwitches {
  private readonly lines: number[] = [];
  private readonly states: WarningState[] = [];
  private readonly pushed: WarningState[] = [];
  private base = DEFAULTS;
  private state = DEFAULTS;
  /** What the command line's options themselves warn, shown or made errors as the options before each said. */
  readonly commandLine: CommandLineWarning[] = [];

  constructor(commandLine: readonly string[] = []) {
    for (const spec of commandLine) {
      for (const w of this.apply(spec.trim())) {
        const c = warningClass(w.code, w.message);
        if (!this.state.off.has(c)) this.commandLine.push({ verdict: this.state.error.has(c) ? 'error' : 'on', message: w.message, warningClass: c });
      }
    }
    this.base = this.state;
  }

  /**
   * Applies `[warning SPEC]` on line `line` (lines in increasing order); what it warns, to be
   * reported as of the next line (the state it made decides whether they show: measured).
   */
  switchAt(line: number, spec: string): SwitchWarning[] {
    const before = this.state;
    const problems = this.apply(spec.trim());
    if (this.state !== before) { this.lines.push(line); this.states.push(this.state); }
    return problems;
  }

  /** How a warning of `code` reported at `position` is to be shown, if at all. */
  verdict(code: string, message: string, position: number): 'off' | 'on' | 'error' {
    let state = this.base;
    for (let k = 0; k < this.lines.length && this.lines[k] < position; k++) state = this.states[k];
    const c = warningClass(code, message);
    return state.off.has(c) ? 'off' : state.error.has(c) ? 'error' : 'on';
  }

  /** Applies one switch; names match in any case, an unknown one is named as written (measured: `FOO`). */
  private apply(written: string): SwitchWarning[] {
    const spec = written.toLowerCase();
    // nasm looks `push` and `pop` up as names too: unknown ones (measured).
    if (spec === 'push') { this.pushed.push(this.state); return [unknown(written)]; }
    if (spec === 'pop') {
      const top = this.pushed.pop();
      this.state = top ?? this.base;
      return top === undefined ? [{ code: 'warn-stack-empty', message: 'warning stack empty' }, unknown(written)] : [unknown(written)];
    }
    // Without a sign, `no-` (any case) is `-`, as in nasm's set_warning_status (measured with nasm
    // 2.16.01: `-wno-label-orphan` and `[warning no-label-orphan]` turn it off, `-wno-error` makes
    // no class an error; `-w+no-label-orphan` names an unknown class).
    const negated = spec.startsWith('no-');
    const how = spec[0] === '+' || spec[0] === '-' || spec[0] === '*' ? spec[0] : negated ? '-' : '+';
    const skip = how === spec[0] ? 1 : negated ? 3 : 0;
    // (A blank after the sign is the name's: measured with nasm 2.16.01, `[warning - prefix]` is
    // "unknown warning name:  prefix" and switches nothing.)
    let name = spec.slice(skip);
    // `error=name` (or `error` alone: every class) sets whether the class is an error, not whether it is on.
    const error = name === 'error' || name.startsWith('error=');
    if (error) name = name === 'error' ? 'all' : name.slice('error='.length);
    name = OLD_NAMES[name] ?? name;
    const classes = Object.keys(CLASSES).filter((c) => name === 'all' || c === name || c.startsWith(name + '-'));
    if (classes.length === 0) return [unknown(written.slice(skip).slice(error ? 'error='.length : 0))];
    const off = new Set(this.state.off), errors = new Set(this.state.error);
    const set = error ? errors : off;
    for (const c of classes) {
      const flagged = how === '*' ? (error ? this.base.error.has(c) : this.base.off.has(c)) : (how === '-') !== error;
      if (flagged) set.add(c); else set.delete(c);
    }
    this.state = { off, error: errors };
    return [];
  }
}

function unknown(name: string): SwitchWarning {
  return { code: 'unknown-warning', message: `unknown warning name: ${name}` };
}
