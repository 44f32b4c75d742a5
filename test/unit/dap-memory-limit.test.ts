// Guest RAM has one upper limit, the multiboot loader's (its memory map holds 3.5 GiB below 4 GiB):
// the runtime, the debug adapter's launch checks, the extension's launch configuration checks and
// package.json's launch schema all give that number. Found by scripts/fuzz-dap.mjs: launch took
// `memory` up to 3840 MiB, and the loader then refused anything above 3584 with its own message.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_MULTIBOOT_MEMORY, loadMultiboot } from '../../core/src/machine/loader/multiboot';
import { PhysicalMemory } from '../../core/src/machine/memory/physical-memory';
import { GuestSession } from '../../core/src/runtime/session';
import { planLaunch } from '../../debug-adapter/src/launch';
import { resolveLaunchConfig } from '../../client/src/debug/launchConfig';

const ROOT = path.join(__dirname, '..', '..');
const HELLO = path.join(ROOT, 'examples', 'hello', 'hello.gasm');
const MIB = 1 << 20;
const LIMIT_MIB = 3584;

describe('guest memory: one limit for the loader, the runtime, the adapter and the launch schema', () => {
  it('the loader takes 3.5 GiB and refuses 4 KiB more', () => {
    assert.equal(MAX_MULTIBOOT_MEMORY, LIMIT_MIB * MIB);
    const image = GuestSession.load({ source: { file: HELLO } });
    assert.ok(image.ok);
    const bytes = image.session.assembled?.image;
    assert.ok(bytes !== undefined);
    assert.equal(loadMultiboot(bytes, new PhysicalMemory(LIMIT_MIB * MIB), { kernelName: 'k' }).ok, true);
    const over = loadMultiboot(bytes, new PhysicalMemory(LIMIT_MIB * MIB + 4096), { kernelName: 'k' });
    assert.equal(over.ok, false);
  });

  it('the runtime loads a guest with 3584 MiB and refuses 3585 MiB with the same bound in its message', () => {
    assert.equal(GuestSession.load({ source: { file: HELLO }, memoryBytes: LIMIT_MIB * MIB }).ok, true);
    const over = GuestSession.load({ source: { file: HELLO }, memoryBytes: (LIMIT_MIB + 1) * MIB });
    assert.ok(!over.ok);
    assert.match(over.message, /from 2 MiB to 3584 MiB \(3\.5 GiB\)/);
    assert.doesNotMatch(over.message, /multiboot image/, 'refused by the size check, not later by the loader');
  });

  it('launch takes `memory` up to 3584 and refuses 3585 naming the attribute and the bound', () => {
    assert.equal(planLaunch({ program: HELLO, memory: LIMIT_MIB }, ROOT).ok, true);
    for (const memory of [LIMIT_MIB + 1, 3840]) {
      const r = planLaunch({ program: HELLO, memory }, ROOT);
      assert.ok(!r.ok, `memory ${memory} accepted`);
      assert.match(r.message, /`memory` must be a whole number of MiB from 2 to 3584/);
    }
  });

  it('the extension checks the same bound, and package.json\'s launch schema states it', () => {
    assert.equal(resolveLaunchConfig({ request: 'launch', name: 'n', program: 'a.gasm', memory: LIMIT_MIB }, { includePaths: [] }).ok, true);
    assert.equal(resolveLaunchConfig({ request: 'launch', name: 'n', program: 'a.gasm', memory: LIMIT_MIB + 1 }, { includePaths: [] }).ok, false);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { debuggers: { configurationAttributes: { launch: { properties: { memory: { minimum: number; maximum: number } } } } }[] };
    };
    const memory = pkg.contributes.debuggers[0].configurationAttributes.launch.properties.memory;
    assert.deepEqual([memory.minimum, memory.maximum], [2, LIMIT_MIB]);
  });
});
