// Random programs of constant expressions, number literals, strings, floats and data directives,
// and their comparison with nasm 2.16 (test/unit/expr-differential.test.ts, and by hand over many
// seeds). Each program is `bits`/`org` and self-contained blocks, so a difference can be put
// down to one block.

type Rand = () => number;

/** Values near the edges of 8, 16, 32 and 64 bits, and a few ordinary ones. */
const EDGES = [0n, 1n, 2n, 3n, 7n, 8n, 15n, 16n, 31n, 32n, 63n, 64n, 65n, 100n, 127n, 128n, 129n, 255n, 256n, 257n, 0x7fffn, 0x8000n, 0xffffn, 0x10000n,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 1234567n, 0x123456789abn];

class Gen {
  private names = 0;
  constructor(readonly r: Rand) {}
  int(n: number): number { return Math.floor(this.r() * n); }
  chance(p: number): boolean { return this.r() < p; }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
  name(prefix: string): string { return `${prefix}${this.names++}`; }

  /** A non-negative value below 2^64, mostly near an edge. */
  value(): bigint {
    const k = this.int(10);
    if (k < 5) return this.pick(EDGES);
    if (k < 7) return BigInt(this.int(300));
    if (k < 8) return BigInt.asUintN(64, this.pick(EDGES) + BigInt(this.int(5)) - 2n);
    let v = 0n;
    for (let i = 0; i < 4; i++) v = (v << 16n) | BigInt(this.int(0x10000));
    return v >> BigInt(this.int(64));
  }

  /** Digits of `v` in `radix`, with underscores now and then between them. */
  digits(v: bigint, radix: number): string {
    const s = v.toString(radix);
    if (!this.chance(0.15) || s.length < 2) return this.chance(0.5) ? s : s.toUpperCase();
    const at = 1 + this.int(s.length - 1);
    return `${s.slice(0, at)}_${s.slice(at)}`;
  }

  /** `v` as a number literal in one of nasm's forms (manual §3.4.1). */
  literal(v: bigint): string {
    const form = this.int(16);
    switch (form) {
      case 0: return `0x${this.digits(v, 16)}`;
      case 1: return `0h${this.digits(v, 16)}`;
      case 2: return `0${this.digits(v, 16)}h`;
      case 3: return `$0${this.digits(v, 16)}`;
      case 4: return `0o${this.digits(v, 8)}`;
      case 5: return `${this.digits(v, 8)}q`;
      case 6: return `${this.digits(v, 8)}o`;
      case 7: return `0b${this.digits(v, 2)}`;
      case 8: return `${this.digits(v, 2)}b`;
      case 9: return `0y${this.digits(v, 2)}`;
      case 10: return `${this.digits(v, 2)}y`;
      case 11: return `0d${this.digits(v, 10)}`;
      case 12: return `${this.digits(v, 10)}d`;
      case 13: return `0t${this.digits(v, 10)}`;
      case 14: return `0${this.digits(v, 16)}x`;
      default: return this.digits(v, 10);
    }
  }

  /** A number-like token that may or may not be valid: prefixes, suffixes, underscores and stray digits. */
  oddLiteral(): string {
    const body = Array.from({ length: 1 + this.int(6) }, () => this.pick(['0', '1', '7', '8', '9', 'a', 'F', 'e', '_', 'b', 'd', 'h', 'q', 'o', 'y', 't', 'x'])).join('');
    const k = this.int(5);
    if (k === 0) return `${this.pick(['0x', '0X', '0h', '0o', '0q', '0b', '0B', '0y', '0d', '0t', '$'])}${body}`;
    if (k === 1) return `${this.int(10)}${body}`;
    if (k === 2) return `${this.int(10)}${body}${this.pick(['h', 'H', 'x', 'q', 'o', 'b', 'y', 'd', 't', 'e5', '.5', 'p3'])}`;
    if (k === 3) return `${this.pick(['0x', '$', '0'])}${this.pick(['', '_'])}${this.int(0x10000).toString(16)}${this.pick(['', '_', 'h'])}`;
    return `${this.int(100)}${this.pick(['', '.', '.5', 'e', 'e+', '.e3', '_e2', 'p', '.0p1'])}`;
  }

