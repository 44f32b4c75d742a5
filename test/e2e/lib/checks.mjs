// A minimal sequential check runner for the end-to-end specs: each check is named, runs once,
// and a failure records the error and a screenshot instead of stopping the remaining checks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class CheckRunner {
  /** @param {string} spec name of the spec file, used for the summary file
   *  @param {string} outDir where screenshots and the summary go */
  constructor(spec, outDir) {
    this.spec = spec;
    this.outDir = outDir;
    /** @type {{ name: string, ok: boolean, ms: number, error?: string }[]} */
    this.results = [];
    mkdirSync(outDir, { recursive: true });
  }

  /** Runs `fn`; on failure calls `onFailure('FAILED-<n>')` (a screenshot) and carries on. */
  async check(name, fn, onFailure) {
    const t0 = Date.now();
    try {
      await fn();
      this.results.push({ name, ok: true, ms: Date.now() - t0 });
      console.log(`  ok   ${name} (${Date.now() - t0} ms)`);
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      this.results.push({ name, ok: false, ms: Date.now() - t0, error: message });
      console.log(`  FAIL ${name} (${Date.now() - t0} ms)\n       ${message.split('\n').join('\n       ')}`);
      if (onFailure) {
        try {
          await onFailure(`FAILED-${String(this.results.length).padStart(2, '0')}`);
        } catch (shotErr) {
          console.log(`       (no failure screenshot: ${shotErr instanceof Error ? shotErr.message : shotErr})`);
        }
      }
    }
  }

  /** Records a check that could not run because setup failed (counts as failed). */
  fail(name, error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.results.push({ name, ok: false, ms: 0, error: message });
    console.log(`  FAIL ${name}\n       ${message.split('\n').join('\n       ')}`);
  }

  get passed() { return this.results.filter((r) => r.ok).length; }
  get failed() { return this.results.filter((r) => !r.ok).length; }

  /** Writes `<spec>.summary.json` (run.sh adds these up) and returns the exit status. */
  finish() {
    writeFileSync(join(this.outDir, `${this.spec}.summary.json`),
      JSON.stringify({ spec: this.spec, passed: this.passed, failed: this.failed, results: this.results }, null, 2) + '\n');
    console.log(`${this.spec}: ${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0 ? 0 : 1;
  }
}

/** Throws with `message` unless `condition` holds. */
export function expect(condition, message) {
  if (!condition) throw new Error(message);
}
