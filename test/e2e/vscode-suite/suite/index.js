// The extension-API checks run inside VS Code's extension host (loaded by run.mjs through
// @vscode/test-electron): activation on a .gasm file, language id, commands, a diagnostic.
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const vscode = require('vscode');

const root = process.env.RINGSIDE_SUITE_ROOT;
const workspace = process.env.RINGSIDE_SUITE_WORKSPACE;
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
/** nasm 2.16's message for fixtures/broken.gasm, recorded in fixtures/broken.nasm-stderr.txt. */
const NASM_MESSAGE = readFileSync(join(root, 'test', 'e2e', 'fixtures', 'broken.nasm-stderr.txt'), 'utf8')
  .split('\n')[0].replace(/^.*?error: /, '').trim();

/** Polls `probe` until it returns a truthy value; activation and diagnostics are asynchronous
 *  and the API offers no event for "the extension has activated". */
async function eventually(what, probe, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const checks = [
  ['the extension is loaded from the manifest id', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  }],
  ['opening hello.gasm gives language id guest-asm and activates the extension', async () => {
    const doc = await vscode.workspace.openTextDocument(join(workspace, 'examples', 'hello', 'hello.gasm'));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, manifest.contributes.languages[0].id);
    await eventually('activation', () => vscode.extensions.getExtension(EXTENSION_ID).isActive);
  }],
  ['every command in the manifest is registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.contributes.commands.map((c) => c.command).filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
  }],
  [`broken.gasm gets the diagnostic "${NASM_MESSAGE}"`, async () => {
    const uri = vscode.Uri.file(join(workspace, 'broken.gasm'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diag = await eventually('the diagnostic', () =>
      vscode.languages.getDiagnostics(uri).find((d) => d.message.includes(NASM_MESSAGE)));
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diag.range.start.line + 1, 6, 'the error is on line 6 (jmp no_such_label)');
  }],
];

async function run() {
  let failed = 0;
  for (const [name, fn] of checks) {
    try {
      await fn();
      console.log(`  ok   ${name}`);
    } catch (err) {
      failed++;
      console.log(`  FAIL ${name}: ${err instanceof Error ? err.message : err}`);
    }
  }
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} extension-host check(s) failed`);
}

module.exports = { run };
