// End-to-end editor checks of the installed .vsix in code-server: language mode, TextMate
// colours, an assembler diagnostic, warning classes and the quick fixes that switch one off, the
// sensitive-instruction hover, mnemonic completion, file-name completion in %include, an include
// file's lens running its program, Run Guest.
// Run by test/e2e/run.sh, which provides the server URL and the workspace copy (see README.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { URL } from 'node:url';
import { CheckRunner, expect } from './lib/checks.mjs';
import { inWorkbench, UI_TIMEOUT } from './lib/workbench.mjs';
import { e2eEnv, lineOf } from './lib/env.mjs';

const SPEC = 'editor';
const env = e2eEnv();
const runner = new CheckRunner(SPEC, env.outDir);

/** The language's display name: the first alias in package.json's contributes.languages. */
const LANGUAGE_NAME = 'Guest Assembly (NASM)';
/** "Default Dark Modern" (pinned in run.sh's settings) colours `comment` #6A9955 (dark_vs.json). */
const THEME_COMMENT_COLOUR = 'rgb(106, 153, 85)';
/** What nasm 2.16 prints for fixtures/broken.gasm, recorded in fixtures/broken.nasm-stderr.txt. */
const NASM_MESSAGE = readFileSync(new URL('./fixtures/broken.nasm-stderr.txt', import.meta.url), 'utf8')
  .split('\n')[0].replace(/^.*?error: /, '').trim();

let wb;
const shoot = (name) => wb?.screenshot(name);
await inWorkbench(runner, env, SPEC, 'editor', async (opened) => {
  wb = opened;
  await wb.screenshot('01-workbench');
  await editorChecks(wb);
});
process.exitCode = runner.finish();