  /** A string constant's text: '...', "..." or `...` with escapes. */
  string(maxChars: number): string {
    const n = this.int(maxChars + 1);
    const q = this.pick(["'", '"', '`']);
    let s = '';
    for (let i = 0; i < n; i++) {
      if (q === '`' && this.chance(0.5)) {
        s += this.pick(['\\n', '\\t', '\\r', '\\0', '\\e', '\\a', '\\b', '\\f', '\\v', '\\\\', "\\'", '\\"', '\\`', '\\?', '\\x41', '\\x7', '\\xfF',
          '\\101', '\\7', '\\18', '\\377', '\\u263a', '\\u00e9', '\\U0001F600', '\\u0041', "'", '"',
          '\\x', '\\xg', '\\u12', '\\X41', '\\U00110000', '\\ud800', '\\é', '\\400', '\\q', '\\U', '\\UFFFFFFFF']);
      } else {
        s += this.pick(['a', 'B', 'z', '0', ' ', '9', '~', '#', q === "'" ? '"' : "'", 'é']);
      }
    }
    return `${q}${s}${q}`;
  }

  /** A leaf of an expression: a literal, a character constant, or (when given) a defined name or `$`. */
  leaf(names: readonly string[], here: boolean): string {
    const k = this.int(20);
    if (k < 2 && names.length > 0) return this.pick(names);
    if (k < 3) return this.string(this.chance(0.9) ? 4 : 6);
    if (k < 4 && here) return this.pick(['($-$$)', '($$-$)']);
    if (k < 5) {
      const fn = this.pick(['__float32__', '__?float16?__', '__float64__', '__float8__', '__float80m__', '__float80e__', '__float128l__', '__float128h__']);
      return `${fn}(${this.float(fn.includes('16') ? 2 : fn.includes('8_') || fn === '__float8__' ? 1 : 8)})`;
    }
    if (k < 6 && this.chance(0.2)) return `${this.pick(['__utf16__', '__utf32be__', '__?utf16le?__'])}(${this.string(2)})`;
    if (k < 6 && this.chance(0.3)) return this.literal((1n << 64n) + this.value()); // does not fit in 64 bits
    return this.literal(this.value());
  }

  expr(depth: number, names: readonly string[], here: boolean, operand: boolean): string {
    if (depth <= 0 || this.chance(0.25)) return this.leaf(names, here);
    const k = this.int(12);
    const sub = (): string => this.expr(depth - 1, names, here, operand);
    if (k < 2) return `${this.pick(['-', '+', '~', '!'])}${this.wrap(sub())}`;
    if (k < 3) return `(${sub()} ? ${sub()} : ${sub()})`;
    if (k < 4) {
      // A chain without parentheses: precedence decides.
      const ops = operand ? BINARY.filter((o) => o !== '<=>') : BINARY;
      let s = this.leaf(names, here);
      for (let i = 1 + this.int(4); i > 0; i--) s += ` ${this.pick(ops.filter((o) => !DIVISION.includes(o)))} ${this.leaf(names, here)}`;
      return `(${s})`;
    }
    const op = this.pick(operand ? BINARY.filter((o) => o !== '<=>') : BINARY);
    if (DIVISION.includes(op)) {
      // Mostly a divisor that cannot be zero; now and then one that may be.
      const d = this.chance(0.03) ? sub() : `(${sub()} | 1)`;
      return `(${sub()} ${op} ${d})`;
    }
    if (SHIFT.includes(op) && this.chance(0.7)) return `(${sub()} ${op} ${this.int(70)})`;
    return `(${sub()} ${op} ${sub()})`;
  }

  /**
   * A data list in nasm 2.15's MASM-style forms: `N dup (...)`, nested, sizes before items
   * (`dd byte 1`), strings, floats and `?` among numbers; now and then a form nasm rejects.
   */
  dataList(depth: number, unit: number): string {
    const items = Array.from({ length: 1 + this.int(3) }, () => this.dataItem(depth, unit));
    return items.join(', ');
  }

