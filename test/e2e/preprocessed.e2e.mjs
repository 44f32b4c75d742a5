// End-to-end checks of "Ringside: Show Preprocessed Source (nasm -E)" in code-server: the document
// it opens beside the source reads what nasm 2.16 -E prints, follows edits, is read-only guest-asm.
// Run by test/e2e/run.sh, which provides the server URL and the workspace copy (see README.md).
import { readFileSync } from 'node:fs';
import { URL } from 'node:url';
import { CheckRunner, expect } from './lib/checks.mjs';
import { inWorkbench, UI_TIMEOUT } from './lib/workbench.mjs';
import { e2eEnv } from './lib/env.mjs';

const SPEC = 'preprocessed';
const env = e2eEnv();
const runner = new CheckRunner(SPEC, env.outDir);

const COMMAND = 'Ringside: Show Preprocessed Source (nasm -E)';
/** The language's display name: the first alias in package.json's contributes.languages. */
const LANGUAGE_NAME = 'Guest Assembly (NASM)';
const SOURCE = 'expansion.gasm';
/** The preprocessed document's tab: its URI is the source's path with `.i` added. */
const PREPROCESSED_TAB = `${SOURCE}.i`;

const fixture = (name) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const original = fixture('expansion.gasm');
const edited = fixture('expansion-edited.gasm');
/** What nasm 2.16 -E printed for each, run in the fixture's directory (README.md says how). */
const nasmOriginal = fixture('expansion.nasm-preprocessed.txt');
const nasmEdited = fixture('expansion-edited.nasm-preprocessed.txt');
/** The included file, and what nasm -E prints for the source once a line is typed at the include's end. */
const INCLUDED = 'expansion.inc';
const included = fixture(INCLUDED);
const includedEdited = fixture('expansion-edited.inc');
const nasmIncludeEdited = fixture('expansion-include-edited.nasm-preprocessed.txt');
const typedInInclude = includedEdited.slice(included.length);
if (!includedEdited.startsWith(included) || typedInInclude.includes('\n')) {
  throw new Error('fixtures/expansion-edited.inc must be fixtures/expansion.inc and one more line without a newline');
}
// The edit the check types: the edited fixture is the original and one more line after its last newline.
const typed = edited.slice(original.length);
if (!edited.startsWith(original) || typed.includes('\n')) {
  throw new Error('fixtures/expansion-edited.gasm must be fixtures/expansion.gasm and one more line without a newline');
}

let wb;
const shoot = (name) => wb?.screenshot(name);
await inWorkbench(runner, env, SPEC, 'preprocessed-source', async (opened) => {
  wb = opened;
  await preprocessedChecks(wb);
});
process.exitCode = runner.finish();

/**
 * The text of the editor showing the tab titled `tab` (in whichever group has it as its active
 * tab): its rendered lines in order of their position, joined by newlines. The fixtures are short
 * enough for every line to render; the editor renders spaces as U+00A0.
 */
