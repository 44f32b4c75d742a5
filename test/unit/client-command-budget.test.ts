// The extension's commands run the assembler in the extension host within a time budget
// (client/src/commandRuns.ts): a program that expands without end stops with the assembler's
// 'time-budget' error instead of holding the host every extension shares.
import * as assert from 'node:assert/strict';
import { assembleForCommand, preprocessForCommand } from '../../client/src/commandRuns';
import { TIME_BUDGET_MESSAGE } from '../../core/src/asm/limits';

const RUNAWAY = '%rep 1000000\n%rep 1000000\n  nop\n%endrep\n%endrep\n';
const host = { readFile: () => undefined };

describe('extension commands: the assembler within a time budget', () => {
  it('Assemble and Show Listing stop a runaway expansion with the time-budget error', () => {
    const r = assembleForCommand({ file: '/runaway.gasm', text: RUNAWAY, host }, 300);
    assert.deepEqual(r.diagnostics.filter((d) => d.code === 'time-budget').map((d) => d.message), [TIME_BUDGET_MESSAGE]);
  });

  it('Show Preprocessed Source stops it too', () => {
    const r = preprocessForCommand({ file: '/runaway.gasm', text: RUNAWAY, readFile: () => undefined, includePaths: [], defines: {}, nameOf: (f) => f }, 300);
    assert.deepEqual(r.diagnostics.filter((d) => d.code === 'time-budget').map((d) => d.message), [TIME_BUDGET_MESSAGE]);
  });

  it('an ordinary program assembles as without a budget', () => {
    const r = assembleForCommand({ file: '/ok.gasm', text: 'bits 32\nmov eax, 1\nret\n', host });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(Array.from(r.image), [0xb8, 1, 0, 0, 0, 0xc3]);
  });
});
