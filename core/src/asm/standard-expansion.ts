// The lines nasm 2.16.01's standard macros (its macros/standard.mac, and `org`/`map` of the bin
// format) make of a directive written without brackets, for `nasm -E`: Ringside assembles those
// directives itself (standard-macros.ts), so the preprocessed text spells them out here, as
// measured with `nasm -E` (`bits 32` is `[bits 32]`, `align 4` is `[sectalign 4]` and a `times`
// line, `global a, b` a `[global ...]` line each).

import type { Context } from './context-stack';
import type { StructureText } from './preprocessor';
import { tokenizeLine } from './lexer';
import { BRACED_ARGUMENTS, splitArguments, startsBlank, writtenBeforeLastComma } from './macros';
import { opensLineDirective } from './reported-lines';
import { chosenAlignMode, SMARTALIGN_DIRECTIVE } from './smart-align';
import { spaced, type PPToken } from './source';
import { callAfterLabel, CALLED_EMPTY, ifidniCommaTooMany, unbracedArguments } from './standard-macros';
import { decodeSource, encodeSource } from './source-encoding';
import { CONTROL_IN_STRING, cutAtControl, decodeString, quoteBytes } from './strings';
import { percentEatsComma } from './token-paste';

/** A standard macro's lines for its arguments `args`, the arguments as written `rest`, and which of them were written in braces. */
type Body = (args: readonly string[], rest: string, braced: readonly boolean[]) => string[];

interface StandardBody {
  readonly min: number;
  readonly max: number;
  readonly body: Body;
}

/** `N` aligned to as standard.mac's `align`/`alignb` write it. */
const pad = (n: string): string => `(((${n}) - (($-$$) % (${n}))) % (${n}))`;

export class StandardExpansion {
  /**
   * `pathOf`: the name `%pathsearch` gives a file named `name` (unquoted), which nasm's `incbin`
   * macro writes (measured: with `-Iinc`, `incbin "c.bin"` is `incbin 'inc/c.bin',0`).
   */
  constructor(private readonly pathOf: (name: string) => string = (name) => name) {}

  /** `__?SECT?__`: the last `section`/`segment`/`absolute` line (nasm's bin format starts in .text). */
  private sect = '[section .text]';
  /** The `section`/`segment`/`absolute` lines expanded so far (see renderPreprocessed's userSect). */
  sectionLines = 0;
  /** The source's `%define` of `__?SECT?__` in force for the line being expanded, if any: its body (undefined: `%undef`). */
  private userSect: () => { readonly body: readonly PPToken[] | undefined } | undefined = () => undefined;
  /** `sectalign off` stops `align` and `alignb` from calling `sectalign`. */
  private alignUpdatesSection = true;
  /** After `%use smartalign`, whose `align` calls `sectalign` always. */
  private smartAlign = false;
  /** nasm's `..@N` counter before the line being expanded (see `expand`). */
  private counter: () => number = () => 0;
  /**
   * The innermost context when the line being expanded runs (see `expand`): `endstruc`, `iend` and
   * `at` take it, whichever pushed it, the source's `%push` too (measured: `struc s` inside an
   * `istruc` makes the `at` and `iend` after it the struc's; in a context of `%push`, `%$strucname`
   * is that context's `..@N.strucname`, a name no macro defines).
   */
  private context: () => Context | undefined = () => undefined;
  /** The structure's names of the line being expanded, as the macros of its line make them (see StructureText). */
  private structureText: () => StructureText | undefined = () => undefined;
  /** How the line being expanded reports a problem of its call, and the call's word (see `expand`). */
  private warn: StandardWarning = () => undefined;
  private word: PPToken | undefined;

