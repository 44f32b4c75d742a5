// One program assembled by nasm (when installed) and by us, compared the way nasm-corpus.test.ts
// compares the recorded fixtures: the randomized differential tests share it.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble, type FileHost } from '../../core/src/asm/index';

/**
 * How our assembly of `text` differs from nasm's (undefined when it does not): the same bytes when
 * nasm accepts it, an error on every line nasm reports one on when it rejects it, and warnings on
 * the same lines both ways (the call site of an expansion counts, as in nasm-corpus.test.ts).
 */
export function differenceFromNasm(file: string, text: string, host: FileHost = { readFile: () => undefined }): string | undefined {
  fs.writeFileSync(file, text);
  const nasm = spawnSync('nasm', ['-f', 'bin', '-o', `${path.basename(file)}.bin`, path.basename(file)], { cwd: path.dirname(file), encoding: 'utf8', timeout: 20_000 });
  // nasm's own failures (a runaway it takes minutes over, an internal assertion, a crash) compare
  // with nothing: nasm exits 0 or 1 otherwise.
  if (nasm.error !== undefined || nasm.signal !== null || (nasm.status !== 0 && nasm.status !== 1) || nasm.stderr.includes('panic:')) return undefined;
  const ours = assemble({ file, text, host });
  const own = path.basename(file);
  const linesOf = (kind: string, context: boolean): Set<number> => new Set(nasm.stderr.split('\n')
    .map((l) => /^(.+?):(\d+): (error:|warning:|\.\.\.)/.exec(l))
    .filter((m) => m !== null && m[1] === own && (m[3] === kind || (context && m[3] === '...'))).map((m) => Number(m![2])));
  const ourLines = (severity: string): Set<number> => new Set(ours.diagnostics.filter((d) => d.severity === severity)
    .flatMap((d) => [d.range, ...(d.expansion ?? [])]).filter((rg) => path.basename(rg.file) === own).map((rg) => rg.start.line + 1));
  const ourErrors = ours.diagnostics.filter((d) => d.severity === 'error');
  const said = `nasm said:\n${nasm.stderr}we said:\n${ours.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.severity}: ${d.message}`).join('\n')}`;
  if (nasm.status !== 0) {
    if (ourErrors.length === 0) return `nasm rejected it, we did not\n${said}`;
    const reported = ourLines('error');
    // nasm puts an unterminated block's error past the last line; we put it on the block's first.
    const pastEnd = text.split('\n').length;
    const atEnd = ourErrors.some((d) => d.message.startsWith('end of file'));
    const missing = [...linesOf('error:', false)].filter((l) => !reported.has(l) && !(l >= pastEnd && atEnd));
    return missing.length > 0 ? `nasm reports errors at lines ${missing.join(', ')}, we do not\n${said}` : undefined;
  }
  if (ourErrors.length > 0) return `nasm accepted it, we did not\n${said}`;
  const expected = fs.readFileSync(`${file}.bin`);
  const k = expected.findIndex((b, j) => ours.image[j] !== b);
  if (k >= 0 || expected.length !== ours.image.length) {
    const at = k >= 0 ? k : Math.min(expected.length, ours.image.length);
    return `bytes differ at offset ${at} (our line ${(ours.sourceMap.lookupAddress(ours.origin + at)?.range.start.line ?? -2) + 1}; sizes ${expected.length} vs ${ours.image.length})`;
  }
  const nasmWarned = linesOf('warning:', false);
  const nasmContext = linesOf('warning:', true);
  const ourWarnings = ours.diagnostics.filter((d) => d.severity === 'warning');
  const oursOwn = new Set(ourWarnings.filter((d) => path.basename(d.range.file) === own).map((d) => d.range.start.line + 1));
  const oursAll = ourLines('warning');
  for (const l of nasmWarned) if (!oursAll.has(l)) return `nasm warns at line ${l}, we do not\n${said}`;
  for (const l of oursOwn) if (!nasmContext.has(l)) return `we warn at line ${l}, nasm does not\n${said}`;
  return undefined;
}