async function editorChecks(wb) {
  const { page } = wb;

  await runner.check(`hello.gasm opens in language mode "${LANGUAGE_NAME}"`, async () => {
    await wb.openFile('examples/hello/hello.gasm');
    await page.locator('.part.statusbar [id="status.editor.mode"]', { hasText: LANGUAGE_NAME })
      .waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const mode = await wb.statusBarText('status.editor.mode');
    expect(mode === LANGUAGE_NAME, `status bar language mode is "${mode}", expected "${LANGUAGE_NAME}"`);
    await wb.screenshot('02-language-mode');
  }, shoot);

  // hello.gasm's `mov dx, COM1 + 1 ; IER...` has a mnemonic, a register and a comment.
  const helloFile = join(env.workspace, 'examples/hello/hello.gasm');
  const colourLine = lineOf(helloFile, /^\s+mov dx, COM1 \+ 1\s+; IER/);
  const colourLineText = colourLine.text.trim().slice(0, 20);

  await runner.check('syntax colours: the comment has the theme\'s comment colour, the mnemonic another', async () => {
    await wb.goTo(colourLine.line, 1);
    const t = await wb.waitForTokens(colourLineText, ['mov', 'IER'],
      (k) => k.IER.color === THEME_COMMENT_COLOUR && k.mov.color !== k.IER.color, 'mnemonic and comment colours');
    console.log(`       mov ${t.mov.className} ${t.mov.color}; comment ${t.IER.className} ${t.IER.color}`);
    expect(t.IER.spanText.trimStart().startsWith('; IER'), `the comment is not one token: "${t.IER.spanText}"`);
    await wb.screenshot('03-syntax-colours');
  }, shoot);

  await runner.check('syntax colours: register and mnemonic are coloured apart', async () => {
    await wb.goTo(colourLine.line, 1);
    const t = await wb.waitForTokens(colourLineText, ['mov', 'dx'], (k) => k.mov.color !== k.dx.color,
      'different mnemonic and register colours');
    console.log(`       mov ${t.mov.className} ${t.mov.color}; dx ${t.dx.className} ${t.dx.color}`);
  }, shoot);

  await runner.check(`broken.gasm: error squiggle and Problems lists "${NASM_MESSAGE}"`, async () => {
    await wb.openFile('broken.gasm');
    await page.locator(`${wb.activeEditor} .squiggly-error`).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await wb.screenshot('04-diagnostic-squiggle');
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: NASM_MESSAGE });
    await row.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const label = (await row.first().getAttribute('aria-label')) ?? (await row.first().innerText());
    // The Problems row gives the position: line 6 in the fixture is `jmp no_such_label`.
    const { line } = lineOf(join(env.workspace, 'broken.gasm'), /jmp no_such_label/);
    expect(new RegExp(`\\b${line}\\b`).test(label), `Problems row does not mention line ${line}: "${label}"`);
    expect(/ringside/i.test(label), `Problems row does not name the ringside source: "${label}"`);
    await wb.screenshot('05-problems-panel');
    await page.keyboard.press('Control+J');
    await page.locator('.markers-panel').waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }, shoot);

  await warningChecks(wb);

  await runner.check('inactive.gasm: the lines of the %if branch not taken are faded, the taken one is not', async () => {
    await wb.openFile('inactive.gasm');
    // (The editor gives each token of a faded line its own span with the class.)
    const faded = (text) => page.locator(`${wb.activeEditor} .view-line`, { hasText: text }).locator('.squiggly-inline-unnecessary');
    await faded('db 1').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    expect(await faded('db 3').count() > 0, 'db 3 is not faded');
    expect(await faded('db 2').count() === 0, 'db 2, in the branch taken, is faded');
    await wb.screenshot('05b-inactive-branch');
  }, shoot);

  await runner.check('sensitive.gasm: with ringside.includePaths its %includes resolve and it has no errors', async () => {
    await wb.openFile('examples/sensitive/sensitive.gasm');
    // The label-address inlay hints (`.if_ignored:@0x...`) come from a finished assembly, so
    // once one renders the document's diagnostics have been computed too.
    const { line } = lineOf(join(env.workspace, 'examples/sensitive/sensitive.gasm'), /^\.if_ignored:/);
    await wb.goTo(line, 1);
    await page.locator(`${wb.activeEditor} .view-line`, { hasText: /\.if_ignored:.*@0x[0-9A-Fa-f]+/ })
      .first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const squiggles = await page.locator(`${wb.activeEditor} .squiggly-error`).count();
    expect(squiggles === 0, `${squiggles} error squiggles in sensitive.gasm (include paths not applied?)`);
  }, shoot);

  await runner.check('hover on popfd says it is sensitive', async () => {
    const file = join(env.workspace, 'examples/sensitive/sensitive.gasm');
    const { line, text } = lineOf(file, /^\s+popfd\b/);
    await wb.openFile('examples/sensitive/sensitive.gasm');
    await wb.goTo(line, text.indexOf('popfd') + 1);
    const { hover, text: body } = await wb.hoverWord(text.trim(), 'popfd', /sensitive/i);
    expect(/popf/i.test(body), `hover does not name the instruction: "${body.slice(0, 300)}"`);
    console.log(`       hover: ${body.replace(/\s+/g, ' ').slice(0, 160)}`);
    await wb.screenshot('06-hover-sensitive');
    await page.mouse.move(5, 5);
    await hover.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }, shoot);

  // %use altreg, fp and masm define single-line macros; a hover on one shows its definition and the
  // %use line that made it. nasm -E recorded what each becomes (fixtures/packages.nasm-preprocessed.txt).
  const preprocessed = readFileSync(new URL('./fixtures/packages.nasm-preprocessed.txt', import.meta.url), 'utf8').split('\n');
  const packagesFile = join(env.workspace, 'packages.gasm');
  for (const { pkg, word, source, nasm } of [
    { pkg: 'altreg', word: 'r0d', source: /^\s+mov r0d, r1d/, nasm: /^\s*mov (\S+), ecx$/ },
    { pkg: 'fp', word: 'float32', source: /^\s+dd float32\(1\.5\)/, nasm: /^\s*dd (\S+)\(1\.5\)$/ },
    { pkg: 'masm', word: 'ptr', source: /^\s+mov eax, dword ptr \[ebx\]/, nasm: /^\s*mov eax, dword (\S+) \[ebx\]$/ },
  ]) {
    const expansion = preprocessed.map((l) => nasm.exec(l)?.[1]).find((e) => e !== undefined) ?? '(not in nasm -E)';
    await runner.check(`hover on ${word} after %use ${pkg} shows its macro, which nasm expands to ${expansion}`, async () => {
      const { line, text } = lineOf(packagesFile, source);
      const useLine = lineOf(packagesFile, new RegExp(`^%use ${pkg}$`)).line;
      await wb.openFile('packages.gasm');
      await wb.goTo(line, text.indexOf(word) + 1);
      const { hover, text: body } = await wb.hoverWord(text.trim(), word, /single-line macro/);
      const flat = body.replace(/\s+/g, ' ');
      console.log(`       hover: ${flat.slice(0, 160)}`);
      const definition = new RegExp(`%i?define ${word}(\\(\\w+\\))? ${expansion.replace(/[?]/g, '\\?')}`);
      expect(definition.test(flat), `hover does not define ${word} as ${expansion}: "${flat}"`);
      expect(new RegExp(`\\bline ${useLine}\\b`).test(flat), `hover does not name the %use ${pkg} line ${useLine}: "${flat}"`);
      await page.mouse.move(5, 5);
      await hover.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    }, shoot);
  }

  // VS Code's own "Show Call Hierarchy" (the references view) over the server's call hierarchy:
  // serial_puts, defined in an %include file, is called by two routines of sensitive.gasm.
  await runner.check('Show Call Hierarchy on serial_puts lists the routines that call it', async () => {
    const file = join(env.workspace, 'examples/sensitive/sensitive.gasm');
    const { line, text } = lineOf(file, /^\s+call serial_puts\b/);
    await wb.openFile('examples/sensitive/sensitive.gasm');
    await wb.goTo(line, text.indexOf('serial_puts') + 2);
    await wb.runCommand('Show Call Hierarchy');
    const tree = page.locator('.pane-body .monaco-list-row');
    for (const caller of ['syscall_entry', 'unexpected_exception']) {
      await tree.filter({ hasText: caller }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    }
    const rows = await tree.filter({ hasText: /serial_puts|syscall_entry|unexpected_exception/ }).allTextContents();
    console.log(`       call hierarchy: ${rows.map((r) => r.replace(/\s+/g, ' ').trim()).join(' | ').slice(0, 160)}`);
    await wb.screenshot('06b-call-hierarchy');
    await wb.focusEditor();
  }, shoot);

  // The server sends each list's shared edit range once (LSP 3.17 itemDefaults.editRange, which
  // VS Code takes): accepting an item must replace the word being typed, plain or snippet.
  const editorLine = (pattern) => page.locator(`${wb.activeEditor} .view-line`, { hasText: pattern }).first();
  await runner.check('completion offers the mnemonic cpuid and accepting it replaces the typed word', async () => {
    await wb.openFile('completion.gasm');
    const { line } = lineOf(join(env.workspace, 'completion.gasm'), /^start:/);
    await wb.goTo(line + 1, 1);
    await page.keyboard.type('        cpui');
    await page.keyboard.press('Control+Space');
    const item = page.locator('.suggest-widget .monaco-list-row', { hasText: 'cpuid' });
    await item.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const aria = (await item.first().getAttribute('aria-label')) ?? '';
    console.log(`       suggestion: ${aria}`);
    await wb.screenshot('07-completion');
    const focused = page.locator('.suggest-widget .monaco-list-row.focused');
    const first = (await focused.getAttribute('aria-label')) ?? '';
    expect(/^cpuid\b/.test(first), `the focused suggestion is "${first}", not cpuid`);
    await page.keyboard.press('Enter');
    await editorLine(/^\s*cpuid\s*$/).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  }, shoot);

  await runner.check('accepting the mov snippet replaces the typed word with its operand form', async () => {
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('mo');
    await page.keyboard.press('Control+Space');
    const focused = page.locator('.suggest-widget .monaco-list-row.focused', { hasText: 'mov' });
    await focused.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const first = (await focused.getAttribute('aria-label')) ?? '';
    expect(/^mov\b/.test(first), `the focused suggestion is "${first}", not mov`);
    await page.keyboard.press('Enter');
    // The snippet's placeholders are operands of a form of mov, written as nasm accepts them
    // (`mov dword [ebx], ecx`); the editor renders spaces as U+00A0.
    const accepted = editorLine(/^\s*mov\s[^,]*\S,\s\S[^,]*$/);
    await accepted.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    console.log(`       accepted: ${((await accepted.textContent()) ?? '').replace(/\u00a0/g, ' ').trim()}`);
    await wb.screenshot('08-completion-snippet');
    await page.keyboard.press('Escape');
  }, shoot);

  // Between the quotes of %include the list is the files where the assembler looks (here beside
  // completion.gasm: the workspace's root), opened by the quote itself; a folder's item opens the
  // list of that folder.
  await runner.check('typing %include " lists the files beside the file, and folder by folder fills in examples/include/gdt.inc', async () => {
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('%include "');
    const row = (name) => page.locator('.suggest-widget .monaco-list-row', { hasText: name }).first();
    await row('expansion.inc').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const rows = (await page.locator('.suggest-widget .monaco-list-row').allTextContents()).map((r) => r.replace(/\s+/g, ' ').trim());
    console.log(`       files: ${rows.join(' | ').slice(0, 200)}`);
    expect(!rows.some((r) => r.startsWith('completion.gasm')), 'the file itself is offered to %include');
    await wb.screenshot('08b-include-completion');
    for (const [typed, take, next] of [['exa', 'examples/', 'include/'], ['incl', 'include/', 'gdt.inc'], ['gdt', 'gdt.inc', undefined]]) {
      await page.keyboard.type(typed);
      const focused = page.locator('.suggest-widget .monaco-list-row.focused', { hasText: take });
      await focused.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await page.keyboard.press('Enter');
      if (next !== undefined) await row(next).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    }
    // (Whether the editor closed the quote as it was typed depends on its timing: either way.)
    const taken = editorLine(/^\s*%include\s"examples\/include\/gdt\.inc"?$/);
    await taken.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    console.log(`       accepted: ${((await taken.textContent()) ?? '').replace(/\u00a0/g, ' ').trim()}`);
    // The line goes again, so the scratch file stays as the next checks expect it.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+K');
  }, shoot);

  // A directive's own words: after `[warning -` the list is nasm's warning classes.
  await runner.check('typing [warning -label-or and asking for suggestions offers label-orphan, which completes the switch', async () => {
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('[warning -label-or');
    await page.keyboard.press('Control+Space');
    const focused = page.locator('.suggest-widget .monaco-list-row.focused', { hasText: 'label-orphan' });
    await focused.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await wb.screenshot('08c-warning-class-completion');
    await page.keyboard.press('Enter');
    // (The editor renders blanks as U+00A0; it may not have closed the bracket as it was typed.)
    const taken = editorLine(/^\s*\[warning\s-label-orphan\]?$/);
    await taken.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    console.log(`       accepted: ${((await taken.textContent()) ?? '').replace(/\u00a0/g, ' ').trim()}`);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+K');
  }, shoot);

  // A misspelt mnemonic: nasm's "parser: instruction expected", and a quick fix to the nearest one.
  await runner.check('Ctrl+. on a misspelt mvo offers "Change to `mov`", which makes the line an instruction again', async () => {
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('mvo eax, 1');
    await page.locator(`${wb.activeEditor} .squiggly-error`).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await page.keyboard.press('Home');
    await openQuickFixes(wb);
    await chooseAction(wb, 'Change to `mov`');
    const fixed = editorLine(/^\s*mov\seax,\s1$/);
    await fixed.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await wb.screenshot('08d-spelling-fix');
    await page.keyboard.press('Control+Shift+K');
  }, shoot);

  // serial.inc alone is no program (COM1 comes from pc.inc): it is read in a program that includes
  // it, an open one (sensitive.gasm, opened above) or the workspace's (kernel.gasm), whose lens runs it.
  await runner.check('serial.inc: no false errors, and its code lens runs the program that includes it', async () => {
    await wb.openFile('examples/include/serial.inc');
    await page.locator('.part.statusbar [id="status.editor.mode"]', { hasText: LANGUAGE_NAME }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const lens = page.locator(`${wb.activeEditor} .codelens-decoration a`, { hasText: /▶ Run \S+\.gasm/ });
    await lens.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const program = /▶ Run (\S+\.gasm)/.exec(await lens.first().innerText())?.[1];
    expect(program === 'sensitive.gasm' || program === 'kernel.gasm', `the lens names ${program}, not a program that includes serial.inc`);
    const squiggles = await page.locator(`${wb.activeEditor} .squiggly-error`).count();
    expect(squiggles === 0, `${squiggles} error squiggles in serial.inc`);
    await wb.screenshot('09a-include-lens');
    // Each run in a terminal of its own, titled with the program's name (guestCommands.ts).
    const ranProgram = async (how) => {
      await page.locator('.part.panel', { hasText: program }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      const rows = page.locator('.terminal-wrapper.active .xterm-rows');
      await rows.filter({ hasText: /exit status \d+/ }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      console.log(`       ${how}: ${(await rows.innerText()).replace(/\s+/g, ' ').slice(-120)}`);
    };
    await wb.runCommand('Terminal: Kill All Terminals');
    await lens.first().click();
    await ranProgram('the lens');
    // Run Guest from the palette in serial.inc runs that program too (the server's ringside/program).
    await wb.runCommand('Terminal: Kill All Terminals');
    await wb.openFile('examples/include/serial.inc');
    await wb.runCommand('Ringside: Run Guest');
    await ranProgram('Run Guest');
  }, shoot);

  // hello.gasm prints over COM1 and writes EXIT_SUCCESS (16) to isa-debug-exit: a finished run,
  // which the terminal must report as such (not as a failing terminal with an error toast).
  await runner.check('Run Guest on hello.gasm: the terminal shows COM1\'s "Hello from ring 0!" and exit status 16', async () => {
    await wb.openFile('examples/hello/hello.gasm');
    await wb.runCommand('Ringside: Run Guest');
    const rows = page.locator('.terminal-wrapper.active .xterm-rows');
    await rows.filter({ hasText: 'Hello from ring 0!' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await rows.filter({ hasText: /exit status 16\b/ }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const text = (await rows.innerText()).replace(/\s+/g, ' ');
    console.log(`       terminal: ${text.slice(0, 200)}`);
    await wb.screenshot('09-run-guest');
  }, shoot);

}

/**
 * The warnings in a stderr nasm 2.16 recorded (`FILE:LINE: warning: MESSAGE [-w+CLASS]`): the
 * line, message and class of each.
 */
function nasmWarnings(name) {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').split('\n')
    .map((l) => /^[^:]+:(\d+): warning: (.*) \[-w\+([a-z-]+)\]$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ line: Number(m[1]), message: m[2], cls: m[3] }));
}

/**
 * Ctrl+. until the quick-fix menu shows: a press that comes before VS Code has the server's
 * actions for the cursor's place shows none and closes (seen once in three full runs).
 */
async function openQuickFixes(wb) {
  const menu = wb.page.locator('.action-widget .monaco-list-row').first();
  for (let attempt = 1; ; attempt++) {
    await wb.focusEditor();
    await wb.page.keyboard.press('Control+.');
    try {
      await menu.waitFor({ state: 'visible', timeout: 5000 });
      return;
    } catch (e) {
      if (attempt === 5) throw e;
      await wb.page.keyboard.press('Escape');
    }
  }
}

/** Clicks the row titled `title` in the open quick-fix menu, logging what the menu offered. */
async function chooseAction(wb, title) {
  const rows = wb.page.locator('.action-widget .monaco-list-row');
  const item = rows.filter({ hasText: title }).first();
  await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  const offered = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).filter((t) => t);
  console.log(`       quick fixes: ${offered.join(' | ')}`);
  await item.click();
  await item.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
}

/**
 * A warning's code is nasm's class, and its quick fixes switch that class off on the line or for
 * the file (server/src/features/warningSwitchActions.ts). fixtures/warnings.gasm has a
 * number-overflow and a label-orphan warning; the text each fix must leave is a fixture too, and
 * every file's warnings are the ones nasm 2.16 printed for it (fixtures/warnings*.nasm-stderr.txt).
 */
async function warningChecks(wb) {
  const { page } = wb;
  const fixtureText = (name) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  const original = nasmWarnings('warnings.nasm-stderr.txt');
  const overflow = original.find((w) => w.cls === 'number-overflow');
  const problems = page.locator('.markers-panel');

  async function showProblems() {
    if (await problems.isVisible()) return;
    await wb.focusEditor();
    await page.keyboard.press('Control+Shift+M');
    await problems.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  }

  /**
   * Waits until Problems has a row for each of nasm's `expected` warnings (its message, its class
   * as the code, its line) and none for a class nasm no longer prints. Returns the rows' text.
   */
  async function waitForProblems(expected) {
    await showProblems();
    const texts = [];
    for (const w of expected) {
      const row = problems.locator('.monaco-list-row', { hasText: w.message })
        .filter({ hasText: w.cls }).filter({ hasText: new RegExp(`\\bLn ${w.line}\\b`) }).first();
      await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      texts.push((await row.innerText()).replace(/\s+/g, ' ').trim());
    }
    for (const w of original.filter((o) => !expected.some((e) => e.cls === o.cls))) {
      await problems.locator('.monaco-list-row', { hasText: w.message }).first()
        .waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    }
    return texts;
  }

  /** Saves the document (Ctrl+S) and expects the file to read exactly as fixture `name`. */
  async function saveAndExpectText(name) {
    // The tab shows the edit (dirty), then the save's end (clean): the file is written.
    const dirtyTab = page.locator('.part.editor .tab.active.dirty', { hasText: 'warnings.gasm' });
    await dirtyTab.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await wb.focusEditor();
    await page.keyboard.press('Control+S');
    await dirtyTab.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    const saved = readFileSync(join(env.workspace, 'warnings.gasm'), 'utf8');
    const expected = fixtureText(name);
    expect(saved === expected, `warnings.gasm after the fix:\n${saved}\nexpected (fixtures/${name}):\n${expected}`);
  }

  const overflowLine = fixtureText('warnings.gasm').split('\n')[overflow.line - 1];
  const onOverflow = () => wb.goTo(overflow.line, overflowLine.indexOf('300') + 2);

  await runner.check('warnings.gasm: Problems lists nasm\'s two warnings with their classes as codes', async () => {
    await wb.openFile('warnings.gasm');
    await page.locator(`${wb.activeEditor} .squiggly-warning`).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const rows = await waitForProblems(original);
    for (const r of rows) console.log(`       problem: ${r}`);
    await wb.screenshot('04b-warning-classes');
  }, shoot);

  await runner.check('Ctrl+. "Disable warning number-overflow on this line" wraps db 300; only label-orphan stays', async () => {
    await onOverflow();
    await openQuickFixes(wb);
    await chooseAction(wb, 'Disable warning number-overflow on this line');
    await saveAndExpectText('warnings-line-fix.gasm');
    await waitForProblems(nasmWarnings('warnings-line-fix.nasm-stderr.txt'));
    await wb.screenshot('04c-warning-off-on-line');
  }, shoot);

  await runner.check('lightbulb "Disable warning number-overflow in this file" adds [warning -number-overflow] after the header', async () => {
    // Back to the two warnings (the undo is one step: the fix was one workspace edit).
    await wb.focusEditor();
    await page.keyboard.press('Control+Z');
    await waitForProblems(original);
    // (The undo leaves the cursor on the line, and VS Code may have asked for its code actions
    // while Problems still held the warnings of before the undo: arrive at the line anew, as a
    // user does, so the lightbulb asks with the warnings now shown. It failed 1 run in 3 on a
    // loaded host without this, the code before this session's changes too.)
    await wb.goTo(1);
    await onOverflow();
    const bulb = page.locator(`${wb.activeEditor} .lightBulbWidget`);
    await bulb.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await bulb.click();
    await chooseAction(wb, 'Disable warning number-overflow in this file');
    await saveAndExpectText('warnings-file-fix.gasm');
    await waitForProblems(nasmWarnings('warnings-file-fix.nasm-stderr.txt'));
    await wb.screenshot('04d-warning-off-in-file');
  }, shoot);

  // The next checks want the editor area to themselves.
  if (await problems.isVisible()) {
    await page.keyboard.press('Control+J');
    await problems.waitFor({ state: 'hidden', timeout: UI_TIMEOUT }).catch(() => {});
  }
  await page.mouse.move(5, 5);
}
