// Completion of the words a directive takes after its name: `bits 16|32`, `cpu` levels, `float`
// modes, `default`, `sectalign on|off`, a section's attributes, `[warning ±class]`, `[map ...]`,
// `%use` and `%ifusable` packages, `alignmode` modes and `%pragma ringside technique NAME`. In
// those places the operand lists (registers, labels) would be wrong. Hover says what each word
// does (directiveWordAt). Every word offered here is one nasm 2.16.01 takes there
// (test/unit/lsp-directive-arguments.test.ts checks each with nasm).

import { warningClasses } from '../../../core/src/asm/warning-switches';
import { cpuNames } from '../../../core/src/isa/cpu-level';
import { TECHNIQUES } from '../../../core/src/isa/types';
import { CompletionItemKind, MarkupKind, type CompletionItem } from 'vscode-languageserver-types';
import { USE_PACKAGES } from '../syntax/directives';

/** A word a directive takes, with what it does. */
export interface ArgumentWord {
  readonly word: string;
  readonly doc: string;
  /** Taking it asks for the next list (`error=` in `[warning +error=…]`, `+` before a class). */
  readonly more?: boolean;
}

/** The words for the cursor's place, and the column the word being typed starts at. */
export interface DirectiveArguments {
  readonly words: readonly ArgumentWord[];
  readonly start: number;
}

/** The sections the document's assembly declared (offered after `section` besides the usual three). */
type KnownSections = () => readonly string[];

const BITS: readonly ArgumentWord[] = [
  { word: '32', doc: '32-bit code: the default operand and address size is 32 bits.' },
  { word: '16', doc: '16-bit code: the default operand and address size is 16 bits (real mode, or a 16-bit segment).' },
];

const FLOAT: readonly ArgumentWord[] = [
  { word: 'near', doc: 'Round float constants to the nearest value (the default).' },
  { word: 'up', doc: 'Round float constants towards +infinity.' },
  { word: 'down', doc: 'Round float constants towards -infinity.' },
  { word: 'zero', doc: 'Round float constants towards zero.' },
  { word: 'daz', doc: 'Denormal float constants become zero.' },
  { word: 'nodaz', doc: 'Denormal float constants are kept (the default).' },
  { word: 'default', doc: 'Back to nearest rounding and denormals kept.' },
];

const DEFAULT: readonly ArgumentWord[] = [
  { word: 'abs', doc: 'Memory operands are absolute (the only meaning in 16/32-bit code).' },
  { word: 'rel', doc: 'RIP-relative memory operands, which only 64-bit code has: accepted, no effect here.' },
  { word: 'nobnd', doc: 'No implicit BND prefix on branches (the default).' },
  { word: 'bnd', doc: 'An implicit BND prefix on branches (MPX).' },
];

const SECTALIGN: readonly ArgumentWord[] = [
  { word: 'off', doc: '`align`/`alignb` no longer raise the section\'s alignment.' },
  { word: 'on', doc: '`align`/`alignb` raise the section\'s alignment again (the default).' },
];

const SECTION_ATTRIBUTES: readonly ArgumentWord[] = [
  { word: 'progbits', doc: 'The section holds bytes in the output file.' },
  { word: 'nobits', doc: 'The section only reserves space (like `.bss`): nothing of it is in the file.' },
  { word: 'align=', doc: 'The section starts at a multiple of this power of two.' },
  { word: 'start=', doc: 'The section\'s address in the file image (from `org`).' },
  { word: 'vstart=', doc: 'The address the section\'s labels have at run time, when that differs from where it is loaded.' },
  { word: 'follows=', doc: 'The section is placed right after the named section.' },
  { word: 'vfollows=', doc: 'The section\'s run-time addresses follow those of the named section.' },
  { word: 'valign=', doc: 'The run-time address is a multiple of this power of two.' },
];

const SECTION_NAMES: readonly ArgumentWord[] = [
  { word: '.text', doc: 'Code: progbits, placed first in the file.' },
  { word: '.data', doc: 'Initialized data: progbits, aligned to 4 unless `align=` says otherwise.' },
  { word: '.bss', doc: 'Uninitialized data: nobits (no bytes in the file), placed after the progbits sections.' },
];