  private readonly bodies: ReadonlyMap<string, StandardBody> = new Map<string, StandardBody>([
    ['section', this.sectionLike('section')], ['segment', this.sectionLike('segment')], ['absolute', this.sectionLike('absolute')],
    ['sectalign', { min: 1, max: Infinity, body: (a, rest, braced) => this.sectalign(greedy(a, rest, braced)) }],
    // (Called with no parameter, `%2` is empty too: nasm gives no default then, see `taken`; nor
    // for a fill of nothing: measured, `align 4, {}` has none.)
    ['align', { min: 1, max: Infinity, body: (a, rest, braced) => this.align(a[0] ?? '', a.length === 0 ? '' : a.length === 1 ? 'nop' : second(a, rest, braced).trimStart(), false, this.smartAlign) }],
    ['alignb', { min: 1, max: Infinity, body: (a, rest, braced) => this.align(a[0] ?? '', second(a, rest, braced).trimStart(), true, false) }],
    ['bits', bracketed('bits')], ['cpu', bracketed('cpu')], ['default', bracketed('default')], ['org', bracketed('org')], ['map', bracketed('map')],
    ['use16', fixed('[bits 16]')], ['use32', fixed('[bits 32]')], ['use64', fixed('[bits 64]')],
    ['userel', fixed('[default rel]')], ['useabs', fixed('[default abs]')], ['usebnd', fixed('[default bnd]')], ['usenobnd', fixed('[default nobnd]')],
    ['extern', each('extern')], ['static', each('static')], ['global', each('global')], ['required', each('required')], ['common', each('common')],
    ['float', { min: 1, max: Infinity, body: (a) => this.float(a) }],
    // (Called with no parameter, `%2` is empty too, as for `align`: measured, `[absolute ]` and `:`.)
    // (Its name is `%define`d, which drops the blanks before it, not those after: see bracedText.)
    ['struc', { min: 1, max: 2, body: (a) => [`[absolute ${a.length === 0 ? '' : a[1]?.trimStart() ?? '0'}]`, `${a[0]?.trimStart() ?? ''}:`] }],
    ['endstruc', { min: 0, max: 0, body: () => this.endstruc() }],
    ['istruc', { min: 1, max: 1, body: () => this.istruc() }],
    // (Its field, when it is the last parameter, is the rest of the line as a greedy one is, a
    // comma kept there too: measured, `at ,` is `times (,-S)-...`.)
    ['at', { min: 1, max: Infinity, body: (a, rest, braced) => this.at(a.length === 1 && !braced[0] ? rest : a[0] ?? '', second(a, rest, braced)) }],
    ['iend', { min: 0, max: 0, body: () => this.iend() }],
    // (The name as written: measured, `INCBIN "a"` is `INCBIN 'a',0`, the macro's `%?`.)
    ['incbin', { min: 1, max: Infinity, body: (a, rest, braced) => [`${this.word?.text ?? 'incbin'} ${this.searched(a[0].trimStart())},${second(a, rest, braced) || '0'}`] }],
  ]);

