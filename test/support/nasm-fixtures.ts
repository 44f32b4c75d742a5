// The recorded nasm fixtures (test/fixtures/nasm/**/*.asm) as scripts/record-nasm-fixtures.sh
// assembles them: the files, the nasm arguments of a sibling `.args` file, and our assembly of one.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble, type AssembleResult, type Diagnostic, type SourceRange } from '../../core/src/asm/index';
import { ReportedLines } from '../../core/src/asm/reported-lines';
import { warningClass } from '../../core/src/asm/warning-switches';

/** Every .asm under `dir`, sorted by name at each level. */
export function findAsm(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findAsm(p));
    else if (e.name.endsWith('.asm')) out.push(p);
  }
  return out;
}

/** The words of `file`'s `.args` (none without one): nasm's arguments, relative to the .asm's directory. */
export function fixtureArgs(file: string): string[] {
  const argsFile = file.replace(/\.asm$/, '.args');
  return fs.existsSync(argsFile) ? fs.readFileSync(argsFile, 'utf8').split(/\s+/).filter(Boolean) : [];
}

/** The `.args` conventions of the recorder: `-Idir/`, `-DNAME=VALUE` (relative to the .asm's directory), `--limit-X N` and `-O0`/`-O1`/`-Ox`. */
function parseArgs(file: string): { includePaths: string[]; defines: Record<string, string>; limits: Record<string, number>; optimization?: number } {
  let optimization: number | undefined;
  const includePaths: string[] = [];
  const defines: Record<string, string> = {};
  const limits: Record<string, number> = {};
  const words = fixtureArgs(file);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith('--limit-')) {
      // `--limit-macro-levels 50` → limits.macroLevels = 50
      const key = w.slice('--limit-'.length).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
      limits[key] = Number(words[++i]);
    } else if (/^-O([0-9]+|x)$/.test(w)) optimization = w === '-Ox' ? undefined : Number(w.slice(2));
    else if (w.startsWith('-I')) includePaths.push(path.join(path.dirname(file), w.length > 2 ? w.slice(2) : words[++i]));
    else if (w.startsWith('-D')) {
      const d = w.length > 2 ? w.slice(2) : words[++i];
      const eq = d.indexOf('=');
      if (eq < 0) defines[d] = ''; else defines[d.slice(0, eq)] = d.slice(eq + 1);
    }
  }
  return { includePaths, defines, limits, optimization };
}

export const fileHost = {
  readFile: (p: string): string | undefined => (fs.existsSync(p) && fs.statSync(p).isFile() ? fs.readFileSync(p, 'utf8') : undefined),
  readBinary: (p: string): Uint8Array | undefined => (fs.existsSync(p) && fs.statSync(p).isFile() ? fs.readFileSync(p) : undefined),
};

/** A fixture assembled as the recorder has nasm assemble it. */
export function assembleFixture(file: string): AssembleResult {
  const { includePaths, defines, limits, optimization } = parseArgs(file);
  return assemble({ file, includePaths, defines, limits, optimization, host: fileHost });
}

/**
 * The places of a fixture's messages as nasm names them, `name:line`: a line a `%line` renumbered
 * by the name and number it gave (see reported-lines.ts), any other by its file relative to the
 * fixture's directory (nasm's working directory). The files it includes are left out (their
 * messages are not compared): `own` says whether a place is not in one of them.
 */
export class NasmPlaces {
  private readonly reported: ReportedLines;
  private readonly included: Set<string>;

  constructor(private readonly file: string, r: AssembleResult) {
    this.reported = new ReportedLines(r.lineDirectives);
    this.included = new Set(r.files.filter((f) => f !== file).map((f) => path.relative(path.dirname(file), f)));
  }

  key(range: SourceRange): string {
    const p = this.reported.at(range.file, range.start.line);
    return `${p?.file ?? path.relative(path.dirname(this.file), range.file)}:${(p?.line ?? range.start.line) + 1}`;
  }

  own(key: string): boolean {
    return !this.included.has(key.slice(0, key.lastIndexOf(':')));
  }

  /**
   * nasm's warnings in `text`, and its errors made of warnings, in the fixture itself, each as
   * `place [-w+CLASS]` (`[-w+error=CLASS]`): the tag that names the switch (nasm 2.16.01 ends each with it).
   */
  nasmTags(text: string): Set<string> {
    const out = new Set<string>();
    for (const l of text.split('\n')) {
      const m = /^(.+?):(-?\d+): (?:warning|error): .* (\[-w\+[a-z=-]+\])$/.exec(l);
      if (m !== null && this.own(`${m[1]}:${m[2]}`)) out.add(`${m[1]}:${m[2]} ${m[3]}`);
    }
    return out;
  }

  /** Ours as nasmTags() gives nasm's, at each place a diagnostic is at or was expanded from. */
  tags(diagnostics: readonly Diagnostic[]): Set<string> {
    const out = new Set<string>();
    for (const d of diagnostics) {
      const tag = d.severity === 'warning' ? `[-w+${warningClass(d.code, d.message)}]` : d.warningClass !== undefined ? `[-w+error=${d.warningClass}]` : undefined;
      if (tag !== undefined) for (const r of [d.range, ...(d.expansion ?? [])]) out.add(`${this.key(r)} ${tag}`);
    }
    return out;
  }

  /** The places of nasm's messages of `kind` (`error`, a fatal one among them, `warning`, `...` for the macro lines after one) in `text`. */
  nasm(text: string, kind: string): Set<string> {
    const out = new Set<string>();
    for (const l of text.split('\n')) {
      const m = /^(.+?):(-?\d+): (error:|fatal:|warning:|\.\.\.)/.exec(l);
      if (m !== null && (m[3] === 'fatal:' ? 'error:' : m[3]).startsWith(kind) && this.own(`${m[1]}:${m[2]}`)) out.add(`${m[1]}:${m[2]}`);
    }
    return out;
  }
}
