// A launch assembles its program within a time budget (debug-adapter/src/launch.ts
// LAUNCH_ASSEMBLY_BUDGET_MS, GuestSession.load's assemblyBudgetMs): a program that expands without
// end fails the launch with the assembler's 'time-budget' error instead of leaving the adapter
// unable to answer. Without a budget (the CLI's `run`, as nasm) nothing changes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TIME_BUDGET_MESSAGE } from '../../core/src/asm/limits';
import { GuestSession } from '../../core/src/runtime/session';
import { LAUNCH_ASSEMBLY_BUDGET_MS, planLaunch } from '../../debug-adapter/src/launch';

const RUNAWAY = 'bits 32\n%rep 1000000\n%rep 1000000\n  nop\n%endrep\n%endrep\n';

describe('debug adapter: a launch assembles within a time budget', () => {
  it('a runaway program fails to load with the time-budget error', () => {
    const r = GuestSession.load({ source: { file: '/runaway.gasm', text: RUNAWAY }, assemblyBudgetMs: 300 });
    assert.ok(!r.ok);
    assert.deepEqual(r.diagnostics?.map((d) => d.message), [TIME_BUDGET_MESSAGE]);
  });

  it('launch plans every source load with the budget', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-launch-budget-'));
    try {
      const file = path.join(dir, 'guest.gasm');
      fs.writeFileSync(file, 'bits 32\nnop\n');
      const plan = planLaunch({ program: file }, dir);
      assert.ok(plan.ok);
      assert.equal(plan.options.assemblyBudgetMs, LAUNCH_ASSEMBLY_BUDGET_MS);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