const MAP: readonly ArgumentWord[] = [
  { word: 'all', doc: 'Everything: the origin, the sections in detail and the symbols.' },
  { word: 'brief', doc: 'The origin and a summary of the sections.' },
  { word: 'sections', doc: 'The sections in detail.' },
  { word: 'segments', doc: 'The sections in detail (another name for `sections`).' },
  { word: 'symbols', doc: 'The symbols with their real and virtual addresses.' },
];

const ALIGN_MODES: readonly ArgumentWord[] = [
  { word: 'generic', doc: 'NOPs that suit every processor (the default of `%use smartalign`).' },
  { word: 'nop', doc: 'Single-byte NOPs.' },
  { word: 'k7', doc: 'AMD K7 NOPs.' },
  { word: 'k8', doc: 'AMD K8 NOPs.' },
  { word: 'p6', doc: 'Intel P6 multi-byte NOPs (`0F 1F /0`).' },
];

const WARNING_SWITCHES: readonly ArgumentWord[] = [
  { word: '+', doc: 'Turn a class on from the next line.', more: true },
  { word: '-', doc: 'Turn a class off from the next line.', more: true },
  { word: '*', doc: 'Set a class back to its default from the next line.', more: true },
  { word: 'push', doc: 'Save the warning switches (`[warning pop]` restores them).' },
  { word: 'pop', doc: 'Restore the switches the last `[warning push]` saved.' },
];

let warningWords: ArgumentWord[] | undefined;

/** nasm's classes, its groups (every class beginning `GROUP-`) and `all`, after a `+`, `-` or `*`. */
function warningNames(): readonly ArgumentWord[] {
  if (warningWords) return warningWords;
  const classes = warningClasses();
  const out: ArgumentWord[] = [{ word: 'all', doc: 'Every warning class.' }, { word: 'error=', doc: 'Make a class (or `all`) an error, or no longer one.', more: true }];
  const groups = new Set<string>();
  for (const [name] of classes) {
    for (let dash = name.indexOf('-'); dash > 0; dash = name.indexOf('-', dash + 1)) groups.add(name.slice(0, dash));
  }
  for (const g of groups) {
    if (classes.filter(([c]) => c.startsWith(`${g}-`)).length > 1) out.push({ word: g, doc: `Every class whose name begins \`${g}-\`.` });
  }
  for (const [name, state] of classes) {
    out.push({ word: name, doc: state === 'error' ? 'On and an error by default.' : `${state === 'on' ? 'On' : 'Off'} by default.` });
  }
  return (warningWords = out);
}

let cpuWords: ArgumentWord[] | undefined;

function cpuLevels(): readonly ArgumentWord[] {
  const level = ['8086', '186', '286', '386', '486', 'Pentium (586)', 'P6 (686): every instruction of the dialect'];
  return (cpuWords ??= cpuNames().map(([name, rank]) => ({ word: name, doc: name === 'default' ? 'Back to the default: every instruction (686).' : `Allows the instructions of the ${level[rank]}.` })));
}

/** After `follows=`: the sections the file declares, but the one being declared (it cannot follow itself). */
function declaredSections(known: KnownSections, match: RegExpExecArray): readonly ArgumentWord[] {
  return known().filter((name) => name !== match[1]).map((word) => ({ word, doc: 'A section this file declares.' }));
}

function sectionNames(known: KnownSections): readonly ArgumentWord[] {
  const usual = new Set(SECTION_NAMES.map((w) => w.word));
  return [...SECTION_NAMES, ...known().filter((n) => !usual.has(n)).map((word) => ({ word, doc: 'A section this file declares.' }))];
}

function packages(): readonly ArgumentWord[] {
  return [...USE_PACKAGES].map(([word, doc]) => ({ word, doc }));
}

/** A rule: the line up to the cursor, matched; the last group is the word being typed. */
interface Rule {
  readonly before: RegExp;
  /** What takes the words, as a hover names it. */
  readonly directive: string;
  /** `match`: the rule's match (declaredSections reads the section's own name from it). */
  readonly words: (sections: KnownSections, match: RegExpExecArray) => readonly ArgumentWord[];
}

