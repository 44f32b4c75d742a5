// End-to-end debugger checks of the installed .vsix in code-server: F5 on a guest file, breakpoints,
// steps, registers in Variables, COM1 output in the Debug Console, and the Rings, Page Tables and
// TLB views on hello.gasm and the paging kernel; then COM1 in a terminal of its own (launch.json's
// `"console": "integratedTerminal"`), typed into. Run by test/e2e/run.sh (see README.md).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { CheckRunner, expect } from './lib/checks.mjs';
import { DebugUi, eventually } from './lib/debugging.mjs';
import { e2eEnv, lineOf } from './lib/env.mjs';
import { hex32, hexPageNumber, NasmMap } from './lib/nasmMap.mjs';
import { inWorkbench, UI_TIMEOUT } from './lib/workbench.mjs';

const SPEC = 'debug';
const env = e2eEnv();
const runner = new CheckRunner(SPEC, env.outDir);

/** Symbol addresses nasm 2.16 gives the examples (fixtures/*.nasm-map.txt, see README.md). */
const helloMap = new NasmMap(fileURLToPath(new URL('./fixtures/hello.nasm-map.txt', import.meta.url)));
const kernelMap = new NasmMap(fileURLToPath(new URL('./fixtures/kernel.nasm-map.txt', import.meta.url)));

/** The views' texts with no session (package.json viewsWelcome, client/src/views/ringsView.ts). */
const PAGE_TABLES_EMPTY = /The guest's page directory and page tables, with their flags, appear here/;
const TLB_EMPTY = /The TLB's entries .* appear here/;
const RINGS_EMPTY = /Start debugging a guest .* to see which privilege ring the CPU runs in/;

const HELLO = 'examples/hello/hello.gasm';
const KERNEL = 'examples/kernel/kernel.gasm';
const helloFile = join(env.workspace, HELLO);
const kernelFile = join(env.workspace, KERNEL);

let wb;
const shoot = (name) => wb?.screenshot(name);
// Taller than the editor spec's: the Run and Debug side bar stacks seven views.
await inWorkbench(runner, env, SPEC, 'debugger', async (opened) => {
  wb = opened;
  const ui = new DebugUi(wb);
  await emptyViewChecks(ui, 'before any session', '01-views-empty');
  await helloChecks(ui);
  await kernelChecks(ui);
  await serialTerminalChecks(ui);
}, { width: 1400, height: 1200 });
process.exitCode = runner.finish();

/** With no session the three views say how to start one. */
async function emptyViewChecks(ui, when, shot) {
  await runner.check(`${when}: Rings, Page Tables and TLB show their empty state`, async () => {
    await ui.ensureNoSession();
    await ui.openRunAndDebug();
    for (const [pane, text] of [['Page Tables', PAGE_TABLES_EMPTY], ['TLB', TLB_EMPTY]]) {
      await ui.showPane(pane);
      await ui.waitForPaneText(pane, text);
      await wb.screenshot(`${shot}-${pane.replace(/ /g, '-').toLowerCase()}`);
    }
    await ui.showPane('Rings');
    await ui.waitForRingsText(RINGS_EMPTY);
    await wb.screenshot(`${shot}-rings`);
  }, shoot);
}

