// Random macro-heavy programs for the preprocessor's differential test against nasm: each is a few
// independent snippets whose expansion ends up in `db`/`dd` bytes, so a difference shows.

/** Helpers over one seeded generator. */
class Gen {
  constructor(readonly r: () => number) {}
  int(lo: number, hi: number): number { return lo + Math.floor(this.r() * (hi - lo + 1)); }
  chance(p: number): boolean { return this.r() < p; }
  pick<T>(a: readonly T[]): T { return a[Math.floor(this.r() * a.length)]; }
  /** A small number in one of nasm's spellings. */
  num(lo = 0, hi = 99): string {
    const n = this.int(lo, hi);
    if (n < 0) return String(n);
    return this.pick([String(n), String(n), `0x${n.toString(16)}`, `0${n.toString(16)}h`, `0${n.toString(8)}q`, `${n.toString(2)}b`]);
  }
  str(): string {
    const s = Array.from({ length: this.int(0, 6) }, () => this.pick(['a', 'b', 'x', 'Z', '0', '7', ' ', '_', '-'])).join('');
    return this.pick([`'${s}'`, `"${s}"`, `\`${s}\``]);
  }
}

/** An expression over small numbers and the given names (each holding a small value), no division. */
function expr(g: Gen, names: readonly string[], depth = 0): string {
  if (depth > 2 || g.chance(0.35)) return names.length > 0 && g.chance(0.5) ? g.pick(names) : g.num(0, 20);
  const a = expr(g, names, depth + 1);
  const b = expr(g, names, depth + 1);
  switch (g.int(0, 6)) {
    case 0: return `${a}+${b}`;
    case 1: return `(${a})-(${b})`;
    case 2: return `(${a})*(${b}&3)`;
    case 3: return `(${a})|(${b})`;
    case 4: return `(${a})^(${b})`;
    case 5: return `-(${a})`;
    default: return `(${a})<<((${b})&3)`;
  }
}

/** A condition for %if: comparisons, logic, numbers. */
function condition(g: Gen, names: readonly string[]): string {
  const cmp = g.pick(['<', '>', '<=', '>=', '==', '!=', '=', '<>']);
  const c = `(${expr(g, names)}) ${cmp} (${expr(g, names)})`;
  switch (g.int(0, 4)) {
    case 0: return `${c} && (${expr(g, names)})`;
    case 1: return `${c} || ${g.num(0, 1)}`;
    case 2: return `!(${c})`;
    case 3: return `${c} ^^ (${expr(g, names)} > 5)`;
    default: return c;
  }
}

type Snippet = (g: Gen, k: number) => string[];

/** Single-line macros with parameters, overloaded by parameter count, %undef. */
const smacroParams: Snippet = (g, k) => {
  const out: string[] = [];
  // Overloads by parameter count; now and then also one without parameters, which nasm rejects.
  const forms = g.chance(0.2) ? [0] : [1, 2, 3].filter(() => g.chance(0.6));
  if (forms.length === 0 || g.chance(0.05)) forms.push(g.int(0, 3));
  const params = ['a', 'b', 'c'];
  for (const n of forms) {
    const ps = params.slice(0, n);
    const body = n === 0 ? g.num() : ps.map((p) => `(${p})*${g.num(1, 5)}`).join('+') + `+${g.num()}`;
    out.push(n === 0 ? `%define f${k} ${body}` : `%define f${k}(${ps.join(',')}) ${body}`);
  }
  const use = (n: number): string => n === 0 ? `f${k}` : `f${k}(${Array.from({ length: n }, () => g.chance(0.2) ? `(${g.num()}+${g.num()})` : g.num()).join(', ')})`;
  for (let i = 0; i < 3; i++) out.push(`  dd ${use(g.pick(forms))}`);
  // An alias, and a body ending in a call that takes its arguments from after the call: nasm
  // expands such a call with what follows it, and then leaves the rest of the line alone.
  const n = g.pick(forms);
  if (n > 0 && g.chance(0.4)) {
    const args = Array.from({ length: n }, () => g.num()).join(', ');
    out.push(`%define al${k} f${k}`, `  dd al${k}(${args})${g.chance(0.5) ? `, ${g.num()}` : ''}`);
    out.push(`%define op${k} f${k}(`, `  dd op${k} ${args})`);
  }
  if (g.chance(0.3)) {
    const gone = g.pick(forms);
    out.push(gone === 0 ? `%undef f${k}` : `%undef f${k}`);
    out.push(`%ifdef f${k}`, '  db 1', '%else', '  db 2', '%endif');
  }
  return out;
};

