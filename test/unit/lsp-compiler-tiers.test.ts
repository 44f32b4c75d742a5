// The language server holds V8's optimizing compiler back until its first analysis is out
// (server/src/analysis/compilerTiers.ts). Whether that works depends on V8 honouring a flag
// changed while it runs, so this checks it on the Node.js the tests run on, in a process of its
// own with V8's own report of how a hot function is compiled (%GetOptimizationStatus).

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** V8's OptimizationStatus bit (src/runtime/runtime.h) of a function TurboFan compiled. */
const TURBOFANNED = 1 << 6;

/** A function made hot in a fresh process, `before` and after its hot loop; its status after each loop. */
function statuses(before: string, between: string): { held: number; after: number } {
  const script = `
    const tiers = require(${JSON.stringify(join(root, 'server/src/analysis/compilerTiers.ts'))});
    ${before}
    function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += (i * 2) % 7; return s; }
    for (let i = 0; i < 50000; i++) hot(50);
    const held = %GetOptimizationStatus(hot);
    ${between}
    for (let i = 0; i < 50000; i++) hot(50);
    console.log(JSON.stringify({ held, after: %GetOptimizationStatus(hot) }));`;
  const run = spawnSync(process.execPath, ['--allow-natives-syntax', '-r', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { held: number; after: number };
}

describe('language server: the optimizing compiler held back until the first analysis', () => {
  it('a hot function is optimized by TurboFan when nothing holds it back (the loop is hot enough)', () => {
    const { held } = statuses('', '');
    assert.ok((held & TURBOFANNED) !== 0, `status ${held.toString(2)}`);
  });

  it('is not compiled by TurboFan while held back, and is once let go', () => {
    const { held, after } = statuses('tiers.holdOptimizingCompilerOnce();', 'tiers.releaseOptimizingCompiler();');
    assert.equal(held & TURBOFANNED, 0, `status while held ${held.toString(2)}`);
    assert.ok((after & TURBOFANNED) !== 0, `status after ${after.toString(2)}`);
  });

  it('is not held back again once let go (the warm-up, then a first document)', () => {
    const { held } = statuses('tiers.releaseOptimizingCompiler(); tiers.holdOptimizingCompilerOnce();', '');
    assert.ok((held & TURBOFANNED) !== 0, `status ${held.toString(2)}`);
  });
});
