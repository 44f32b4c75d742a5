// The launch attributes the extension contributes (package.json, contributes.debuggers[].
// configurationAttributes.launch) are checked by the adapter as that schema types them: a value of
// another type is refused naming the attribute (launch.ts), never taken for the default.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planLaunch } from '../../debug-adapter/src/launch';

const ROOT = path.join(__dirname, '..', '..');
const FRAMES = path.join(ROOT, 'test', 'fixtures', 'dap', 'frames.gasm');

interface Attribute { readonly type?: string }
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { debuggers: { type: string; configurationAttributes: { launch: { properties: Record<string, Attribute> } } }[] };
};
const launchAttributes = manifest.contributes.debuggers.find((d) => d.type === 'ringside')?.configurationAttributes.launch.properties ?? {};

/** A value of another JSON type than `type`. */
const WRONG: Readonly<Record<string, unknown>> = { boolean: 'yes', string: 5, integer: 'x', number: 'x', array: 'x', object: 'x' };

describe('debug adapter: launch attributes checked as package.json types them', () => {
  it('refuses each attribute given a value of another type, naming it', () => {
    assert.ok(Object.keys(launchAttributes).length > 5);
    for (const [name, attribute] of Object.entries(launchAttributes)) {
      assert.ok(attribute.type !== undefined && attribute.type in WRONG, name);
      const plan = planLaunch({ program: FRAMES, [name]: WRONG[attribute.type] }, ROOT);
      assert.equal(plan.ok, false, `${name}: ${JSON.stringify(WRONG[attribute.type])} taken for a ${attribute.type}`);
      assert.ok(!plan.ok && plan.message.includes(name), `${name}: ${plan.ok ? '' : plan.message}`);
    }
  });

  it('takes each of them with its type', () => {
    assert.ok(planLaunch({ program: FRAMES, stopOnEntry: true, noDebug: false, cwd: ROOT }, ROOT).ok);
  });
});