/** %define binds late, %xdefine early; %idefine/%ixdefine ignore case. */
const smacroBinding: Snippet = (g, k) => {
  const v1 = g.num(), v2 = g.num();
  const out = [`%define b${k} ${v1}`, `%define l${k} b${k}+1`, `%xdefine x${k} b${k}+1`];
  if (g.chance(0.5)) out.push(`%define b${k} ${v2}`); else out.push(`%undef b${k}`, `%define b${k} ${v2}`);
  out.push(`  dd l${k}, x${k}`);
  out.push(`%${g.pick(['idefine', 'ixdefine'])} Ci${k} ${g.num()}`, `  dd ci${k}, CI${k}, Ci${k}`);
  // A %define of the name in one case shadows the %idefine (and the other way round), warned of.
  if (g.chance(0.3)) out.push(`%${g.pick(['define', 'xdefine', 'assign'])} ${g.pick(['Ci', 'CI', 'ci'])}${k} ${g.num()}`, `  dd ci${k}, CI${k}, Ci${k}`);
  if (g.chance(0.2)) out.push(`%idefine ${g.pick(['Ci', 'CI', 'ci'])}${k} ${g.num()}`, `  dd ci${k}, CI${k}, Ci${k}`);
  if (g.chance(0.5)) out.push(`%define Cs${k} ${g.num()}`, `%ifdef cs${k}`, '  db 3', '%else', '  db 4', '%endif');
  if (g.chance(0.4)) out.push(`%xdefine r${k} ${g.num()}`, `%xdefine r${k} r${k}+${g.num()}`, `%xdefine r${k} (r${k})*2`, `  dd r${k}`);
  return out;
};

/** %assign/%iassign in %rep loops with %exitrep. */
const assignLoops: Snippet = (g, k) => {
  const out = [`%assign n${k} ${g.num(0, 5)}`, `%rep ${g.num(0, 6)}`, `  %assign n${k} (n${k}*${g.int(1, 3)}+${g.num(0, 7)}) & 0xff`];
  if (g.chance(0.5)) out.push(`  %if n${k} > ${g.int(5, 60)}`, '    %exitrep', '  %endif');
  out.push(`  db n${k}`, '%endrep', `  dd n${k}`);
  if (g.chance(0.4)) out.push(`%iassign Q${k} ${expr(g, [`n${k}`])} & 0xffff`, `  dd q${k}, Q${k}`);
  if (g.chance(0.3)) out.push(`%assign e${k} ${condition(g, [`n${k}`])}`, `  db e${k}`);
  return out;
};

/** Nested %rep with counters and an inner %exitrep. */
const nestedRep: Snippet = (g, k) => {
  const out = [`%assign i${k} 0`, `%rep ${g.int(0, 3)}`, `  %assign j${k} 0`, `  %rep ${g.int(0, 4)}`, `    db i${k}*10+j${k}`];
  if (g.chance(0.5)) out.push(`    %if j${k} == ${g.int(0, 3)}`, '      %exitrep', '    %endif');
  out.push(`    %assign j${k} j${k}+1`, '  %endrep', `  %assign i${k} i${k}+1`, '%endrep', `  db i${k}`);
  return out;
};

/** %if/%elif/%else chains. */
const ifChains: Snippet = (g, k) => {
  const names = [`v${k}`];
  const out = [`%assign v${k} ${g.num(0, 20)}`, `%if ${condition(g, names)}`, '  db 1'];
  // Now and then an %elif nasm cannot read (empty, `1+`), which ends the group silently when it is
  // tested, and trailing garbage after %else or %endif, warned of unless the group is dead.
  const elifCondition = (): string => (g.chance(0.1) ? g.pick(['', ' 1+', ' (1']) : ` ${condition(g, names)}`);
  const junk = (): string => (g.chance(0.1) ? ' junk' : '');
  // Now and then a `%if...`/`%elif...` word nasm 2.16.01 does not know: skipped in a skipped
  // branch, an error in an assembled one, and never a group of its own.
  const unknown = (): string[] => (g.chance(0.08) ? [g.pick(['%elifxyz', '%ifnn 1', '%ifdirective db', '%iffile "x"', '%ifxyz'])] : []);
  out.push(...unknown());
  for (let i = g.int(0, 2); i > 0; i--) out.push(`%${g.pick(['elif', 'elifn'])}${elifCondition()}`, `  db ${i + 1}`, ...unknown());
  if (g.chance(0.6)) out.push(`%else${junk()}`, '  db 9');
  out.push(`%endif${junk()}`);
  if (g.chance(0.4)) out.push(`%ifn ${condition(g, names)}`, `  %if ${condition(g, names)}`, '    db 5', '  %endif', '%endif');
  return out;
};