async function helloChecks(ui) {
  const { page } = wb;
  const entry = lineOf(helloFile, /^\s+mov esp, stack_top\b/);
  const afterEntry = lineOf(helloFile, /^\s+call serial_init\b/);
  const afterCall = lineOf(helloFile, /^\s+mov esi, message\b/);
  const exitLine = lineOf(helloFile, /^\s+mov al, EXIT_SUCCESS\b/);
  let started = false;

  await runner.check(`hello.gasm: F9 sets a breakpoint on line ${exitLine.line} (mov al, EXIT_SUCCESS)`, async () => {
    await wb.openFile(HELLO);
    await ui.toggleBreakpoint(exitLine.line);
    await wb.screenshot('02-hello-breakpoint');
  }, shoot);

  await runner.check(`hello.gasm: F5 with no launch.json stops on entry at line ${entry.line} (mov esp, stack_top)`, async () => {
    await wb.openFile(HELLO);
    await ui.press('F5');
    started = true;
    await ui.waitForStopped(/entry/i);
    const at = await ui.waitForCurrentLine(entry.line);
    expect(at.text?.includes('mov esp, stack_top'), `the highlighted line reads ${JSON.stringify(at.text)}`);
    await wb.screenshot('03-hello-stopped-on-entry');
  }, shoot);

  await runner.check(`hello.gasm: Variables lists the general registers, EIP = start (${hex32(helloMap.address('start'))} in nasm's map)`, async () => {
    await ui.showPane('Variables');
    const eip = hex32(helloMap.address('start'));
    await ui.waitForVariable('EIP', (v) => v === eip, `EIP = ${eip}`);
    const vars = await ui.variables();
    const missing = ['EAX', 'EBX', 'ECX', 'EDX', 'ESI', 'EDI', 'EBP', 'ESP', 'EIP', 'EFLAGS'].filter((n) => !vars.has(n));
    expect(missing.length === 0, `Variables lacks ${missing.join(', ')}; it shows ${[...vars].map(([k, v]) => `${k}=${v}`).join(' ')}`);
    expect(/^0x[0-9a-f]{8}$/.test(vars.get('EAX')), `EAX is ${vars.get('EAX')}`);
    await wb.screenshot('04-hello-variables');
  }, shoot);

  await runner.check(`hello.gasm: F10 moves to line ${afterEntry.line} and ESP = stack_top (${hex32(helloMap.address('stack_top'))} in nasm's map)`, async () => {
    await ui.press('F10');
    await ui.waitForStopped(/step/i);
    await ui.waitForCurrentLine(afterEntry.line);
    await ui.showPane('Variables');
    const esp = hex32(helloMap.address('stack_top'));
    await ui.waitForVariable('ESP', (v) => v === esp, `ESP = ${esp}`);
    await wb.screenshot('05-hello-step');
  }, shoot);

  await runner.check(`hello.gasm: F10 steps over call serial_init to line ${afterCall.line}`, async () => {
    await ui.press('F10');
    await ui.waitForCurrentLine(afterCall.line);
    await ui.waitForStopped(/step/i);
  }, shoot);

  await runner.check(`hello.gasm: F5 continues to the breakpoint on line ${exitLine.line}; the Debug Console shows COM1's "Hello from ring 0!"`, async () => {
    await ui.press('F5');
    await ui.waitForStopped(/breakpoint/i);
    await ui.waitForCurrentLine(exitLine.line);
    await ui.waitForConsole(/Hello from ring 0!/);
    await wb.screenshot('06-hello-breakpoint-console');
  }, shoot);

  await runner.check('hello.gasm: at the breakpoint the Rings view highlights ring 0', async () => {
    await ui.showPane('Rings');
    // The page names the stop's source line once the extension has read it.
    await ui.waitForRingsText(new RegExp(`hello\\.gasm:${exitLine.line}:`));
    const rings = await eventually('a highlighted ring', async () => {
      const r = await ui.highlightedRings();
      return r.length > 0 ? r : undefined;
    });
    expect(rings.length === 1 && rings[0] === '0', `highlighted rings: ${JSON.stringify(rings)}`);
    await wb.screenshot('07-hello-rings');
  }, shoot);

  await runner.check('hello.gasm: with paging off, TLB shows its counters and Page Tables says paging is off', async () => {
    await ui.showPane('TLB');
    await ui.waitForTree('TLB', (rows) => rows.some((r) => r.label === 'Counters') && rows.some((r) => r.label === 'Hits'),
      'the TLB counters');
    await wb.screenshot('08-hello-tlb');
    await ui.showPane('Page Tables');
    await ui.waitForPaneText('Page Tables', /Paging is off \(CR0\.PG = 0\)/);
    await wb.screenshot('08-hello-page-tables');
  }, shoot);

  await runner.check('hello.gasm: F5 runs to the end: the Debug Console shows exit code 16 and the session ends', async () => {
    if (!started) throw new Error('no session was started');
    await ui.press('F5');
    await ui.waitForConsole(/guest wrote 16 to isa-debug-exit; exit code 16/);
    await ui.waitForNoSession();
    await wb.screenshot('09-hello-exited');
  }, shoot);

  await emptyViewChecks(ui, 'after hello.gasm ended', '10-views-empty-after-exit');

  // Leave no breakpoint behind for the checks that follow.
  await runner.check('hello.gasm: F9 again removes the breakpoint', async () => {
    await wb.openFile(HELLO);
    await wb.goTo(exitLine.line, 1);
    await page.keyboard.press('F9');
    await eventually('the breakpoint dot to go', () => ui.lineWithoutBreakpoint(exitLine.line));
  }, shoot);
}