  /**
   * The lines nasm makes of `toks` (a line's tokens), when its first word, or the word after a
   * label, calls a standard macro with a count it takes; undefined otherwise. `startsBlank`: the
   * line begins with blanks, which a label line keeps (measured: `%4x iend`, `%4` dropped outside
   * a macro, is `x :`; `  %4x iend` is ` x :`).
   */
  expand(toks: readonly PPToken[], counter: () => number, warn: StandardWarning, context: () => Context | undefined,
    structureText: () => StructureText | undefined = () => undefined, userSect: () => { readonly body: readonly PPToken[] | undefined } | undefined = () => undefined,
    startsBlank = toks[0]?.start > 0, endsBlank = false): string[] | undefined {
    this.counter = counter;
    this.userSect = userSect;
    this.context = context;
    this.structureText = structureText;
    this.warn = warn;
    // The mode `%use smartalign` and `alignmode` set, which Ringside passes to its assembler as a
    // directive of its own: nasm's package prints nothing for it, and its `align` calls
    // `sectalign` even after `sectalign off` (measured with nasm -E).
    if (toks[0].text === '[' && toks[1]?.text === SMARTALIGN_DIRECTIVE) {
      // (A mode it does not know is the package's `%error`: measured, "unknown alignment mode: bogus".)
      // (The package's call gives the modes' names after its two parameters: see chosenAlignMode.)
      const fields: string[] = [];
      for (let k = 2, from = 2; k <= toks.length; k++) {
        if (k < toks.length && toks[k].text !== ',' && toks[k].text !== ']') continue;
        // (The mode with a blank braces kept after it, which the package's line puts before its
        // comma: see Assembler.alignMode.)
        fields.push(written(toks.slice(from, k)) + (fields.length === 0 && k > from && k < toks.length && toks[k].text === ',' && spaced(toks[k - 1], toks[k]) ? ' ' : ''));
        from = k + 1;
        if (k === toks.length || toks[k].text === ']') break;
      }
      const mode = fields[0];
      if (chosenAlignMode(mode, fields.length > 2 ? fields.slice(2) : undefined) === undefined) warn('user-error', `unknown alignment mode: ${mode}`, toks[1], 'error');
      this.smartAlign = true;
      return [];
    }
    const found = callAfterLabel(toks, (t) => this.standard(t), (t, at, m) => taken(t, at, m, warn, endsBlank));
    if (found === undefined) return undefined;
    const { at, m, args: call } = found;
    this.word = toks[at];
    // (What a parameter takes is what its braces enclose: see unbracedArguments; its problem is
    // reported as the arguments are counted, see taken.)
    const unbraced = unbracedArguments(toks, at + 1, toks[at].text.toLowerCase());
    const own = unbraced?.toks ?? toks;
    // (The trailing comma a dropped parameter leaves goes only after an argument of its own, as for
    // any macro's call: see writtenBeforeLastComma; measured, `align 4, ,` pads with `,`.)
    const cut = call.dropped && own[own.length - 1].text === ',' && writtenBeforeLastComma(own, at + 1);
    const rest = written(own.slice(at + 1, own.length - (cut ? 1 : 0))).trimStart();
    const lines = m.body(call.args.map((a) => BRACED_ARGUMENTS.has(a) ? bracedText(a) : written(a).trim()), rest, call.args.map((a) => BRACED_ARGUMENTS.has(a)));
    if (at === 0) return lines;
    // The label before a call is a line of its own: the words before the macro's name, blanks
    // too, with a colon (`x: align 4` is `x: `, `y bits 32` is `y :`).
    const label = (startsBlank || toks[0].gap === true ? ' ' : '') + written(toks.slice(0, at)) + (spaced(toks[at - 1], toks[at]) ? ' ' : '') + (at === 1 ? ':' : '');
    return [label, ...lines];
  }

  /**
   * A quoted file name as `%pathsearch` finds it (see pathOf), given back as nasm quotes a string
   * it makes (quoteBytes: measured, `incbin "c.bin"` is `incbin 'c.bin',0`, `"it's"` stays, a tab
   * in the name makes it `\`...\t...\``, `\`a\x41.bin\`` is `'aA.bin'`); a string it cannot read as it is.
   */
  private searched(written: string): string {
    const q = written[0];
    const close = closingQuote(written, 0);
    // Not a string, or one with no closing quote: the macro's `%pathsearch %$dep %1` and `%depend
    // %$dep` fail (measured: both "expects a file name", for `"c.bin` too), leaving `%$dep` its
    // context's name, `..@N.dep` (N one past the call's).
    if ((q !== '"' && q !== "'" && q !== '`') || close >= written.length) {
      for (const d of ['%pathsearch', '%depend']) this.warn('syntax', `\`${d}' expects a file name`, this.word!, 'error');
      return `..@${this.counter() + 1}.dep`;
    }
    // What follows the string is `%pathsearch`'s trailing garbage (measured: `incbin "a"c, 30`).
    if (close < written.length - 1) this.warn('trailing', 'trailing garbage after `%pathsearch\' ignored', this.word!);
    const name = written.slice(0, close + 1);
    let bytes = decodeString(name);
    if (bytes === undefined) return name;
    // A control character ends the name, with nasm's error (measured: `incbin \`a\x01b\`` is `incbin 'a',0`).
    const cut = cutAtControl(bytes);
    if (cut !== undefined) { this.warn('syntax', CONTROL_IN_STRING, this.word!, 'error'); bytes = cut; }
    return quoteBytes(encodeSource(this.pathOf(decodeSource(bytes))));
  }

  private standard(t: PPToken | undefined): StandardBody | undefined {
    return t !== undefined && t.kind === 'ident' ? this.bodies.get(t.text.toLowerCase()) : undefined;
  }