  /** An item of a data list of `unit` bytes each (see dataList). */
  private dataItem(depth: number, unit: number): string {
    const k = this.int(depth > 0 ? 12 : 8);
    if (k < 3) return this.expr(1, [], true, false);
    if (k < 4) return this.string(5);
    if (k < 5) return '?';
    if (k < 6) return `${this.pick(['byte', 'word', 'dword', 'qword', 'WORD'])} ${this.chance(0.8) ? this.expr(1, [], false, false) : this.string(3)}`;
    if (k < 7) return this.float(unit);
    if (k < 8) return this.pick(['-1 dup (1)', '3 dup 1', '2 dup', '2 dup ()', '0 dup (?)', '2 dup (1', 'tword 1', 'dup (1)', '2 dup (1) 3', '2 dup %(1, 2)']);
    const count = this.pick(['0', '1', '2', '3', String(this.int(20)), `(${this.expr(1, [], false, false)}) & 7`, "'a' - 95", '2 dup 2']);
    const sizes: readonly (readonly [string, number])[] = [['', unit], ['', unit], ['', unit], ['byte ', 1], ['word ', 2], ['dword ', 4]];
    const [size, own] = this.pick(sizes);
    return this.chance(0.2) ? `${size}${count} dup ${this.dataItem(depth - 1, own)}` : `${count} dup ${size}(${this.dataList(depth - 1, own)})`;
  }

  private wrap(s: string): string {
    return s.startsWith('(') ? s : `(${s})`;
  }

  /**
   * A floating-point constant nasm takes (decimal, hex, binary or octal with a p exponent, or a
   * special value), for a format of `bytes`: 1 and 2 get small ones, well inside their range.
   */
  float(bytes: number): string {
    const k = this.int(12);
    const sign = this.chance(0.2) ? '-' : '';
    if (k === 0) return sign + this.pick(['__Infinity__', '__QNaN__', '__SNaN__', '__?Infinity?__', '__?QNaN?__', '__?SNaN?__']);
    const small = bytes <= 2;
    const intPart = this.int(4) === 0 ? '0' : String(this.int(bytes === 1 ? 10 : small ? 1000 : 100000));
    const frac = this.chance(0.7) ? String(this.int(100000)) : '';
    if (small) return `${sign}${intPart}.${frac}${this.chance(0.3) ? `e-${this.int(3)}` : ''}`;
    if (k < 4) return `${sign}0x${this.int(0x100).toString(16)}.${this.int(0x10000).toString(16)}p${this.pick(['', '+', '-'])}${this.int(40)}`;
    if (k < 5) return `${sign}0b1.${this.int(64).toString(2)}p${this.int(20)}`;
    if (k < 6) return `${sign}0q7.${this.int(64).toString(8)}`;
    if (k < 7) return `${sign}1_000.${frac || '5'}`;
    if (k < 9) return `${sign}${intPart}.${frac}e${this.pick(['', '+', '-'])}${this.int(30)}`;
    if (k < 10) return `${sign}${intPart}e${this.int(20)}`;
    return `${sign}${intPart}.${frac}`;
  }
}

const BINARY = ['|', '^', '&', '<<', '>>', '<<<', '>>>', '+', '-', '*', '/', '//', '%', '%%',
  '=', '==', '!=', '<>', '<', '<=', '>', '>=', '<=>', '&&', '||', '^^'];
const DIVISION = ['/', '//', '%', '%%'];
const SHIFT = ['<<', '>>', '<<<', '>>>'];