/** Token tests: %ifdef %ifmacro %ifidn %ifidni %ifnum %ifstr %ifid %iftoken %ifempty, negated and as %elif. */
const tokenTests: Snippet = (g, k) => {
  const operands = (): string => g.pick([g.num(), `x${k}`, 'eax', g.str(), '', `${g.num()} ${g.num()}`, `-${g.num()}`, `$`, `a${k}, b`, '+', g.num(0, 9) + '.5']);
  const test = (): string => {
    switch (g.int(0, 8)) {
      case 0: return g.chance(0.3) ? `def x${k} d${k}` : `def d${k}`;
      case 1: return `macro m${k}${g.pick(['', ' 1', ' 0-1', ' 2'])}`;
      case 2: return `idn ${operands()}, ${operands()}`;
      case 3: return `idni ${operands()}, ${operands()}`;
      case 4: return `num ${operands()}`;
      case 5: return `str ${operands()}`;
      case 6: return `id ${operands()}`;
      case 7: return `token ${operands()}`;
      default: return `empty ${operands()}`;
    }
  };
  const out: string[] = [];
  if (g.chance(0.5)) out.push(`%define d${k} ${g.num()}`);
  if (g.chance(0.5)) out.push(`%macro m${k} ${g.pick(['0', '1', '0-2'])}`, '  db 0', '%endmacro');
  for (let i = 0; i < 3; i++) {
    out.push(`%if${g.pick(['', 'n'])}${test()}`, `  db ${i * 4 + 1}`);
    if (g.chance(0.5)) out.push(`%elif${g.pick(['', 'n'])}${test()}`, `  db ${i * 4 + 2}`);
    if (g.chance(0.5)) out.push('%else', `  db ${i * 4 + 3}`);
    out.push('%endif');
  }
  // The same tests on macro parameters.
  out.push(`%macro t${k} 0-2`);
  out.push(`  %ifempty %1`, '    db 0x10', '  %elifnum %1', '    db 0x11', '  %elifstr %1', '    db 0x12', '  %elifid %1', '    db 0x13', '  %else', '    db 0x14', '  %endif');
  out.push(`  %ifidn %1, %2`, '    db 0x15', '  %endif');
  out.push('%endmacro');
  for (let i = 0; i < 3; i++) {
    const a = operands();
    out.push(`  t${k} ${a.includes(',') ? `{${a}}` : a}${g.chance(0.5) ? `, ${operands().replace(',', '')}` : ''}`);
  }
  return out;
};

/** Multi-line macros: ranges, defaults, greedy, .nolist, %0, %{n}, %%labels, %rotate. */
const mmacroParams: Snippet = (g, k) => {
  const min = g.int(0, 3);
  const star = g.chance(0.2);
  const max = star ? min + 3 : g.int(min, min + 3);
  const defaults = star ? 0 : g.int(0, max - min);
  const greedy = g.chance(0.25) && max > 0;
  const spec = `${min}${max !== min || star ? `-${star ? '*' : max}` : ''}${greedy ? '+' : ''}${g.chance(0.2) ? '.nolist' : ''}`;
  const defs = Array.from({ length: defaults }, () => g.num());
  const out = [`%macro mm${k} ${spec}${defs.length ? ' ' + defs.join(', ') : ''}`, '  db %0'];
  for (let i = 1; i <= Math.min(max, 4); i++) out.push(g.chance(0.5) ? `  %if %0 >= ${i}`: `  %if ${i} <= %0`, `    db ${g.chance(0.3) ? `%{${i}}` : `%${i}`}`, '  %endif');
  if (g.chance(0.4)) out.push('%%here:', '  dd %%here');
  if (g.chance(0.4)) out.push('  %rep %0', '    db %1', `    %rotate ${g.pick(['1', '-1', '2', '%0-1'])}`, '  %endrep');
  out.push('%endmacro');
  for (let i = 0; i < 4; i++) {
    const n = g.int(min, star ? min + 4 : Math.max(min, max - defaults) + defaults + (greedy ? 2 : 0));
    const args = Array.from({ length: n }, () => g.chance(0.15) ? `{${g.num()}, ${g.num()}}` : g.num());
    out.push(`  mm${k} ${args.join(', ')}`);
  }
  return out;
};

/** Overloading a multi-line macro by parameter count, and a 12-parameter one with %{10}. */
const mmacroOverload: Snippet = (g, k) => {
  const out: string[] = [];
  const counts = [0, 1, 2].filter(() => g.chance(0.7));
  for (const n of counts) out.push(`%macro o${k} ${n}`, `  db ${n}${n > 0 ? `, %${n}` : ''}`, '%endmacro');
  for (const n of counts) out.push(`  o${k} ${Array.from({ length: n }, () => g.num()).join(', ')}`);
  if (g.chance(0.4)) {
    out.push(`%macro big${k} 10-12 ${g.num()}, ${g.num()}`, '  db %0, %{10}, %{11}, %{12}, %9, %1', '%endmacro');
    out.push(`  big${k} ${Array.from({ length: g.int(10, 12) }, () => g.num()).join(', ')}`);
  }
  return out;
};

/** Greedy parameters and brace-grouped arguments. */
const greedyArgs: Snippet = (g, k) => {
  const out = [`%macro gr${k} 1-2+`, '  db %1', '  %ifnempty %2', '    db %2', '  %endif', '%endmacro'];
  for (let i = 0; i < 3; i++) {
    const rest = Array.from({ length: g.int(0, 3) }, () => g.num());
    out.push(`  gr${k} ${g.chance(0.3) ? `{${g.num()}, ${g.num()}}` : g.num()}${rest.length ? ', ' + rest.join(', ') : ''}`);
  }
  return out;
};