  private sectionLike(name: string): StandardBody {
    return { min: 1, max: Infinity, body: (a, rest, braced) => { this.sectionLines++; return [(this.sect = `[${name} ${greedy(a, rest, braced)}]`)]; } };
  }

  private sectalign(rest: string): string[] {
    // (A blank braces kept after the word is part of it to `%ifidni`: measured, `sectalign {off }`
    // is `[sectalign off ]`, `sectalign { off}` off.)
    const word = rest.toLowerCase();
    if (word === 'off' || word === 'on') { this.alignUpdatesSection = word === 'on'; return []; }
    // (Its `%ifidni` reads one argument, its error the call's only effect: see percentEatsComma.)
    if (rest.endsWith('%') && percentEatsComma(tokenizeLine(rest))) { this.warn('syntax', "`%ifidni' expects two comma-separated arguments", this.word!, 'error'); return []; }
    // (A comma too many for it: see ifidniCommaTooMany.)
    if (rest.includes(',') && ifidniCommaTooMany(tokenizeLine(rest))) { this.warn('syntax', "`%ifidni': more than one comma on line", this.word!, 'error'); return []; }
    return [`[sectalign ${rest}]`];
  }

  /**
   * The macro's `[float %1]` for each parameter, whose `%ifidni %1,daz` after it finds one argument
   * where the parameter's `%` pastes to the comma (see percentEatsComma; measured with nasm 2.16.01
   * -E: `float zero%` is `[float zero%]` and that error).
   */
  private float(args: readonly string[]): string[] {
    for (const x of args) if (x.endsWith('%') && percentEatsComma(tokenizeLine(x))) this.warn('syntax', "`%ifidni' expects two comma-separated arguments", this.word!, 'error');
    return args.map((x) => `[float ${x.trimStart()}]`);
  }

  private align(n: string, fill: string, bss: boolean, smart: boolean): string[] {
    // (`sectalign %1` is a call of its own, whose parameter loses the blanks braces kept.)
    // (Its `sectalign off` or `on` sets what the next `align` does: see sectalign.)
    const word = n.trim().toLowerCase();
    const calls = this.alignUpdatesSection || smart;
    if (calls && (word === 'off' || word === 'on')) this.alignUpdatesSection = word === 'on';
    // (An argument with commas, in braces not closed, is a call of `sectalign` that drops a
    // trailing empty parameter: see the assembler's alignOfCommas.)
    let param = n.trim();
    if (calls && param.length > 1 && param.endsWith(',')) {
      this.warn('macro-args', "dropping trailing empty parameter in call to multi-line macro `sectalign'", this.word!);
      if (!/,\s*,$/.test(param)) param = param.slice(0, -1).trimEnd();
    }
    const lines = calls && word !== 'off' && word !== 'on' ? this.sectalign(param) : [];
    if (n === '' && lines.length > 0) this.warn('macro-args', "improperly calling multi-line macro `sectalign' with 0 parameters", this.word!);
    if (bss && fill === '') lines.push('[warning push]', '[warning -zeroing]', `resb ${pad(n)}`, '[warning pop]');
    else lines.push(`times ${pad(n)} ${fill}`);
    return lines;
  }

  /** `istruc` (as `struc`) takes a number for its call, then one for the context it pushes (whose labels are `..@N.x`). */
  private istruc(): string[] {
    return [`..@${this.counter() + 1}.strucstart:`];
  }

  /**
   * The innermost context's `%$strucname` (see `context`), `%{$strucname}_size` and number, and
   * for an `at`, its `.member` after the name: as the macros of the line make them when known
   * (see structureText), else as written. A context of `%push` has no `%$strucname`: its
   * `..@N.strucname` names none of them.
   */
  private structure(member?: string): { name: string; size: string; to?: string; id: number } | undefined {
    const c = this.context();
    if (c === undefined) return undefined;
    const text = this.structureText();
    if (c.structure === undefined) return { name: `..@${c.id}.strucname`, size: text?.size ?? `..@${c.id}.strucname_size`, to: member !== undefined ? `..@${c.id}.strucname${member}` : undefined, id: c.id };
    if (text !== undefined) return { name: text.name, size: text.size, to: text.member, id: c.id };
    const name = structureName(c.structure);
    return { name, size: `${name}_size`, to: member !== undefined ? `${name}${member}` : undefined, id: c.id };
  }