async function kernelChecks(ui) {
  const entry = lineOf(kernelFile, /^\s+mov esp, kernel_stack_top\b/);
  const aliasLine = lineOf(kernelFile, /^\s+mov esi, alias_message \+ HIGHER_BASE\b/);
  const afterAlias = lineOf(kernelFile, /^\s+call serial_puts\b/);
  const userEntry = lineOf(kernelFile, /^user_entry:/);
  const userFirst = { line: userEntry.line + 1 };
  const userSecond = { line: userEntry.line + 2 };
  const userPage = kernelMap.address('user_entry');
  // .user has vstart=USER_BASE: the page at user_entry's address maps the frame it was loaded to.
  const userFrame = kernelMap.loadAddress('user_entry');

  await runner.check(`kernel.gasm: F5 stops on entry at line ${entry.line}; breakpoints on lines ${aliasLine.line} and ${userFirst.line}`, async () => {
    await ui.ensureNoSession();
    await wb.openFile(KERNEL);
    await ui.press('F5');
    await ui.waitForStopped(/entry/i);
    await ui.waitForCurrentLine(entry.line);
    await ui.toggleBreakpoint(aliasLine.line);
    await ui.toggleBreakpoint(userFirst.line);
    await wb.screenshot('11-kernel-entry');
  }, shoot);

  await runner.check(`kernel.gasm: at line ${aliasLine.line} (paging on) Page Tables lists PDEs 0x0, 0x100, 0x200, 0x300`, async () => {
    await ui.press('F5');
    await ui.waitForStopped(/breakpoint/i);
    await ui.waitForCurrentLine(aliasLine.line);
    await ui.showPane('Page Tables');
    const want = ['PDE 0x0', 'PDE 0x100', 'PDE 0x200', 'PDE 0x300'];
    await ui.waitForTree('Page Tables', (rows) => {
      const pdes = rows.filter((r) => r.label.startsWith('PDE ')).map((r) => r.label);
      return pdes.length === want.length && want.every((w) => pdes.includes(w));
    }, `the page directory entries ${want.join(', ')}`);
    await wb.screenshot('12-kernel-page-directory');
  }, shoot);

  const userPtes = [
    `${hex32(userPage)} → ${hex32(userFrame)}`,
    `${hex32(kernelMap.address('USER_STACK_TOP') - 0x1000)} → `,
  ];
  const hasUserPtes = (rows) => rows.filter((r) => r.label.startsWith('PTE ') && r.level === 2).length === 2
    && rows.some((r) => r.label === 'PTE 0x0' && r.description.startsWith(userPtes[0]))
    && rows.some((r) => r.label === 'PTE 0x1' && r.description.startsWith(userPtes[1]));

  await runner.check(`kernel.gasm: PDE 0x100 expands to 2 pages (${userPtes[0]} from nasm's map, then the user stack); the expansion survives a step`, async () => {
    await ui.showPane('Page Tables');
    const row = ui.pane('Page Tables').locator('.monaco-list-row', { has: wb.page.locator('.label-name', { hasText: /^PDE 0x100$/ }) }).first();
    await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    await ui.waitForTree('Page Tables', hasUserPtes, 'the two PTEs of PDE 0x100');
    await wb.screenshot('13-kernel-pde-expanded');
    const redraws = await ui.countRedraws('Page Tables');
    await ui.press('F10');
    await ui.waitForCurrentLine(afterAlias.line);
    // The tree redraws from the new stop with the same content, so the only sign it is done is
    // that its DOM changed and then stayed still.
    await ui.waitForRedrawn(redraws, 'the Page Tables view after the step');
    const rows = await ui.treeRows('Page Tables');
    expect(hasUserPtes(rows), `after the step PDE 0x100's pages are gone: ${rows.map((r) => `${r.label} ${r.description}`).join(' | ')}`);
    await wb.screenshot('14-kernel-pde-after-step');
  }, shoot);

  const aliasLinear = (kernelMap.address('alias_message') + 0xC0000000) >>> 0;
  const aliasPhysical = kernelMap.loadAddress('alias_message');
  await runner.check(`kernel.gasm: Show Page Walk of 0xC0000000+alias_message ends in "→ physical ${hex32(aliasPhysical)}"`, async () => {
    await wb.runCommand('Ringside: Show Page Walk for Address');
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await input.fill('0xC0000000+alias_message');
    await wb.page.keyboard.press('Enter');
    const result = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: `→ physical ${hex32(aliasPhysical)}` });
    await result.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: `Linear ${hex32(aliasLinear)}` })
      .first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await wb.screenshot('15-kernel-page-walk');
    await wb.page.keyboard.press('Escape');
    await ui.waitForTree('Page Tables', (rows) => rows.some((r) => r.label.startsWith('Walk of 0xC0000000+alias_message')),
      'the walk on top of Page Tables');
  }, shoot);

  await runner.check(`kernel.gasm: at user_entry (line ${userFirst.line}) the Rings view highlights ring 3`, async () => {
    await ui.press('F5');
    await ui.waitForStopped(/breakpoint/i);
    await ui.waitForCurrentLine(userFirst.line);
    await ui.showPane('Rings');
    await ui.waitForRingsText(new RegExp(`kernel\\.gasm:${userFirst.line}:`));
    const rings = await eventually('a highlighted ring', async () => {
      const r = await ui.highlightedRings();
      return r.length > 0 ? r : undefined;
    });
    expect(rings.length === 1 && rings[0] === '3', `highlighted rings: ${JSON.stringify(rings)}`);
    await wb.screenshot('16-kernel-rings-ring3');
  }, shoot);

  const tlbLabel = `${hexPageNumber(userPage)} → ${hexPageNumber(userFrame)}`;
  await runner.check(`kernel.gasm: after a step past user_entry the TLB lists ${tlbLabel} as "RO user"`, async () => {
    await ui.press('F10');
    await ui.waitForCurrentLine(userSecond.line);
    await ui.showPane('TLB');
    await ui.waitForTree('TLB', (rows) => rows.some((r) => r.label === tlbLabel && /^RO user\b/.test(r.description)),
      `the TLB entry ${tlbLabel} RO user`);
    await wb.screenshot('17-kernel-tlb');
  }, shoot);

  await runner.check('kernel.gasm: Shift+F5 stops the session', async () => {
    await ui.press('Shift+F5');
    await ui.waitForNoSession();
  }, shoot);

  await emptyViewChecks(ui, 'after the kernel session was stopped', '18-views-empty-after-stop');

  // Leave no breakpoint behind for the specs that run after this one in the same workspace.
  await runner.check('kernel.gasm: Remove All Breakpoints clears the gutter', async () => {
    await wb.openFile(KERNEL);
    await wb.runCommand('Remove All Breakpoints');
    for (const line of [aliasLine.line, userFirst.line]) {
      await wb.goTo(line, 1);
      await eventually(`no breakpoint dot on line ${line}`, () => ui.lineWithoutBreakpoint(line));
    }
  }, shoot);
}


