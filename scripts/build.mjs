// Bundles the extension, the language server, the debug adapter and the CLI with esbuild (DESIGN.md §1).
import * as esbuild from 'esbuild';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const entries = [
  { in: 'client/src/extension.ts', out: 'dist/extension.js', external: ['vscode'] },
  { in: 'server/src/entry.ts', out: 'dist/server.js' },
  { in: 'server/src/main.ts', out: 'dist/server-main.js' },
  { in: 'debug-adapter/src/entry.ts', out: 'dist/debugAdapter.js' },
  { in: 'debug-adapter/src/main.ts', out: 'dist/debugAdapter-main.js' },
  { in: 'debug-adapter/src/serial-bridge.ts', out: 'dist/serialTerminal.js' },
  { in: 'core/src/cli/entry.ts', out: 'dist/cli.js', banner: '#!/usr/bin/env node' },
  { in: 'core/src/cli/main.ts', out: 'dist/cli-main.js' },
];

mkdirSync(join(root, 'dist'), { recursive: true });
await Promise.all(entries.map((e) => esbuild.build({
  ...common,
  entryPoints: [e.in],
  outfile: e.out,
  external: e.external ?? [],
  banner: e.banner ? { js: e.banner } : undefined,
})));
chmodSync(join(root, 'dist/cli.js'), 0o755);
