// The README's first command after install: build, then assemble the bundled hello-world guest
// with the Ringside CLI, print its NASM-style listing, disassemble the image, and run it (its
// COM1 output on stdout; it exits through isa-debug-exit with EXIT_SUCCESS = 0x10 = 16).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out', 'examples');
mkdirSync(outDir, { recursive: true });

function run(args, expectedStatus = 0) {
  console.log(`\n$ ${args.join(' ')}`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== expectedStatus) process.exit(r.status || 1);
  if (expectedStatus !== 0) console.log(`(exit status ${r.status}: the value the guest wrote to port 0xF4)`);
}

run(['scripts/build.mjs']);
const source = 'examples/hello/hello.gasm';
const image = join('out', 'examples', 'hello.bin');
const listing = join('out', 'examples', 'hello.lst');
run(['dist/cli.js', 'asm', source, '-o', image, '-l', listing]);
console.log(`\n--- ${listing}`);
process.stdout.write(readFileSync(join(root, listing), 'utf8'));
run(['dist/cli.js', 'disasm', image, '--org', '0x100000']);
run(['dist/cli.js', 'run', source], 16);