/** %strlen %substr %strcat %defstr %deftok. */
const stringFunctions: Snippet = (g, k) => {
  const s = g.str();
  const a = g.int(1, 6);
  const out = [`%strlen sl${k} ${s}`, `  dd sl${k}`];
  out.push(`%substr ss${k} ${s} ${a}${g.chance(0.6) ? `, ${g.pick(['1', '2', '-1', String(g.int(0, 4))])}` : ''}`, `  db ss${k}, 0`);
  out.push(`%strcat sc${k} ${g.str()}, ${g.str()}${g.chance(0.4) ? `, ${g.str()}` : ''}`, `  db sc${k}, 0`);
  out.push(`%strlen sl${k} sc${k}`, `  dd sl${k}`);
  out.push(`%defstr ds${k} ${g.pick([`abc${k}`, `${g.num()} + ${g.num()}`, `mov eax, 1`, `x${k}`, `"open${k}`])}`, `  db ds${k}, 0`);
  out.push(`%deftok dt${k} '${g.num()}+${g.num()}'`, `  dd dt${k}`);
  return out;
};

/** %+ token pasting, %[...] and %? %??. */
const pasting: Snippet = (g, k) => {
  const out = [`%assign ix${k} ${g.int(0, 3)}`];
  for (let i = 0; i < 4; i++) out.push(`%define val${k}_${i} ${g.num()}`);
  out.push(`  dd val${k}_%[ix${k}]`);
  out.push(`%macro pst${k} 1`, `  dd val${k}_ %+ %1`, `lab${k}_ %+ %1: db %1`, '%endmacro');
  out.push(`  pst${k} ${g.int(0, 3)}`);
  out.push(`%define pre${k} val${k}_`, `  dd pre${k} %+ ${g.int(0, 3)}`);
  out.push(`%xdefine xp${k} %[pre${k}]%[ix${k}]`, `  dd xp${k}`);
  out.push(`%imacro Nm${k} 0`, '  %defstr s1 %?', '  %defstr s2 %??', '  db s1, s2', '%endmacro', `  ${g.pick([`Nm${k}`, `nm${k}`, `NM${k}`])}`);
  out.push(`%idefine Sn${k} %?`, `%defstr sn${k} ${g.pick([`Sn${k}`, `SN${k}`, `sn${k}`])}`, `  db sn${k}`);
  out.push(`%macro Dq${k} 0-1 %${g.pick(['?', '??'])}`, '  %defstr dq %1', '  db dq', '%endmacro', `  Dq${k}${g.chance(0.3) ? ` x${k}` : ''}`);
  return out;
};

/** The context stack: %push %pop %repl, %$ names, %$$, %ifctx, and if/else/endif macros on it. */
const contexts: Snippet = (g, k) => {
  const out = [`%push c${k}`, `%define %$v ${g.num()}`, `%assign %$n ${g.num()}`, `%$top: dd %$v, %$n, %$top`];
  if (g.chance(0.5)) out.push(`%push d${k}`, `%define %$v ${g.num()}`, '  dd %$v, %$$v', '%pop');
  if (g.chance(0.5)) out.push(`%repl e${k}`, `%ifctx e${k}`, '  db 1', `%elifctx c${k}`, '  db 2', '%endif');
  out.push('  dd %$v', '%pop');
  out.push(`%macro if${k} 1`, `  %push if${k}`, '  j%-1 %$ifnot', '%endmacro',
    `%macro else${k} 0`, '  %repl else', '  jmp %$ifend', '  %$ifnot:', '%endmacro',
    `%macro endif${k} 0`, `  %ifctx if${k}`, '    %$ifnot:', '  %else', '    %$ifend:', '  %endif', '  %pop', '%endmacro');
  for (let i = 0; i < 2; i++) {
    out.push(`  cmp eax, ${g.num()}`, `  if${k} ${g.pick(['e', 'ne', 'a', 'l', 'z', 'nc'])}`, `    mov eax, ${g.num()}`);
    if (g.chance(0.5)) out.push(`  else${k}`, `    mov ebx, ${g.num()}`);
    out.push(`  endif${k}`);
  }
  return out;
};

/** Macros that define macros, nested calls, %macro/%define inside a macro body. */
const macroDefiners: Snippet = (g, k) => {
  const out = [`%macro mk${k} 2`, `  %define %1_v %2`, `  %macro %1_m 0-1 ${g.num()}`, '    db %1_v', '  %endmacro', '%endmacro'];
  out.push(`  mk${k} n${k}a, ${g.num()}`, `  mk${k} n${k}b, ${g.num()}`, `  n${k}a_m`, `  n${k}b_m`, `  dd n${k}a_v + n${k}b_v`);
  out.push(`%macro inner${k} 1`, '  dd %1*2', '%endmacro', `%macro outer${k} 1-2 ${g.num()}`, `  inner${k} %1+%2`, `  inner${k} {%1}`, '%endmacro', `  outer${k} ${g.num()}`, `  outer${k} ${g.num()}, ${g.num()}`);
  return out;
};

/** %{a:b} parameter ranges, %00, %exitmacro, %unmacro, redefinition. */
const mmacroMore: Snippet = (g, k) => {
  const n = g.int(1, 5);
  const bound = (): string => { const v = g.int(1, n); return g.chance(0.3) ? String(-v) : String(v); };
  const out = [`%macro pr${k} 1-*`, `  db %{${bound()}:${bound()}}`];
  if (g.chance(0.5)) out.push(`  %rotate ${g.int(-2, 2)}`, `  db %{${bound()}:${bound()}}, %{${g.int(1, n)}}`);
  out.push('%endmacro', `  pr${k} ${Array.from({ length: n }, () => g.num()).join(', ')}`);
  out.push(`%macro lb${k} 1`, '%00: db %1', `  dd %00`, '%endmacro', `here${k}: lb${k} ${g.num()}`, `  dd here${k}`);
  out.push(`%macro ex${k} 1`, `  %rep 5`, '    db %1', `    %if %1 ${g.pick(['>', '<', '=='])} ${g.int(0, 9)}`, '      %exitmacro', '    %endif', '  %endrep', '  db 0xee', '%endmacro', `  ex${k} ${g.int(0, 9)}`);
  if (g.chance(0.4)) out.push(`%unmacro ex${k} 1`, `%ifmacro ex${k}`, '  db 1', '%endif');
  if (g.chance(0.3)) out.push(`%macro ex${k} 0-1`, '  db 0x77', '%endmacro', `  ex${k}`);
  return out;
};

/** Parameters pasted to text, __LINE__ in expansions, defines made from parameters, %local/%arg. */
const paramPasting: Snippet = (g, k) => {
  const out = [`%macro mkc${k} 2`, `  %1_${k} equ %2`, `  %define %1_sq${k}(x) ((x)*(x)+%2)`, `  lbl%{1}${k}: db %{2}`, '  dd __LINE__', '%endmacro'];
  const names = ['alpha', 'beta', 'gamma'].filter(() => g.chance(0.7));
  for (const nm of names) out.push(`  mkc${k} ${nm}, ${g.num(0, 40)}`);
  for (const nm of names) out.push(`  dd ${nm}_${k}, ${nm}_sq${k}(${g.num(0, 9)}), lbl${nm}${k}`);
  out.push(`%rep ${g.int(1, 3)}`, '  dd __LINE__', '%endrep');
  if (g.chance(0.4)) {
    out.push(`%push fr${k}`, `%stacksize ${g.pick(['flat', 'large', 'small'])}`, `%arg a${k}:${g.pick(['dword', 'word'])}, b${k}:dword`, `%assign %$localsize 0`, `%local l${k}:dword`,
      `  mov eax, [a${k}]`, `  mov ebx, [b${k}]`, `  mov ecx, [l${k}]`, '  dd %$localsize', '%pop');
  }
  return out;
};

/** Odds and ends: string comparisons in %if, %elifdef, context-local macros with parameters, %ifctx in a macro. */
const misc: Snippet = (g, k) => {
  const out = [`%define q${k} ${g.str()}`, `%if q${k} = ${g.str()}`, '  db 1', `%elifdef q${k}`, '  db 2', '%endif'];
  out.push(`%ifidn q${k}, ${g.str()}`, '  db 3', `%elifidni q${k}, ${g.str()}`, '  db 4', '%else', '  db 5', '%endif');
  out.push(`%substr u${k} ${g.str()} ${g.int(1, 4)}, ${g.pick(['-1', '-2', '0', '3'])}`, `  db u${k}, 0`);
  out.push(`%deftok w${k} '${g.num()} + ${g.num()}'`, `  dd w${k}`);
  out.push(`%push k${k}`, `%define %$f(x) (x)+${g.num()}`, '  dd %$f(3)', `%ifctx k${k}`, '  db 6', '%endif');
  out.push(`%macro inctx${k} 0`, `  %ifctx k${k}`, '    dd %$f(1)', '  %else', '    db 7', '  %endif', '%endmacro', `  inctx${k}`, '%pop', `  inctx${k}`);
  out.push(`%assign cnt${k} 0`, `%rep ${g.int(1, 4)}`, `  %assign cnt${k} cnt${k}+1`, `  %xdefine nm${k}_%[cnt${k}] cnt${k}*2`, '%endrep', `  dd nm${k}_1${g.chance(0.5) ? ` + nm${k}_%[cnt${k}]` : ''}`);
  out.push(`  dd __?LINE?__, __LINE__`);
  return out;
};

/** How a call's arguments split: quotes, parentheses, braces, empty ones, comments; %0 as a count. */
const argForms: Snippet = (g, k) => {
  const out = [`%macro af${k} 0-*`, '  db %0', '  %rep %0', '    %ifempty %1', '      db 0xe0', '    %else', '      db %1', '    %endif', `    %rotate ${g.pick(['1', '1', '-1', '%0+1'])}`, '  %endrep', '%endmacro'];
  const arg = (): string => g.pick([g.num(), g.str(), `(${g.num()}+${g.num()})`, `{${g.num()}, ${g.num()}}`, '', `'a,b'`, `${g.num()} ; note`, `${g.num()} %+ ${g.int(0, 9)}`]);
  for (let i = 0; i < 3; i++) {
    const args = Array.from({ length: g.int(0, 4) }, arg);
    // A comment ends the line: only the last argument may have one.
    const fixed = args.map((a, j) => (j < args.length - 1 ? a.replace(/ ;.*/, '') : a));
    out.push(`  af${k} ${fixed.join(', ')}`);
  }
  out.push(`%macro lv${k} 0`, '%%a: db 1', `  %ifdef lvd${k}`, '  %else', `    %define lvd${k}`, `    lv${k}`, '  %endif', '  dd %%a', '%endmacro', `  lv${k}`);
  return out;
};

/**
 * Tokens an expansion puts side by side, which nasm's assembler reads as one (it reads the expanded
 * line as text again: `%define id(x) x` / `db id(1)2` is `db 12`), names pasted from them and
 * expanded again, and the blanks `%defstr` keeps (a run of them is one space).
 */
const sideBySide: Snippet = (g, k) => {
  const out = [`%define id${k}(x) x`, `%define e${k}() `, `%define n${k} ${g.int(0, 9)}`, `%define lt${k} <`, `%define v${k}b ${g.num()}`, `v${k}c equ ${g.num()}`,
    `%define pair${k} ${g.int(0, 9)}${g.pick([' ', '  ', '\t'])}${g.int(0, 9)}`, `%define sum${k}(x,y) x${g.pick(['', ' '])}+${g.pick(['', ' '])}y`];
  // Digits written apart that the expansion puts together (a call, maybe an empty expansion
  // between, a digit or a name written after the last call's parenthesis).
  const call = (): string => g.pick([`id${k}(${g.int(0, 9)})`, `id${k}( ${g.int(0, 9)} )`]);
  const number = (last = true): string => Array.from({ length: g.int(1, 2) }, call).join(g.chance(0.2) ? `e${k}()` : '') + (last ? g.pick(['', '', String(g.int(0, 9)), `n${k}`]) : '');
  const sep = g.pick(['', '+', ' + ', ' ']);
  out.push(`  dw ${number(sep !== '')}${sep}${number()}`, `  dw ${number()}`, `  dd ${call()}pair${k}, pair${k}`);
  out.push(`  dd sum${k}(${number()},${number()})${number()}`);
  // `<` `<` read as `<<` (but not `< <`).
  out.push(`  dd ${g.int(0, 9)} ${g.chance(0.1) ? `lt${k} <` : g.pick([`lt${k}<`, `id${k}(<)lt${k}`, `id${k}(<)e${k}()lt${k}`])} ${g.int(0, 3)}`);
  // A name pasted from two (a macro or a label), a radix or its suffix, a floating-point constant.
  out.push(`  dd id${k}(v${k})${g.pick(['b', 'c'])}${g.chance(0.3) ? `+id${k}(v${k})e${k}()b` : ''}`);
  out.push(`  dd id${k}(0)${g.pick(['x', 'X'])}${g.int(1, 255).toString(16)}, id${k}(1)${g.pick(['h', 'b', 'q', 'o', 'd', 't'])}, id${k}(0)${g.pick(['b', 'q'])}1`);
  out.push(`  dd id${k}(${g.int(0, 9)})${g.pick(['.5', 'e2', '.25e1', '.'])}`);
  out.push(`  db id${k}(${g.str()})${g.pick(["'b'", '"c"', ' "d"', ', 1'])}`);
  const text = (): string => g.pick(['a', '1', '+', ',', '(', ')', "'s'", `n${k}`, `id${k}( x )`, `id${k}(y  z)`, `e${k}()`, `lt${k}`, `pair${k}`, `sum${k}(1,2)`]);
  const written = Array.from({ length: g.int(1, 5) }, text).map((p, i) => (i > 0 ? g.pick(['', ' ', '  ', '\t']) : '') + p).join('');
  out.push(`%defstr ds${k} ${written}`, `  db ds${k}, 0`);
  // `%?` outside a macro: the assembler reads `%` `?`, a data subexpression of one reserved byte.
  if (g.chance(0.3)) out.push(`  db ${g.pick(['%?', '% ?', '%(%?)', '1, %?', `n${k}, %?`])}`);
  return out;
};

/**
 * Conditional groups across a macro's or %rep's body: nasm keeps one stack of them per file, so a
 * body's `%else` or `%endif` acts on a group opened before the call, and a group a body opens
 * stays open after it; `%exitrep` still runs the round's conditionals, `%exitmacro` drops the
 * groups its body opened. Each form closes every group whichever branches are taken.
 */
const crossBodies: Snippet = (g, k) => {
  const c = (): string => g.pick(['0', '1', `${g.num(0, 3)} > ${g.num(0, 3)}`, `${g.num(0, 3)} == ${g.num(0, 3)}`]);
  const out: string[] = [];
  switch (g.int(0, 5)) {
    case 0: // The body's %else turns the caller's group.
      out.push(`%macro ce${k} 0`, `  db ${g.num()}`, '%else', `  db ${g.num()}`, '%endmacro');
      for (let i = g.int(1, 2); i > 0; i--) out.push(`%if ${c()}`, `  db ${g.num()}`, `  ce${k}`, `  db ${g.num()}`, '%endif');
      break;
    case 1: // The body opens a group the caller turns and closes.
      out.push(`%macro co${k} 0`, `  db ${g.num()}`, `%if ${c()}`, `  db ${g.num()}`, '%endmacro');
      for (let i = g.int(1, 2); i > 0; i--) {
        out.push(`  co${k}`, `  db ${g.num()}`);
        if (g.chance(0.5)) out.push(`%elif ${c()}`, `  db ${g.num()}`);
        if (g.chance(0.5)) out.push('%else', `  db ${g.num()}`);
        out.push('%endif');
      }
      break;
    case 2: { // Each round of a %rep opens a group, closed after it.
      const n = g.int(0, 3);
      out.push(`%rep ${n}`, `  db ${g.num()}`, `%if ${c()}`, `  db ${g.num()}`, '%endrep', `  db ${g.num()}`, ...Array.from({ length: n }, () => '%endif'));
      break;
    }
    case 3: // A %rep's body closes groups opened before it.
      out.push('%if 1', '%if 1', '%rep 2', `  db ${g.num()}`, '%endif', `  db ${g.num()}`, '%endrep', `  db ${g.num()}`);
      break;
    case 4: // After %exitrep the round's conditionals still run.
      out.push(`%assign x${k} 0`, `%rep ${g.int(1, 4)}`, `  %assign x${k} x${k}+1`, `  %if x${k} == ${g.int(1, 3)}`, '    %exitrep', '  %endif',
        `  %if ${c()}`, `    db x${k}`, '  %else', '    db 0x20', '  %endif', '%endrep');
      if (g.chance(0.5)) out.push('%if 1', `%rep ${g.int(1, 3)}`, `  db ${g.num()}`, '  %exitrep', '  %endif', `  db ${g.num()}`, '%endrep');
      break;
    default: // %exitmacro drops the groups its body opened, not the caller's.
      out.push(`%macro cx${k} 0`, `  %if ${c()}`, `    db ${g.num()}`, '    %exitmacro', '  %endif', `  db ${g.num()}`, '%endmacro',
        `%if ${c()}`, `  cx${k}`, `  db ${g.num()}`, '%endif', `  cx${k}`);
  }
  return out;
};

/**
 * `%if` on `$`, `$$` and labels, which nasm decides in each pass and Ringside's assembler decides:
 * branches that call macros (with `%%` labels, nested blocks on `$`), padding macros, blocks a
 * macro opens and its caller closes; single-line macros and contexts a branch uses and leaves (each
 * branch starts from the state before the block), and a macro every branch defines alike, used after.
 */
const assemblerConditions: Snippet = (g, k) => {
  const at = (): string => g.pick([`(($-$$) & 7) > ${g.int(0, 7)}`, `($-$$) % ${g.int(2, 5)} == ${g.int(0, 1)}`, `($-l${k}) > ${g.int(0, 6)}`, `l${k} - $$ < ${g.int(0, 40)}`]);
  const out = [`l${k}: db ${g.num()}`, `%macro two${k} 1`, '%%m: db %1, %1', '  dw %%m - $$', '%endmacro'];
  out.push(`%macro pad${k} 1`, '  %if ($-$$) % %1', '    times %1 - ($-$$) % %1 db 0x90', '  %endif', '%endmacro');
  let helpers = 0;
  const alike = g.chance(0.3) ? `${g.num()}` : undefined;
  const every = g.chance(0.3);
  // A number each branch may leave in cv${k}, which the assembler holds after the block.
  const constant = g.chance(0.35);
  let blocks = 0;
  const branch = (depth: number, id: number): void => {
    for (let i = g.int(1, 3); i > 0; i--) {
      const r = g.int(0, 9);
      const h = `h${k}_${helpers++}`;
      if (r === 6) out.push(`  %${g.pick(['define', 'xdefine', 'assign'])} ${h} ${g.num()}`, `  db ${h}`, ...(g.chance(0.5) ? [`  %undef ${h}`] : []));
      else if (r === 7) out.push(`  %push ${h}`, `  %define %$v ${g.num()}`, '  db %$v', ...(g.chance(0.3) ? [`  %repl r${h}`, `  %pop r${h}`] : ['  %pop']));
      // A name each branch of the block may define: a branch does not see what another defined.
      else if (r === 8) out.push(`  %ifdef s${k}_${id}`, '    db 0x77', '  %endif', `  %define s${k}_${id}(x) x+${g.num()}`, `  db s${k}_${id}(${g.num()})`);
      // An %assign of `$`, which the assembler evaluates where it stands.
      else if (r === 9) out.push(`  %assign ${h} ($-$$) & ${g.pick(['7', '15', '0x3f'])}`, `  db ${h}`);
      else if (r === 0) out.push(`  two${k} ${g.num()}`);
      else if (r === 1) out.push(`  pad${k} ${g.pick(['2', '4', '8'])}`);
      else if (r === 2 && depth < 2) block(depth + 1);
      else if (r === 3) out.push(`  %if ${c(g)}`, `    db ${g.num()}`, '  %endif');
      else out.push(`  db ${g.num()}`);
    }
  };
  const block = (depth: number): void => {
    const same = depth === 0 && alike !== undefined ? [`  %define same${k} ${alike}`] : [];
    // Every branch defines ev${k}, each otherwise: %ifdef knows it is defined.
    const ev = (): string[] => [
      ...(depth === 0 && every ? [`  %define ev${k} ${g.num()}`] : []),
      ...(depth === 0 && constant && g.chance(0.8) ? [g.chance(0.5) ? `  %assign cv${k} ${g.num(-9, 40)}` : `  %define cv${k} ${g.num(-9, 40)}`] : []),
    ];
    const id = blocks++;
    out.push(`%if ${at()}`);
    branch(depth, id);
    out.push(...same, ...ev());
    for (let i = g.int(0, 2); i > 0; i--) { out.push(`%elif ${g.chance(0.7) ? at() : c(g)}`); branch(depth, id); out.push(...same, ...ev()); }
    if (g.chance(0.6) || same.length > 0 || (depth === 0 && (every || constant))) { out.push('%else'); branch(depth, id); out.push(...same, ...ev()); }
    out.push('%endif');
  };
  block(0);
  if (alike !== undefined) out.push(`  db same${k}`);
  if (every) out.push(`%ifdef ev${k}`, '  db 0x66', '%endif');
  if (g.chance(0.3)) out.push(`%assign q${k} $ - l${k} + ${g.num()}`, `  dw q${k}`, `%if q${k} > ${g.int(0, 60)}`, '  db 0x33', '%endif');
  if (constant) out.push(`  db cv${k}, -cv${k}`, `%if cv${k} > ${g.int(-5, 30)}`, '  db 0x31', '%endif', `  times cv${k} & 3 db 0x32`);
  if (g.chance(0.4)) out.push(`%macro open${k} 0`, `  %if ${at()}`, `    two${k} ${g.num()}`, '%endmacro', `  open${k}`, `  db ${g.num()}`, '  %else', `  db ${g.num()}`, '  %endif');
  out.push(`  pad${k} ${g.pick(['4', '8', '16'])}`);
  return out;
};

/** A condition the preprocessor decides. */
function c(g: Gen): string {
  return g.pick(['0', '1', `${g.num(0, 3)} > ${g.num(0, 3)}`]);
}

/** Programs nasm rejects or warns about; only some lines are broken. */
const faults: Snippet = (g, k) => {
  switch (g.int(0, 25)) {
    case 0: return [`%macro w${k} 2`, '  db %1, %2', '%endmacro', `  w${k} 1`];
    case 1: return [`%macro w${k} 1`, '  db %1', '%endmacro', `  w${k} 1, 2`];
    case 2: return ['%endif'];
    case 3: return ['%if 1', '%else', '%else', '%endif'];
    case 4: return ['%exitrep'];
    case 5: return ['%rotate 1'];
    case 6: return ['%pop'];
    case 7: return ['  dd %$x'];
    case 8: return [`%assign a${k} 1+`];
    case 9: return [`%error custom ${k}`];
    case 10: return [`%warning custom ${k}`];
    case 11: return [`%define f${k}(a,b) a+b`, `  dd f${k}(1)`];
    case 12: return [`%substr s${k} 'abc' x`];
    case 13: return [`%ifidn`, '  db 1', '%endif'];
    case 14: return ['%endmacro'];
    case 15: return ['%endrep'];
    case 16: return [`%rep x${k}`, '  db 1', '%endrep'];
    case 17: return [`%macro r${k} 0`, '  db 1', '%endmacro', `%macro r${k} 0`, '  db 2', '%endmacro', `  r${k}`];
    case 18: return [`%if 1`, `  %if 0`, '  db 1', '%endif'];
    case 19: return [`%macro pr${k} 1-*`, '  db %{1:4}', '%endmacro', `  pr${k} 1, 2`];
    case 20: return [`%define %$z 1`];
    case 21: return [`%macro bad${k} 1`, '  j%+1 $', '%endmacro', `  bad${k} eax`];
    case 22: return [`%strlen l${k} 5`];
    case 23: return [`%deftok t${k} 5`];
    case 24: return [`%if`, '%endif'];
    default: return [`%macro`];
  }
};

const SNIPPETS: readonly Snippet[] = [smacroParams, smacroBinding, assignLoops, nestedRep, ifChains, tokenTests, mmacroParams, mmacroOverload, greedyArgs, stringFunctions, pasting, contexts, macroDefiners, mmacroMore, paramPasting, misc, argForms, sideBySide,
  crossBodies, assemblerConditions];

/** One program: `bits 32` and a few snippets; with `faults`, some that nasm rejects or warns about. */
export function ppProgram(r: () => number, faultsToo: boolean): string {
  const g = new Gen(r);
  const out = ['bits 32'];
  const n = g.int(2, 5);
  for (let k = 0; k < n; k++) {
    const body = (faultsToo && g.chance(0.25) ? faults : g.pick(SNIPPETS))(g, k);
    // Sometimes inside a macro expansion or a %rep of one, where the same lines must behave alike.
    if (g.chance(0.15) && !body.some((l) => /%macro|%endmacro|%\d|%\{|%0|%rotate|%%|%\?/.test(l))) {
      out.push(`%macro wrap${k} 0`, ...body, '%endmacro', `  wrap${k}`);
    } else out.push(...body);
  }
  return out.join('\n') + '\n';
}