/**
 * echo-irq.gasm (test/fixtures/runtime, copied into the workspace by run.sh; QEMU 7.2 gives `hello, irq` and exit value 10 for the
 * input `hello, irq.`, see test/unit/cli-run-serial-input.test.ts) debugged with COM1 in a
 * terminal: launch.json types `hello, ` as it starts, the rest is typed with the keyboard into the
 * terminal VS Code opened through runInTerminal. The launch.json goes again afterwards, so F5 on a
 * file means what it did for the specs after this one.
 */
async function serialTerminalChecks(ui) {
  const { page } = wb;
  const launchJson = join(env.workspace, '.vscode', 'launch.json');
  mkdirSync(join(env.workspace, '.vscode'), { recursive: true });
  writeFileSync(launchJson, JSON.stringify({
    version: '0.2.0',
    configurations: [{
      type: 'ringside', request: 'launch', name: 'COM1 in a terminal', program: '${workspaceFolder}/echo-irq.gasm',
      console: 'integratedTerminal', serialInput: 'hello, ',
    }],
  }, null, 2));
  const rows = page.locator('.terminal-wrapper.active .xterm-rows');
  try {
    await runner.check('echo-irq.gasm with "console": "integratedTerminal": F5 opens a COM1 terminal showing the guest\'s echo of serialInput', async () => {
      await wb.openFile('echo-irq.gasm');
      // (launch.json was written while the workbench runs: F5 waits until VS Code has read it.)
      // (F5 again only when the last one started nothing in 3 s: a second one would ask about a second session.)
      await eventually('F5 to start the launch.json configuration', async () => {
        if (await ui.toolbar.isVisible()) return true;
        await ui.press('F5');
        return ui.toolbar.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
      });
      await rows.filter({ hasText: 'hello,' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await wb.screenshot('20-com1-terminal');
      // (The terminal took the panel: the Debug Console renders its rows once shown again.)
      await page.getByRole('tab', { name: /^Debug Console/ }).click();
      await ui.waitForConsole(/waiting for input on COM1/);
    }, shoot);

    await runner.check('echo-irq.gasm: keys typed in the COM1 terminal reach the guest, which echoes them and exits with 10', async () => {
      await wb.runCommand('Terminal: Focus Terminal');
      await page.keyboard.type('irq.');
      await rows.filter({ hasText: 'hello, irq' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      const text = (await rows.innerText()).replace(/\s+/g, ' ');
      console.log(`       terminal: ${text.slice(-120)}`);
      await wb.screenshot('21-com1-terminal-typed');
      await page.getByRole('tab', { name: /^Debug Console/ }).click();
      await ui.waitForConsole(/guest wrote 10 to isa-debug-exit; exit code 10/);
      await ui.waitForNoSession();
    }, shoot);
  } finally {
    rmSync(launchJson, { force: true });
  }
}