  /**
   * `at .member, data` (or `at struc.member`): fill up to the member, then the data on a line of
   * its own. Outside an `istruc` (no context, measured): its `%defstr %$member` and `%substr` fail,
   * so the member is taken as written, and the `%$` names stay as they are.
   */
  private at(member: string, data: string): string[] {
    // (The member's first character is `%defstr`'s, which drops the blanks braces kept before it;
    // the paste keeps them, one blank where the name ends in one too: measured, `at { .a}` under
    // `istruc s` is `(s .a-s)`, under `istruc {s }` `(s .a-s )`.)
    const dot = member.trimStart().startsWith('.');
    const s = this.structure(dot ? member.trim() : undefined);
    if (s === undefined) {
      this.emptyContext(['%$member', '%$member', undefined, '%$member1', '%$strucname', '%$strucstart', '%$strucname', '%$strucstart']);
      return [`times (${member}-%$strucname)-($-%$strucstart) db 0`, ...this.dataLine(data)];
    }
    const { name, id } = s;
    const pasted = member === member.trim() ? s.to ?? `${name}${member}` : `${name}${name.endsWith(' ') ? member.trimStart() : member}`;
    const to = dot ? pasted : member;
    return [`times (${to}-${name})-($-..@${id}.strucstart) db 0`, ...this.dataLine(data)];
  }

  /** `at`'s data line, unless its data went on a line of its own (see PPToken.dataApart) or is a line directive nasm ignores there. */
  private dataLine(data: string): string[] {
    return this.word?.dataApart === true || opensLineDirective(tokenizeLine(data)[0], true) ? [] : [data];
  }

  private iend(): string[] {
    const s = this.structure();
    if (s === undefined) {
      const size = this.structureText()?.size ?? '%$strucname_size';
      this.emptyContext([size, '%$strucstart', size, '%$strucstart', '%pop']);
      return [`times ${size}-($-%$strucstart) db 0`];
    }
    return [`times ${s.size}-($-..@${s.id}.strucstart) db 0`];
  }

  private endstruc(): string[] {
    const s = this.structure();
    // Without a context nasm reports the empty stack and writes the names as they are.
    const size = s?.size ?? this.structureText()?.size ?? '%$strucname_size';
    if (s === undefined) this.emptyContext([size, '%$strucname', size, '%$strucname', '%pop']);
    // (`__?SECT?__`, which the source may have defined otherwise, or removed: see userSect.)
    const user = this.userSect();
    const sect = user === undefined ? [this.sect] : user.body === undefined ? ['__?SECT?__'] : this.userSectLines(user.body);
    return [`${size} equ ($-${s?.name ?? '%$strucname'})`, ...sect];
  }

  /**
   * The lines a `%define __?SECT?__` body makes in `endstruc`, as nasm -E writes them (measured):
   * the body, a blank for an empty one, and a `section`/`segment`/`absolute` call expanded in
   * turn, as is any other standard macro's (`bits 32` is `[bits 32]`).
   */
  private userSectLines(body: readonly PPToken[]): string[] {
    if (body.length === 0) return [' '];
    const call = this.standard(body[0]);
    if (call !== undefined && body.length > 1 && /^(section|segment|absolute)$/i.test(body[0].text)) return [call.body([], written(body.slice(1)).trim(), [])[0]];
    const word = this.word;
    const lines = call !== undefined ? this.expand(body, this.counter, this.warn, this.context, this.structureText, this.userSect) : undefined;
    this.word = word;
    return lines ?? [written(body).trim()];
  }

  /**
   * The errors nasm gives, in its order, for a standard macro's body run with no context on the
   * stack (no `struc`, `istruc` or `%push` open): "context stack is empty" for each of `names`
   * (undefined: `at`'s `%substr` of the `%$member` it could not define).
   */
  private emptyContext(names: readonly (string | undefined)[]): void {
    const word = this.word;
    if (word === undefined) return;
    const seen = new Map<string, number>();
    for (const n of names) {
      const message = n === undefined ? "`%substr' requires a string as parameter" : `\`${n}': context stack is empty`;
      const repeat = seen.get(message) ?? 0;
      seen.set(message, repeat + 1);
      this.warn(n === undefined ? 'syntax' : 'context', message, word, 'error', repeat);
    }
  }
}

