// The language server's background warm-up (server/src/warmUp.ts): its program is ordinary guest
// code that nasm assembles to the same bytes as we do, and its scheduler runs one round per
// event-loop turn, grows the rounds while they stay short, and stops at once when told to.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble } from '../../core/src/asm/index';
import { BackgroundWarmUp, BLOCK_LINES, warmUpProgram, type WarmUpPlan } from '../../server/src/warmUp';
import { hasNasm } from '../support/random';

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Waits until `done()` or the time runs out. */
async function until(done: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** A round that takes `msPerBlock` per block, so its time grows with its size as a real one does. */
function timedRound(msPerBlock: number, sizes: number[]): (round: number, blocks: number) => void {
  return (_round, blocks) => {
    sizes.push(blocks);
    const end = performance.now() + blocks * msPerBlock;
    while (performance.now() < end) { /* busy, like an assembly */ }
  };
}

const PLAN: WarmUpPlan = { firstBlocks: 2, maxBlocks: 32, roundMs: 5, lines: 40 * BLOCK_LINES, maxMs: 10_000 };

describe('language server warm-up', () => {
  describe('its program', () => {
    for (const [round, blocks] of [[0, 12], [7, 60]] as const) {
      it(`round ${round} with ${blocks} blocks assembles without a diagnostic, ${blocks * BLOCK_LINES}+ lines`, () => {
        const text = warmUpProgram(round, blocks);
        const r = assemble({ file: '/warm.asm', text, host: { readFile: () => undefined } });
        assert.deepEqual(r.diagnostics.map((d) => `${d.range.start.line}: ${d.message}`), []);
        assert.ok(text.split('\n').length >= blocks * BLOCK_LINES);
      });
    }

    it('gives the bytes nasm gives', function () {
      if (!hasNasm) this.skip();
      const dir = mkdtempSync(join(tmpdir(), 'ringside-warm-'));
      try {
        for (const [round, blocks] of [[0, 12], [3, 40], [51, 100]] as const) {
          const text = warmUpProgram(round, blocks);
          const file = join(dir, `w${round}.asm`);
          writeFileSync(file, text);
          const nasm = spawnSync('nasm', ['-f', 'bin', '-o', `${file}.bin`, file], { encoding: 'utf8' });
          assert.equal(nasm.status, 0, nasm.stderr);
          const ours = assemble({ file, text, host: { readFile: () => undefined } });
          assert.deepEqual(Buffer.from(ours.image ?? []), readFileSync(`${file}.bin`), `round ${round}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('names everything after its round, so each round parses new lines', () => {
      const a = new Set(warmUpProgram(1, 12).split('\n'));
      const b = warmUpProgram(2, 12).split('\n').filter((l) => /\bw2_/.test(l));
      assert.ok(b.length > 12);
      for (const line of b) assert.ok(!a.has(line), line);
    });
  });

  describe('its schedule', () => {
    it('runs one round per turn until the plan\'s lines are done, then reports', async () => {
      const sizes: number[] = [];
      const reports: string[] = [];
      const w = new BackgroundWarmUp(timedRound(0.01, sizes), (m) => reports.push(m), undefined, PLAN);
      w.start(0);
      assert.equal(sizes.length, 0, 'nothing runs before the event loop turns');
      await until(() => reports.length > 0);
      assert.match(reports[0], /^warmed up in \d+ ms \(\d+ rounds, \d+ lines, the last round \d+ lines\)$/);
      const lines = sizes.reduce((a, b) => a + b, 0) * BLOCK_LINES;
      assert.ok(lines >= PLAN.lines && lines - sizes[sizes.length - 1] * BLOCK_LINES < PLAN.lines, `${lines} lines`);
      assert.deepEqual(reports.length, 1);
    });

    it('doubles fast rounds up to the largest size and keeps slow ones at the first size', async () => {
      const fast: number[] = [];
      const done: string[] = [];
      // A round far under its time (even on a busy machine) may double.
      new BackgroundWarmUp(timedRound(0.001, fast), (m) => done.push(m), undefined, { ...PLAN, roundMs: 100 }).start(0);
      await until(() => done.length > 0);
      assert.deepEqual(fast.slice(0, 5), [2, 4, 8, 16, 32]);
      assert.ok(fast.every((b) => b <= PLAN.maxBlocks));

      const slow: number[] = [];
      new BackgroundWarmUp(timedRound(5, slow), (m) => done.push(m), undefined, { ...PLAN, lines: 4 * 2 * BLOCK_LINES }).start(0);
      await until(() => done.length > 1);
      // 2 blocks take 10 ms, twice the round's 5 ms: the rounds stay at the smallest size.
      assert.deepEqual(slow, [2, 2, 2, 2]);
    });

    it('stops between rounds when stopped, and says after how many', async () => {
      const sizes: number[] = [];
      const reports: string[] = [];
      const w = new BackgroundWarmUp(timedRound(0.01, sizes), (m) => reports.push(m), undefined, { ...PLAN, lines: 1e9 });
      w.start(0);
      await until(() => sizes.length >= 3);
      w.stop('a document was opened');
      const ran = sizes.length;
      for (let i = 0; i < 5; i++) await turn();
      assert.equal(sizes.length, ran, 'no round after stop');
      assert.deepEqual(reports, [`warm-up stopped after ${ran} rounds (${reports[0]?.match(/\((\d+) ms\)/)?.[1]} ms): a document was opened`]);
      w.start(0);
      await turn();
      assert.equal(sizes.length, ran, 'a stopped warm-up does not start again');
    });

    it('stopped before its first round, it runs none and says nothing', async () => {
      const sizes: number[] = [];
      const reports: string[] = [];
      const w = new BackgroundWarmUp(timedRound(0.01, sizes), (m) => reports.push(m), undefined, PLAN);
      w.start(5);
      w.stop('a document was opened');
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual([sizes, reports], [[], []]);
    });

    it('ends when it is no longer allowed, and when a round throws', async () => {
      let allowed = true;
      const sizes: number[] = [];
      const reports: string[] = [];
      new BackgroundWarmUp(timedRound(0.01, sizes), (m) => reports.push(m), () => allowed, { ...PLAN, lines: 1e9 }).start(0);
      await until(() => sizes.length >= 2);
      allowed = false;
      await until(() => reports.length > 0);
      assert.match(reports[0], /^warm-up stopped after \d+ rounds \(\d+ ms\): turned off$/);

      const failed: string[] = [];
      let rounds = 0;
      new BackgroundWarmUp(() => { if (++rounds === 2) throw new Error('boom'); }, (m) => failed.push(m), undefined, PLAN).start(0);
      await until(() => failed.length > 0);
      for (let i = 0; i < 3; i++) await turn();
      assert.deepEqual([failed, rounds], [['warm-up failed: boom'], 2]);
    });
  });
});