/** One self-contained block of lines (its names are its own), so a difference can be put down to a block. */
function block(g: Gen, bits: 16 | 32): string[] {
  const k = g.int(37);
  const e = (depth = 3): string => g.expr(depth, [], true, false);
  const imm = (): string => (g.chance(0.5) ? g.pick(['-', '']) + g.literal(g.pick(EDGES)) : g.expr(2, [], true, true));
  switch (k) {
    case 0: case 1: case 2: return [`  dq ${e()}`];
    case 3: return [`  ${g.pick(['db', 'dw', 'dd'])} ${e()}`];
    case 4: return [`  ${g.pick(['db', 'dw', 'dd', 'dq'])} ${Array.from({ length: 1 + g.int(4) }, () => (g.chance(0.3) ? g.string(9) : e(1))).join(', ')}`];
    case 5: { const x = g.name('E'); return [`${x} equ ${e()}`, `  dq ${x}, ${g.expr(2, [x], false, false)}`]; }
    case 6: { const a = g.name('A'); return [`%assign ${a} ${g.expr(3, [], false, false)}`, `  dq ${a}`, `  dd ${g.expr(2, [a], false, false)}`]; }
    case 7: return [`%if ${g.expr(3, [], false, false)}`, '  db 1', '%else', '  db 2', '%endif'];
    case 8: return [`  times ((${e(2)}) & 7) db ${g.int(256)}`, '  db 0xee'];
    case 9: {
      const d = g.pick(['dd', 'dq', 'dt', 'dw', 'db']);
      return [`  ${d} ${Array.from({ length: 1 + g.int(3) }, () => g.float(d === 'db' ? 1 : d === 'dw' ? 2 : 4)).join(', ')}`];
    }
    case 10: return [`  ${g.pick(['db', 'dw', 'dd', 'dq'])} ${g.pick(['__utf16__', '__utf16le__', '__utf16be__', '__utf32__', '__utf32le__', '__utf32be__', '__?utf16?__'])}(${g.string(5)})`];
    case 11: {
      const n = (): string => (g.chance(0.7) ? String(g.int(40)) : `(${g.expr(1, [], false, true)}) & 31`);
      return [`  incbin "blob.bin"${g.chance(0.8) ? `, ${n()}` : ''}${g.chance(0.5) ? `, ${n()}` : ''}`];
    }
    case 12: case 13: {
      const reg = bits === 32 ? g.pick(['eax', 'ebx', 'ax', 'al', 'cx', 'edx']) : g.pick(['ax', 'bx', 'al', 'cl', 'eax']);
      const op = g.pick(['add', 'sub', 'and', 'or', 'xor', 'cmp', 'adc', 'mov', 'test']);
      return [`  ${op} ${reg}, ${g.pick(['', '', '', 'byte ', 'word ', 'dword ', 'strict byte ', 'strict word ', 'strict dword '])}${imm()}`];
    }
    case 14: return [`  push ${g.pick(['', '', 'byte ', 'word ', 'dword ', 'strict byte ', 'strict dword '])}${imm()}`];
    case 15: return [`  imul ${bits === 32 ? 'eax, ebx' : 'ax, bx'}, ${imm()}`];
    case 16: return [`  ${g.pick(['add', 'mov', 'cmp'])} ${g.pick(['byte', 'word', 'dword'])} [${bits === 32 ? 'ebx' : 'bx'}], ${imm()}`];
    case 17: case 18: {
      const base = bits === 32 ? g.pick(['ebx', 'ebp', 'esi', 'eax*2', 'ecx*4+edx']) : g.pick(['bx', 'bp', 'si', 'bx+si']);
      return [`  mov al, [${base} + ${imm()}]`];
    }
    case 19: return [`  mov eax, [${imm()}]`];
    case 20: return [`  ${g.pick(['db', 'dw', 'dd'])} ${g.pick(['-', ''])}${g.literal(g.pick(EDGES))}`];
    case 21: return [`  dq ${g.literal((BigInt(g.int(1000)) << 64n) + g.value())}`];
    case 22: return [`  ${g.pick(['dd', 'dq', 'dw'])} ${g.string(9)}`];
    case 23: return [`  dq ${g.string(8)} + 0`];
    case 24: return [`  ${g.pick(['dd', 'dq', 'dt'])} ${g.oddLiteral()}`];
    case 25: return [`  ${g.pick(['mov eax,', 'push', 'mov ax,', 'mov al,', 'cmp eax,', 'add dword [ebx],'])} ${g.chance(0.5) ? g.string(5) : g.oddLiteral()}`];
    case 26: {
      // Without blanks around the operators (`%` stays spaced: `%1` would be a macro parameter).
      const text = g.expr(3, [], true, false).replace(/ (?!%)([^ %]+) (?!%)/g, '$1');
      return [`  dq ${text}`];
    }
    case 27: return [`  ${g.pick(['db', 'dw', 'dd', 'dq', 'dt'])} ${g.pick(['', "''", '?', ',1', '1,,2', "'', 1", '?, ?', '-', '~', '()', '(1'])}`];
    case 28: return [`  times ${g.pick(['-1', '0', '1', '2', '($-$$)', "'a'", '1.5', '3 <=> 5', '5 <=> 3'])} ${g.pick(['db 7', 'dw 0x1234', 'nop', "db 'ab'", 'dd 1.5'])}`];
    case 29: { const a = g.name('A'); return [`%assign ${a} (${g.expr(2, [], false, false)}) & 3`, `  times ${a} db ${g.int(256)}`, `%if ${a} ${g.pick(['==', '<', '>=', '<=>'])} 'a' - 96`, '  db 3', '%endif']; }
    case 31: case 32: {
      // Labels before and after, in sums nasm's bin output takes (differences, one label plus a
      // number) and in some it does not (a label times 2, a label in a division or a shift).
      // A label defined below only in a difference or plus a number (see the test file).
      const a = g.name('La'), b = g.name('Lb');
      const forward = g.chance(0.5);
      const term = (): string => g.pick([a, b, '$', '$$', `(${a} - ${b})`, `(${b} - $$)`, `(${a} - $)`, g.literal(BigInt(g.int(300)))]);
      let text = term();
      const ops = ['+', '-', '+', '-', '*', '/', '&', '>>', '==', '<', '<=>', '!='];
      for (let i = g.int(3); i >= 0; i--) text = `${text} ${g.pick(ops)} ${term()}`;
      if (forward) text = g.pick([`${b} - ${a}`, b, `${b} - $$`, `${b} + ${g.int(9)}`, `$ - ${b}`]);
      const use = [`  ${g.pick(['dd', 'dw', 'dq'])} ${text}`, `  times (${b} - ${a}) & 3 db 0x11`];
      return forward ? [`${a}: db ${g.int(256)}`, ...use, `${b}: db ${g.int(256)}`] : [`${a}: db ${g.int(256)}`, `${b}: db ${g.int(256)}`, ...use];
    }
    case 33: return [`  times ${g.int(20) + 1} - ($ - $$) % ${g.pick(['4', '16', '7'])} db 0x22`, '  db 0x23'];
    case 34: case 35: {
      const [d, unit] = g.pick([['db', 1], ['dw', 2], ['dd', 4], ['dq', 8]] as const);
      return [`  ${d} ${g.dataList(2, unit)}`];
    }
    case 36: {
      // A count of labels above, or of labels ahead of it in a difference (0 in nasm's first pass).
      const a = g.name('La'), b = g.name('Lb');
      const count = g.pick([`(${b} - ${a})`, `(${b} - ${a}) * 2`, `(${b} - ${a} + 1)`, `${b} - ${a}`]);
      const [d, unit] = g.pick([['db', 1], ['dw', 2], ['dd', 4]] as const);
      const use = `  ${d} ${count} dup (${g.dataList(1, unit)})`;
      return g.chance(0.5) ? [`${a}: db ${g.int(256)}`, `${b}: db ${g.int(256)}`, use] : [use, `${a}: db ${g.int(256)}`, `${b}: db ${g.int(256)}`];
    }
    case 30: if (g.chance(0.8)) return [`  dq ${e()}`]; return [`L${g.int(1000)}: ${g.pick(['dd', 'dq', 'mov eax,', 'dw'])} ${g.pick(['seg 5', '$ wrt 5', 'seg $', '5 wrt 3'])}`];
    default: return [`  ${g.pick(['dd', 'dq', 'dt', 'dw'])} ${g.pick(['1.5e400', '1e-50', '1e-320', '0x1p-1074', '0x1p-1075', '0x1.fffffffffffffp1023', '1e308', '3.4e38', '65504.', '6e-8', '1e-46', '1.4e-45', '0.0', '-0.0', '1.e5', '1_0.5e1_0', '0x.8p1', '0x1p', '0x1.p2', '1e', '1.5.5', '0b1.1', '0o7.1', '0t1.5', '0d1.5', '0h1.8p1', '0y1.1p1', '123p', '-5p', '+1_2p', '12345678901234567890p', '1.5p'])}`];
  }
}

/** A program: `bits`, then blocks, each followed by a marker byte so a shift shows where it starts. */
export function program(r: Rand): { text: string; blocks: string[][]; header: string[] } {
  const g = new Gen(r);
  const bits = g.chance(0.5) ? 32 : 16;
  const header = [`bits ${bits}`, `org ${g.pick(['0', '0x100', '0x7c00', '0x12345'])}`];
  const blocks: string[][] = [];
  for (let i = 4 + g.int(12); i > 0; i--) blocks.push([...block(g, bits), '  db 0xcc']);
  return { text: [...header, ...blocks.flat()].join('\n') + '\n', blocks, header };
}

/** The bytes of blob.bin, which incbin reads. */
export const BLOB = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);