function bracketed(name: string): StandardBody {
  return { min: 1, max: Infinity, body: (a, rest, braced) => [`[${name} ${greedy(a, rest, braced)}]`] };
}

function fixed(line: string): StandardBody {
  return { min: 0, max: 0, body: () => [line] };
}

function each(name: string): StandardBody {
  return { min: 1, max: Infinity, body: (a) => a.map((x) => `[${name} ${x.trimStart()}]`) };
}

/**
 * The name a structure's `%define %$strucname %1` gives it, `name` its argument: a blank braces
 * kept after it stays (measured with nasm 2.16.01 -E: `struc {s }` / `endstruc` is `s _size equ
 * ($-s )`; see bracedText).
 */
export function structureName(name: readonly PPToken[]): string {
  return written(name).trim() + (name[name.length - 1]?.blankAfter === true ? ' ' : '');
}

/**
 * The text of argument `arg`, written in braces: nasm's parameter is what the braces enclose,
 * with the blanks after the `{` and before the `}` (preproc.c expand_mmacro; measured with nasm
 * 2.16.01 -E: `align { 4 }` pads `((( 4 ) - ...`, `at .b,{ dd 7 }` writes ` dd 7 `), where a blank
 * of the macro's body before the parameter and its first one are one (`bits { 16 }` is `[bits 16 ]`).
 */
function bracedText(arg: readonly PPToken[]): string {
  const last = arg[arg.length - 1];
  return (startsBlank(arg) ? ' ' : '') + written(arg) + (last?.blankAfter === true ? ' ' : '');
}

/** The text of a macro's greedy first parameter `%1` written after a blank: the arguments `rest`, or one written in braces (see bracedText). */
function greedy(args: readonly string[], rest: string, braced: readonly boolean[]): string {
  return braced[0] ? args[0].trimStart() : rest;
}

/** The text of a macro's greedy second parameter `%2`: what follows the first comma of `rest`, or an argument written in braces (see bracedText). */
function second(args: readonly string[], rest: string, braced: readonly boolean[]): string {
  // (A first argument whose `{` is not closed takes the line, commas and all, and there is no
  // second: measured with nasm 2.16.01 -E, `incbin {"a.bin" 0, 2` is `incbin 'a.bin',0`.)
  if (args.length < 2) return '';
  return braced[1] ? args[1] : after(rest, 1);
}

/**
 * `rest` (the arguments as written) after its first `n` commas, leading blanks dropped ('' when it
 * has fewer). A comma after a `}` without its `{` counts (measured with nasm 2.16.01 -E: `align
 * }5, db 7` pads with `db 7`; see macros.ts runOn).
 */
function after(rest: string, n: number): string {
  let depth = 0, k = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '"' || c === "'" || c === '`') { i = closingQuote(rest, i); continue; }
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth <= 0 && ++k === n) return rest.slice(i + 1).trimStart();
  }
  return '';
}

function closingQuote(s: string, open: number): number {
  const q = s[open];
  for (let i = open + 1; i < s.length; i++) {
    if (q === '`' && s[i] === '\\') { i++; continue; }
    if (s[i] === q) return i;
  }
  return s.length;
}

/** Reports a warning of nasm's preprocessor (`code` as DiagnosticSink takes it) about token `at`. */
export type StandardWarning = (code: string, message: string, at: PPToken, severity?: 'warning' | 'error', repeat?: number) => void;

/**
 * The arguments of a call of `m` named by `toks[name]`, when it takes their count, as nasm's
 * preprocessor reads a macro call (see Preprocessor.multiLineCall): a trailing empty argument
 * is dropped with a warning (`dropped`); a count it does not take is warned of.
 */