// A directive may be bracketed (`[bits 32]`), as nasm's primitive form; `section` and `segment` alike.
const RULES: readonly Rule[] = [
  { directive: 'bits', before: /^\s*\[?\s*bits\s+(\w*)$/i, words: () => BITS },
  { directive: 'cpu', before: /^\s*\[?\s*cpu\s+([\w-]*)$/i, words: cpuLevels },
  { directive: 'float', before: /^\s*\[?\s*float\s+(\w*)$/i, words: () => FLOAT },
  { directive: 'default', before: /^\s*\[?\s*default\s+(\w*)$/i, words: () => DEFAULT },
  { directive: 'sectalign', before: /^\s*\[?\s*sectalign\s+(\w*)$/i, words: () => SECTALIGN },
  { directive: 'section', before: /^\s*\[?\s*(?:section|segment)\s+(\S+)\s+(?:\S+\s+)*v?follows=([\w.]*)$/i, words: declaredSections },
  { directive: 'section', before: /^\s*\[?\s*(?:section|segment)\s+\S+\s+(?:\S+\s+)*([\w=]*)$/i, words: () => SECTION_ATTRIBUTES },
  { directive: 'section', before: /^\s*\[?\s*(?:section|segment)\s+(\.?\w*)$/i, words: sectionNames },
  { directive: '[warning]', before: /^\s*\[\s*warning\s+(\w*)$/i, words: () => WARNING_SWITCHES },
  { directive: '[warning]', before: /^\s*\[\s*warning\s+[-+*](?:error=)?([\w-]*)$/i, words: warningNames },
  { directive: '[map]', before: /^\s*\[\s*map\s+(?:\S+\s+)*(\w*)$/i, words: () => MAP },
  { directive: 'alignmode', before: /^\s*alignmode\s+(\w*)$/i, words: () => ALIGN_MODES },
  { directive: '%use', before: /^\s*%use\s+(\w*)$/i, words: packages },
  { directive: '%ifusable', before: /^\s*%(?:el)?ifn?(?:usable|using)\s+(\w*)$/i, words: packages },
  { directive: '%pragma ringside technique', before: /^\s*%pragma\s+ringside\s+technique\s+([\w-]*)$/i, words: () => TECHNIQUES.map((t) => ({ word: t, doc: `Virtualization lints for \`${t}\` (as the \`ringside.technique\` setting).` })) },
];

/** The words the directive on `before` (the line up to the cursor) takes where the cursor is, if it is one of those places. */
export function directiveArguments(before: string, sections: KnownSections): DirectiveArguments | undefined {
  for (const r of RULES) {
    const m = r.before.exec(before);
    if (m) return { words: r.words(sections, m), start: before.length - m[m.length - 1].length };
  }
  return undefined;
}

/** A word of a directive's vocabulary under column `col` (not a section's name: its hover is the section's), and where it is written. */
export function directiveWordAt(line: string, col: number): { readonly directive: string; readonly word: ArgumentWord; readonly start: number; readonly end: number } | undefined {
  let end = col;
  while (end < line.length && /[\w.-]/.test(line[end])) end++;
  // `align=16`: the attribute is `align=`.
  const written = line[end] === '=' ? end + 1 : end;
  for (const r of RULES) {
    if (r.words === sectionNames || r.words === declaredSections) continue;
    const m = r.before.exec(line.slice(0, end));
    if (!m) continue;
    const start = end - m[m.length - 1].length;
    const text = line.slice(start, written).toLowerCase();
    const word = col >= start ? r.words(() => [], m).find((w) => w.word.toLowerCase() === text) : undefined;
    if (word) return { directive: r.directive, word, start, end: written };
  }
  return undefined;
}

/** An argument word's item (the caller adds the edit). */
export function argumentItem(w: ArgumentWord, index: number): CompletionItem {
  return {
    label: w.word,
    kind: CompletionItemKind.EnumMember,
    documentation: { kind: MarkupKind.Markdown, value: w.doc },
    // In the order given: the usual choice first.
    sortText: String(index).padStart(4, '0'),
    command: w.more ? { title: 'Suggest', command: 'editor.action.triggerSuggest' } : undefined,
  };
}
