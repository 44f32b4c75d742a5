// The extension-API checks run inside VS Code's extension host (loaded by run.mjs through
// @vscode/test-electron): activation on a .gasm file, language id, commands, a diagnostic, and a
// debug session's lifecycle (start, stopped on entry, continue, exited and terminated).
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

/** Resolves with the first value `subscribe` passes on, or rejects after `ms`. */
function nextEvent(what, subscribe, ms = 20000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { d.dispose(); reject(new Error(`timed out waiting for ${what}`)); }, ms);
    const d = subscribe((value) => { clearTimeout(timer); d.dispose(); resolve(value); });
  });
}

/** 1-based number of the first line of `file` matching `pattern`. */
function lineOf(file, pattern) {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => pattern.test(l));
  assert.ok(i >= 0, `${file}: no line matches ${pattern}`);
  return i + 1;
}

/** A `ringside` session on hello.gasm from start to end, watched through the DAP messages. */
async function debugSessionLifecycle() {
  const hello = join(workspace, 'examples', 'hello', 'hello.gasm');
  const events = [];
  const tracker = vscode.debug.registerDebugAdapterTrackerFactory('ringside', {
    createDebugAdapterTracker: () => ({ onDidSendMessage: (m) => { if (m.type === 'event') events.push(m); } }),
  });
  try {
    const isOurs = (s) => s.type === 'ringside' && s.name === 'lifecycle';
    const started = nextEvent('the session to start', (fire) => vscode.debug.onDidStartDebugSession((s) => { if (isOurs(s)) fire(s); }));
    const terminated = nextEvent('the session to terminate', (fire) => vscode.debug.onDidTerminateDebugSession((s) => { if (isOurs(s)) fire(s); }));
    const folder = vscode.workspace.workspaceFolders?.[0];
    const ok = await vscode.debug.startDebugging(folder, {
      type: 'ringside', request: 'launch', name: 'lifecycle', program: hello, stopOnEntry: true,
    });
    assert.equal(ok, true, 'vscode.debug.startDebugging returned false');
    const session = await started;

    const stopped = await eventually('a stopped event', () => events.find((e) => e.event === 'stopped'));
    assert.equal(stopped.body.reason, 'entry');
    // The client asks in lines starting at 1 (VS Code's initialize request), as the editor shows them.
    const { stackFrames } = await session.customRequest('stackTrace', { threadId: stopped.body.threadId });
    assert.equal(stackFrames[0].line, lineOf(hello, /^\s+mov esp, stack_top\b/), 'stopped on the first instruction of start');
    assert.equal(vscode.debug.activeDebugSession?.id, session.id);

    await session.customRequest('continue', { threadId: stopped.body.threadId });
    await terminated;
    const exited = events.find((e) => e.event === 'exited');
    assert.ok(exited, 'no exited event before the session terminated');
    assert.equal(exited.body.exitCode, 16, 'hello writes EXIT_SUCCESS (0x10) to isa-debug-exit');
    const serial = events.filter((e) => e.event === 'output' && e.body.category === 'stdout').map((e) => e.body.output).join('');
    assert.match(serial, /Hello from ring 0!/);
    assert.ok(events.some((e) => e.event === 'terminated'), 'no terminated event');
    assert.equal(vscode.debug.activeDebugSession, undefined, 'a debug session is still active');
  } finally {
    tracker.dispose();
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
  ['a debug session on hello.gasm stops on entry, continues, exits with 16 and terminates', debugSessionLifecycle],
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