function renderedText(page, tab) {
  return page.evaluate((tab) => {
    for (const group of document.querySelectorAll('.part.editor .editor-group-container')) {
      if (!group.querySelector(`.tab.active[data-resource-name="${tab}"]`)) continue;
      const editor = group.querySelector('.monaco-editor');
      if (!editor) return null;
      return [...editor.querySelectorAll('.view-lines .view-line')]
        .map((line) => ({ top: parseFloat(line.style.top), text: (line.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text)
        .join('\n');
    }
    return null;
  }, tab);
}

/** Waits until the editor of `tab` reads exactly `expected`; the error shows what it read last. */
async function waitForText(page, tab, expected, what) {
  const deadline = Date.now() + UI_TIMEOUT;
  for (;;) {
    const text = await renderedText(page, tab);
    if (text === expected) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; ${tab} reads:\n${text}\nexpected:\n${expected}`);
    }
    // The content provider answers asynchronously and the editor repaints on the next frame;
    // nothing in the DOM announces it, so poll at about that rate (as waitForTokens does).
    await page.waitForTimeout(100);
  }
}

/* global document -- renderedText evaluates in the page */

async function preprocessedChecks(wb) {
  const { page } = wb;
  /** The tab of the resource named `name` (its label splits the name, `expansion.gasm` + `.i`). */
  const tabOf = (name, state = '') => `.tab${state}[data-resource-name="${name}"]`;
  const tab = (name, state = '') => page.locator(`.part.editor ${tabOf(name, state)}`);
  /** The active editor group once its active tab is `name`'s. */
  const activeGroupOf = (name) => page.locator('.part.editor .editor-group-container.active')
    .filter({ has: page.locator(tabOf(name, '.active')) });

  // A spec before this one may leave a panel (Problems, the terminal) open in the same workspace;
  // the preprocessed document wants the window's height to render all its lines.
  await runner.check('the panel is closed for the editors', async () => {
    const panel = page.locator('.part.panel');
    if (await panel.isVisible()) {
      await page.keyboard.press('Control+J');
      await panel.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    }
  }, shoot);

  await runner.check(`${COMMAND} from the palette opens beside ${SOURCE} what nasm -E prints for it`, async () => {
    await wb.openFile(SOURCE);
    await wb.runCommand(COMMAND);
    await tab(PREPROCESSED_TAB, '.active').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const shown = await page.locator('.part.editor .editor-group-container .tab.active')
      .evaluateAll((tabs) => tabs.map((t) => t.getAttribute('data-resource-name')));
    expect(shown.includes(SOURCE) && shown.includes(PREPROCESSED_TAB),
      `the groups' active tabs are ${shown.join(', ')}: expected ${SOURCE} and ${PREPROCESSED_TAB} beside it`);
    await waitForText(page, PREPROCESSED_TAB, nasmOriginal, 'nasm -E\'s text of expansion.gasm');
    await wb.screenshot('01-preprocessed');
  }, shoot);

  await runner.check(`the preprocessed document has language mode "${LANGUAGE_NAME}"`, async () => {
    // The preprocessed editor is the active one (the command focused it).
    await activeGroupOf(PREPROCESSED_TAB).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await page.locator('.part.statusbar [id="status.editor.mode"]', { hasText: LANGUAGE_NAME })
      .waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  }, shoot);

  await runner.check('typing into the preprocessed document does not change it (read-only)', async () => {
    await wb.focusEditor();
    await page.keyboard.type('x');
    // The editor answers a keystroke in a read-only editor with this message over the cursor.
    await page.locator(`${wb.activeEditor} .monaco-editor-overlaymessage`, { hasText: /read-?only/i })
      .waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    expect(await renderedText(page, PREPROCESSED_TAB) === nasmOriginal, 'the preprocessed text changed after typing into it');
    expect(await tab(PREPROCESSED_TAB, '.dirty').count() === 0, 'the preprocessed document\'s tab is dirty after typing into it');
    await wb.screenshot('02-read-only');
    await wb.escape();
  }, shoot);

  await runner.check(`typing "${typed.trim()}" into ${SOURCE} remakes the preprocessed document as nasm -E prints it`, async () => {
    // Back to the source's group (the command is not run again).
    await tab(SOURCE).first().click();
    await activeGroupOf(SOURCE).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await wb.goTo(original.split('\n').length, 1);
    await page.keyboard.type(typed);
    await wb.escape();
    await waitForText(page, SOURCE, edited, 'the typed line in the source');
    await waitForText(page, PREPROCESSED_TAB, nasmEdited, 'nasm -E\'s text of the edited expansion.gasm');
    await wb.screenshot('03-after-edit');
  }, shoot);

  await runner.check(`reverting ${SOURCE} brings back nasm -E's text of the original`, async () => {
    await wb.runCommand('File: Revert File');
    await tab(SOURCE, '.dirty').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await waitForText(page, PREPROCESSED_TAB, nasmOriginal, 'nasm -E\'s text of expansion.gasm again');
  }, shoot);

  await runner.check(`typing "${typedInInclude.trim()}" into ${INCLUDED}, which ${SOURCE} includes, remakes the preprocessed document too`, async () => {
    await wb.openFile(INCLUDED);
    await activeGroupOf(INCLUDED).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await wb.goTo(included.split('\n').length, 1);
    await page.keyboard.type(typedInInclude);
    await wb.escape();
    await waitForText(page, INCLUDED, includedEdited, 'the typed line in the included file');
    // Unsaved: the text comes from the include's editor, as the assembler's own reads do.
    await waitForText(page, PREPROCESSED_TAB, nasmIncludeEdited, 'nasm -E\'s text of expansion.gasm with the edited include');
    await wb.screenshot('04-after-include-edit');
    await wb.runCommand('File: Revert File');
    await tab(INCLUDED, '.dirty').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await waitForText(page, PREPROCESSED_TAB, nasmOriginal, 'nasm -E\'s text of expansion.gasm after the include is reverted');
  }, shoot);

}
