// nasm run live on a text of the editor's making, where a recorded fixture's nasm runs: the
// differentials of the editing features (format, rename, code actions) compare what nasm makes of a
// fixture as written and as edited.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasNasm } from './random';

export interface NasmVerdict {
  /** nasm's exit status. */
  readonly code: number | null;
  /** The output's bytes in hex; empty when nasm refused. */
  readonly bin: string;
  readonly stderr: string;
}

/**
 * `text` written to `source` and assembled by `nasm -f bin` run in `cwd` with `cwd` on the include
 * path: nasm looks for `%include` in its working directory and under each -I folder (never beside
 * the source), so a fixture's text written to a scratch folder and run in the fixture's folder
 * finds what it found where it was recorded, and two texts written to the same `source` have the
 * same `__FILE__`.
 */
export function nasmOn(source: string, text: string, args: readonly string[], cwd: string): NasmVerdict {
  fs.writeFileSync(source, text, 'latin1');
  const out = `${source}.bin`;
  fs.rmSync(out, { force: true });
  const r = spawnSync('nasm', ['-f', 'bin', `-I${cwd}/`, ...args, '-o', out, source], { cwd, encoding: 'latin1', timeout: 20_000 });
  return { code: r.status, bin: r.status === 0 && fs.existsSync(out) ? fs.readFileSync(out).toString('hex') : '', stderr: r.stderr };
}

/**
 * The bytes `nasm -f bin` makes of the file `source` as it is on disk, run in the file's own
 * directory (as a Makefile beside it runs nasm); throws with nasm's messages when nasm refuses it.
 */
export function nasmBytes(source: string): Buffer {
  const out = `${source}.nasm-bin`;
  fs.rmSync(out, { force: true });
  const r = spawnSync('nasm', ['-f', 'bin', '-o', out, path.basename(source)], { cwd: path.dirname(source), encoding: 'latin1', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`nasm refused ${source}: ${r.stderr}`);
  const bytes = fs.readFileSync(out);
  fs.rmSync(out);
  return bytes;
}

/** A scratch folder for the texts of the current `describe`, removed after it. */
export function scratchFolder(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A scratch folder for the current `describe`'s texts (see scratchFolder) when nasm is on PATH;
 * undefined when it is not, after adding a skipped test that says why (the caller adds no other).
 */
export function nasmScratch(prefix: string): string | undefined {
  if (!hasNasm) {
    it('is skipped: nasm is not on PATH (install NASM 2.16 to run it)', function () { this.skip(); });
    return undefined;
  }
  return scratchFolder(prefix);
}
