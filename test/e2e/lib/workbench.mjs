// Drives the VS Code workbench that code-server serves, through playwright-core in Debian's
// Chromium: what a user does (keyboard, mouse) and what a user sees (DOM text, computed colours).
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from './checks.mjs';

/* global document, getComputedStyle -- token() evaluates in the page, where these exist */

/** Flags for a headless Chromium that must not reach the network on its own. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'];

/** How long a single UI expectation may take; code-server on a busy 2-core CI box is slow. */
export const UI_TIMEOUT = Number(process.env.RINGSIDE_E2E_UI_TIMEOUT ?? 30000);

export function launchChromium() {
  return chromium.launch({ executablePath: process.env.RINGSIDE_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * A spec's checks in one workbench: opens it (a check of `runner`'s own), runs `checks(wb)` unless
 * it did not open, then checks that no notification names Ringside (an error the extension
 * showed), keeps the browser console's errors as an artifact (the workbench logs 404s for
 * optional assets, which are not failures) and closes the browser. `what` names the checks that
 * are not run when the workbench does not open; `viewport` as for Workbench.open.
 */
export async function inWorkbench(runner, env, spec, what, checks, viewport) {
  const browser = await launchChromium();
  let wb;
  try {
    await runner.check('workbench opens the workspace', async () => {
      wb = await Workbench.open(browser, env.url, env.outDir, spec, viewport);
    }, (name) => wb?.screenshot(name));
    if (!wb) runner.fail(`remaining ${what} checks`, 'the workbench did not open; see the failure above');
    else {
      await checks(wb);
      await runner.check('no Ringside error notification', async () => {
        const toasts = wb.page.locator('.notifications-toasts .notification-list-item', { hasText: /ringside/i });
        const texts = await toasts.evaluateAll((ts) => ts.map((t) => (t.textContent ?? '').replace(/\s+/g, ' ')));
        expect(texts.length === 0, `notifications: ${texts.join(' | ')}`);
      }, (name) => wb.screenshot(name));
    }
  } finally {
    if (wb?.consoleErrors.length) {
      writeFileSync(join(env.outDir, `${spec}-browser-console.txt`), wb.consoleErrors.join('\n') + '\n');
      console.log(`  (${wb.consoleErrors.length} browser console errors in ${spec}-browser-console.txt)`);
    }
    await browser.close();
  }
}

/** The editor in the active editor group (panels and hovers hold other monaco editors). */
const ACTIVE_EDITOR = '.part.editor .editor-group-container.active .monaco-editor';

export class Workbench {
  /** @param {import('playwright-core').Page} page */
  constructor(page, outDir, spec) {
    this.page = page;
    this.outDir = outDir;
    this.spec = spec;
    /** Console errors and page errors, reported when a check fails. */
    this.consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') this.consoleErrors.push(`${m.text()} ${m.location().url ?? ''}`.trim()); });
    page.on('pageerror', (e) => this.consoleErrors.push(String(e)));
  }

  /**
   * Opens `url` (code-server with ?folder=) in a fresh context and waits for the workbench.
   * `viewport` defaults to 1400x900; the debugger spec wants a taller side bar.
   */
  static async open(browser, url, outDir, spec, viewport = { width: 1400, height: 900 }) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const wb = new Workbench(page, outDir, spec);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: UI_TIMEOUT });
    await page.waitForSelector('.monaco-workbench .part.statusbar', { state: 'visible', timeout: UI_TIMEOUT * 2 });
    // The explorer lists the workspace once the remote file system answers.
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { state: 'visible', timeout: UI_TIMEOUT * 2 });
    return wb;
  }

  async screenshot(name) {
    const path = join(this.outDir, `${this.spec}-${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** Dismisses whatever has focus in a transient widget (hover, suggest, quick input). */
  async escape() {
    await this.page.keyboard.press('Escape');
  }

  /** Focuses the active editor's text area so key bindings with an editor context apply. */
  async focusEditor() {
    await this.page.locator(`${ACTIVE_EDITOR} textarea.inputarea, ${ACTIVE_EDITOR} .native-edit-context`).first().focus();
  }

  async quickInput(prefixKey, text) {
    await this.page.keyboard.press(prefixKey);
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await input.fill(text);
    return input;
  }

  /** Runs a command by its palette label (F1, type, Enter on the row with exactly that label). */
  async runCommand(label) {
    await this.quickInput('F1', `>${label}`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await row.click();
  }

  /** Opens a workspace file through Quick Open (Ctrl+P) and waits until its tab is active. */
  async openFile(relPath) {
    const base = relPath.split('/').pop();
    await this.quickInput('Control+P', relPath);
    // Enter opens the first row: wait until the list has been filtered down to the file (until
    // then the first row can be a recently opened one).
    const first = this.page.locator('.quick-input-widget .monaco-list-row').first();
    await first.filter({ hasText: base }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.part.editor .tab.active', { hasText: base }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await this.page.locator(`${ACTIVE_EDITOR} .view-lines`).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await this.focusEditor();
  }

  /** Moves the cursor to 1-based `line`:`column` with Go to Line (Ctrl+G), revealing it. */
  async goTo(line, column = 1) {
    await this.focusEditor();
    // Ctrl+G opens Quick Open in its ':' (go to line) mode; the prefix must stay in the text.
    await this.quickInput('Control+G', `:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }

  /** Text of a status bar item by its id (e.g. `status.editor.mode`). */
  async statusBarText(id) {
    const item = this.page.locator(`.part.statusbar [id="${id}"]`);
    await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    return (await item.innerText()).trim();
  }

  /**
   * The token span that renders `word` on the rendered editor line containing `lineText`, with its
   * `.mtk*` class, computed colour and on-screen box of the word itself. Null when not rendered.
   */
  async token(lineText, word) {
    return this.page.evaluate(({ selector, lineText, word }) => {
      const nbsp = /\u00a0/g;
      for (const line of document.querySelectorAll(`${selector} .view-line`)) {
        const text = (line.textContent ?? '').replace(nbsp, ' ');
        if (!text.includes(lineText)) continue;
        const at = new RegExp(`(?<![\\w.])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`).exec(text);
        if (!at) return null;
        let offset = 0;
        for (const span of line.querySelectorAll('span > span')) {
          const len = (span.textContent ?? '').length;
          if (at.index >= offset && at.index < offset + len) {
            const node = span.firstChild;
            const range = document.createRange();
            const start = at.index - offset;
            range.setStart(node, start);
            range.setEnd(node, Math.min(start + word.length, len));
            const r = range.getBoundingClientRect();
            return {
              className: span.className,
              color: getComputedStyle(span).color,
              spanText: (span.textContent ?? '').replace(nbsp, ' '),
              box: { x: r.x, y: r.y, width: r.width, height: r.height },
            };
          }
          offset += len;
        }
        return null;
      }
      return null;
    }, { selector: ACTIVE_EDITOR, lineText, word });
  }

  /** Waits until `predicate(tokens)` holds for the tokens of `words` on a line; returns them. */
  async waitForTokens(lineText, words, predicate, what) {
    const deadline = Date.now() + UI_TIMEOUT;
    for (;;) {
      const tokens = {};
      for (const w of words) tokens[w] = await this.token(lineText, w);
      if (words.every((w) => tokens[w]) && predicate(tokens)) return tokens;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen ${JSON.stringify(tokens)}`);
      // Tokenization and semantic tokens land asynchronously and fire no DOM event we can
      // await here; the editor repaints on the next animation frame, so poll at that rate.
      await this.page.waitForTimeout(100);
    }
  }

  /**
   * Rests the mouse on `word` (on the rendered line containing `lineText`) until a visible hover
   * matching `hasText` shows and its text can be read; returns the hover's locator and that text.
   * Monaco ignores the first mouse move after the editor scrolled (Go to Line reveals the line),
   * so the pointer moves within the word, as a user's does, until the hover appears. The word is
   * found again before each move: in a file just opened, code lenses arriving push lines down.
   */
  async hoverWord(lineText, word, hasText) {
    const hover = this.page.locator('.monaco-hover:visible', { hasText }).first();
    const deadline = Date.now() + UI_TIMEOUT;
    for (let i = 0; ; i++) {
      const t = await this.waitForTokens(lineText, [word], () => true, `"${word}" to render`);
      const { x, y, width, height } = t[word].box;
      await this.page.mouse.move(x + width * (i % 2 ? 0.7 : 0.3), y + height / 2, { steps: 3 });
      try {
        await hover.waitFor({ state: 'visible', timeout: 1500 });
        // A hover can close again as soon as it opened (the editor re-rendering under it): only
        // one whose text could be read counts, else the mouse moves and tries again.
        const text = await hover.innerText({ timeout: 1500 });
        return { hover, text };
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`no hover matching ${hasText} over "${word}": ${err instanceof Error ? err.message : err}`, { cause: err });
      }
    }
  }

  /** Selector for the active editor, for callers that wait on editor decorations. */
  get activeEditor() { return ACTIVE_EDITOR; }
}