function taken(toks: readonly PPToken[], name: number, m: StandardBody, warn: StandardWarning, endsBlank: boolean): { args: PPToken[][]; dropped: boolean } | undefined {
  const args = splitArguments(toks, name + 1, Infinity, undefined, false);
  // (Braces of nothing are a parameter: measured, `use16 {}` and `use16{` are "not taking 1
  // parameter", with the line as written; `section {}` is `[section ]`. A brace not closed is
  // nasm's error as it counts them, before that warning.)
  const n = args.length;
  const braces = n > 0 ? unbracedArguments(toks, name + 1, toks[name].text.toLowerCase())?.problem : undefined;
  if (braces !== undefined) warn('macro-args', braces.message, braces.at, 'error');
  // Only the blank an empty expansion left after the name (`%define E` / `bits E`): nasm calls a
  // macro taking one parameter with none, and warns (measured: `[bits ]`; see the parser's calledEmpty).
  if (n === 0 && endsBlank && m.min === 1 && CALLED_EMPTY.has(toks[name].text.toLowerCase())) {
    warn('macro-args', `improperly calling multi-line macro \`${toks[name].text.toLowerCase()}' with 0 parameters`, toks[name]);
    return { args: [], dropped: false };
  }
  const trailing = n > 1 && toks[toks.length - 1].text === ',';
  // (Named as standard.mac defines it, in lower case, however the call spells it: measured.)
  const word = toks[name];
  const macro = word.text.toLowerCase();
  if (n >= m.min && n <= m.max) {
    if (!trailing) return { args, dropped: false };
    warn('macro-args', `dropping trailing empty parameter in call to multi-line macro \`${macro}'`, word);
  } else if (trailing && n - 1 >= m.min && n - 1 <= m.max) {
    warn('macro-args', `improperly calling multi-line macro \`${macro}' with ${n} parameters`, word);
  } else {
    warn('macro-args', `multi-line macro \`${macro}' exists, but not taking ${n} parameter${n === 1 ? '' : 's'}`, word);
    return undefined;
  }
  return { args: args.slice(0, -1), dropped: true };
}

/** Tokens written back with a blank where they had blanks between them. */
function written(toks: readonly PPToken[]): string {
  let s = '';
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.kind === 'comment') break;
    if (k > 0 && spaced(toks[k - 1], t)) s += ' ';
    s += spelled(t);
  }
  return s;
}

/**
 * nasm's token macros (`__?float32?__`, `__?utf16?__`, `__?infinity?__`, ...) are `%idefine NAME %?`
 * in its standard.mac, with `%idefalias __float32__ __?float32?__`: a `__?X?__` name stays as
 * written, an alias becomes its target, `__?x?__` in lower case (measured: `__Float32__` is
 * `__?float32?__`, `__?FLOAT16?__` stays).
 */
const TOKEN_MACRO_ALIAS = /^__(infinity|nan|qnan|snan|float(?:8|16|32|64|80m|80e|128l|128h)|utf(?:16|32)(?:le|be)?|ilog2[ewfc])__$/i;

/** nasm's token macro names (`__?float32?__` in any case) and their aliases (`__float32__`): single-line macros nasm defines. */
export function isTokenMacro(name: string): boolean {
  return TOKEN_MACRO_ALIAS.test(name) || TOKEN_MACRO.test(name);
}

/** An alias of one of nasm's token macros (`__float32__`, in any case; see TOKEN_MACRO_ALIAS). */
export function isTokenMacroAlias(name: string): boolean {
  return TOKEN_MACRO_ALIAS.test(name);
}

const TOKEN_MACRO = /^__\?(infinity|nan|qnan|snan|float(?:8|16|32|64|80m|80e|128l|128h)|utf(?:16|32)(?:le|be)?|ilog2[ewfc])\?__$/i;

export function spelled(t: PPToken): string {
  if (t.unmacroed === true) return t.text.charCodeAt(0) === 0x24 ? t.text.slice(1) : t.text;
  if (t.kind !== 'ident' || t.text.charCodeAt(0) !== 0x5f || t.text.charCodeAt(2) === 0x3f) return t.text;
  const m = TOKEN_MACRO_ALIAS.exec(t.text);
  return m === null ? t.text : `__?${m[1].toLowerCase()}?__`;
}
