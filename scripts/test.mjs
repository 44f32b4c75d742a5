// The whole test suite: build the bundles, type-check every project, lint, then run mocha
// (unit tests over core, protocol tests that drive dist/ over stdio).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function step(title, cmd, args) {
  console.log(`\n== ${title}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${title} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

step('build', process.execPath, ['scripts/build.mjs']);
step('typecheck', npx, ['tsc', '-b']);
step('lint', npx, ['eslint', '.']);
const specs = process.argv.length > 2 ? process.argv.slice(2) : ['test/unit/**/*.test.ts', 'test/protocol/**/*.test.ts'];
step('tests', npx, ['mocha', ...specs]);
