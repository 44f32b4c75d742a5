// What test/e2e/run.sh hands an end-to-end spec (server URL, workspace copy, output dir), and
// locating lines in the workspace files so specs navigate by content rather than line numbers.
import { readFileSync } from 'node:fs';

export function e2eEnv() {
  const url = process.env.RINGSIDE_E2E_URL;
  const workspace = process.env.RINGSIDE_E2E_WORKSPACE;
  const outDir = process.env.RINGSIDE_E2E_OUT;
  if (!url || !workspace || !outDir) {
    console.error('RINGSIDE_E2E_URL, RINGSIDE_E2E_WORKSPACE and RINGSIDE_E2E_OUT must be set; run the specs through test/e2e/run.sh');
    process.exit(2);
  }
  return { url, workspace, outDir };
}

/** The first line of `file` matching `pattern`: 1-based number and its text. */
export function lineOf(file, pattern) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => pattern.test(l));
  if (i < 0) throw new Error(`${file}: no line matches ${pattern}`);
  return { line: i + 1, text: lines[i] };
}
