// What a user sees of a debug session in the workbench: the stopped line in the editor, the Call
// Stack state, Variables rows, Debug Console text, and the panes of the Run and Debug side bar
// (trees, welcome text, the Rings webview), each read from the DOM with waits on what it shows.
import { UI_TIMEOUT } from './workbench.mjs';

/* global document, window, MutationObserver -- the page.evaluate callbacks run in the page */

/** How often a wait re-reads DOM state that changes without an event playwright can await. */
const POLL_MS = 100;

/** How long one click on a pane header may take to land and show before it is tried again. */
const CLICK_TIMEOUT = 3000;

/** Polls `probe` (async, returns a value or undefined/null/false) until it yields; `what` names it. */
export async function eventually(what, probe, timeout = UI_TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export class DebugUi {
  /** @param {import('./workbench.mjs').Workbench} wb */
  constructor(wb) {
    this.wb = wb;
    this.page = wb.page;
  }

  // ---- the editor ----------------------------------------------------------------------------

  /**
   * Lines of the active editor carrying a decoration: `overlay` is a class in the line overlays
   * (e.g. the top stack frame's line highlight), `glyph` a class of a glyph-margin widget (e.g.
   * a breakpoint dot). Each line is matched to its line number by its vertical position.
   */
  async decoratedLines({ overlay, glyph }) {
    return this.page.evaluate(({ selector, overlay, glyph }) => {
      const editor = document.querySelector(selector);
      if (!editor) return [];
      const nbsp = /\u00a0/g;
      const topOf = (el) => Math.round(el.getBoundingClientRect().top);
      const numbers = new Map();
      for (const n of editor.querySelectorAll('.margin-view-overlays .line-numbers')) numbers.set(topOf(n), Number(n.textContent));
      const texts = new Map();
      for (const l of editor.querySelectorAll('.view-lines .view-line')) texts.set(topOf(l), (l.textContent ?? '').replace(nbsp, ' '));
      const marks = overlay
        ? [...editor.querySelectorAll(`.view-overlays .${overlay}`)].map((d) => d.parentElement)
        : [...editor.querySelectorAll(`.glyph-margin-widgets .${glyph}, .glyph-margin .${glyph}`)];
      return marks.map((m) => {
        const top = topOf(m);
        return { line: numbers.get(top) ?? null, text: texts.get(top) ?? null };
      });
    }, { selector: this.wb.activeEditor, overlay, glyph });
  }

  /** Whether the active editor renders `line` without a breakpoint dot (false when not rendered). */
  async lineWithoutBreakpoint(line) {
    const rendered = await this.page.locator(`${this.wb.activeEditor} .margin-view-overlays .line-numbers`)
      .evaluateAll((ns, line) => ns.some((n) => Number(n.textContent) === line), line);
    if (!rendered) return false;
    return !(await this.decoratedLines({ glyph: 'codicon-debug-breakpoint' })).some((l) => l.line === line);
  }

  /** The line the debugger stopped on (the top stack frame's highlight), or null. */
  async currentLine() {
    const lines = await this.decoratedLines({ overlay: 'debug-top-stack-frame-line' });
    return lines[0] ?? null;
  }

  /** Waits until the top stack frame's highlight is on `line`; returns that line. */
  async waitForCurrentLine(line) {
    let seen = null;
    try {
      return await eventually(`the current-line highlight on line ${line}`, async () => {
        seen = await this.currentLine();
        return seen?.line === line ? seen : undefined;
      });
    } catch (err) {
      throw new Error(`${err.message}; last seen ${JSON.stringify(seen)}`, { cause: err });
    }
  }

  /** Puts the cursor on `line` and toggles a breakpoint there (F9), waiting for its gutter dot. */
  async toggleBreakpoint(line) {
    await this.wb.goTo(line, 1);
    await this.wb.focusEditor();
    await this.page.keyboard.press('F9');
    // The dot's class changes with its state (plain before a session, verified during one).
    return eventually(`a breakpoint dot on line ${line}`, async () =>
      (await this.decoratedLines({ glyph: 'codicon-debug-breakpoint' })).find((l) => l.line === line));
  }

  // ---- the session ---------------------------------------------------------------------------

  /** Presses a debug key (F5, F10, Shift+F5...) with the focus back in the workbench, not a webview. */
  async press(key) {
    await this.wb.focusEditor();
    await this.page.keyboard.press(key);
  }

  get toolbar() { return this.page.locator('.debug-toolbar'); }

  /** The Call Stack header's state text ("stopped on entry", "breakpoint", ...), or null. */
  async stateMessage() {
    const label = this.page.locator('.call-stack-state-message .label').first();
    if (!(await label.isVisible())) return null;
    return (await label.textContent())?.trim() ?? null;
  }

  /**
   * Waits for the debug toolbar and a Call Stack state matching `state`. The Call Stack pane is
   * expanded first: collapsed, its header keeps the state it showed when it was collapsed.
   */
  async waitForStopped(state) {
    await this.toolbar.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await this.showPane('Call Stack');
    let seen = null;
    try {
      return await eventually(`the Call Stack to say ${state}`, async () => {
        seen = await this.stateMessage();
        return seen !== null && state.test(seen) ? seen : undefined;
      });
    } catch (err) {
      throw new Error(`${err.message}; it says ${JSON.stringify(seen)}`, { cause: err });
    }
  }

  /** Waits until no debug session is shown (the toolbar is gone). */
  async waitForNoSession() {
    await this.toolbar.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }

  /** Stops whatever session is running (Shift+F5), so the next check starts from none. */
  async ensureNoSession() {
    if (await this.toolbar.isVisible()) await this.press('Shift+F5');
    await this.waitForNoSession();
  }

  /** Variables rows as shown: name → value, from each row's "NAME, value VALUE" label. */
  async variables() {
    const labels = await this.page.locator('.debug-variables .monaco-list-row').evaluateAll((rows) =>
      rows.map((r) => r.getAttribute('aria-label') ?? ''));
    const out = new Map();
    for (const l of labels) {
      const m = /^(.+?), value (.*)$/.exec(l);
      if (m) out.set(m[1], m[2]);
    }
    return out;
  }

  /** Waits until the Variables view shows `name` with a value `accept` agrees to. */
  async waitForVariable(name, accept, what) {
    let seen;
    try {
      return await eventually(what, async () => {
        seen = (await this.variables()).get(name);
        return seen !== undefined && accept(seen) ? seen : undefined;
      });
    } catch (err) {
      throw new Error(`${err.message}; ${name} is ${JSON.stringify(seen)}`, { cause: err });
    }
  }

  /** The Debug Console's text, one entry per line. */
  async consoleText() {
    const rows = await this.page.locator('.repl .monaco-list-row').evaluateAll((rs) => rs.map((r) => r.textContent ?? ''));
    return rows.join('\n');
  }

  async waitForConsole(pattern) {
    let seen = '';
    try {
      return await eventually(`the Debug Console to show ${pattern}`, async () => {
        seen = await this.consoleText();
        return pattern.test(seen) ? seen : undefined;
      });
    } catch (err) {
      throw new Error(`${err.message}; it shows ${JSON.stringify(seen.slice(-400))}`, { cause: err });
    }
  }

  // ---- the Run and Debug side bar ------------------------------------------------------------

  /** Opens Run and Debug (Ctrl+Shift+D) and waits for the extension's views in it. */
  async openRunAndDebug() {
    await this.page.keyboard.press('Control+Shift+D');
    await this.paneHeader('TLB').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  }

  paneHeader(title) {
    return this.page.locator('.part.sidebar .pane-header').filter({
      has: this.page.locator('h3.title', { hasText: new RegExp(`^${title}$`) }),
    }).first();
  }

  pane(title) {
    return this.page.locator('.part.sidebar .pane').filter({
      has: this.page.locator('.pane-header h3.title', { hasText: new RegExp(`^${title}$`) }),
    }).first();
  }

  /** The visible side bar pane headers, in order: title and whether the pane is expanded. */
  async paneStates() {
    return this.page.locator('.part.sidebar .pane-header').evaluateAll((headers) => headers
      .filter((h) => h.offsetParent !== null)
      .map((h) => ({
        title: (h.querySelector('h3.title')?.textContent ?? '').trim(),
        expanded: h.classList.contains('expanded'),
      })));
  }

  /**
   * Expands the side bar pane `title` and collapses the others, so it gets all the room: lists
   * render only the rows that fit, and a pane expanded next to others keeps its old small size.
   * Each round reads all headers afresh and clicks one by its title: right after a session starts
   * the workbench swaps the welcome pane for the debug panes, so an index read earlier can name
   * another header, and a click during that swap can be lost (it is simply made again).
   */
  async showPane(title) {
    let seen = [];
    try {
      await eventually(`the ${title} pane to be the only one expanded`, async () => {
        seen = await this.paneStates();
        if (!seen.some((p) => p.title === title)) return false;
        const wrong = seen.find((p) => (p.title === title) !== p.expanded);
        if (!wrong) return true;
        const header = this.paneHeader(wrong.title);
        await header.click({ timeout: CLICK_TIMEOUT }).catch(() => {});
        await eventually(`the ${wrong.title} pane to toggle`, async () =>
          (await header.getAttribute('class', { timeout: CLICK_TIMEOUT }).catch(() => null))
            ?.split(/\s+/).includes('expanded') !== wrong.expanded, CLICK_TIMEOUT).catch(() => {});
        return false;
      });
    } catch (err) {
      const shown = seen.map((p) => `${p.title} (${p.expanded ? 'expanded' : 'collapsed'})`).join(', ');
      throw new Error(`${err.message}; the side bar shows: ${shown || 'no panes'}`, { cause: err });
    }
  }

  /** The rows of a tree view pane: label, description and depth of each rendered row. */
  async treeRows(title) {
    return this.pane(title).locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => ({
      label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
      description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
      level: Number(r.getAttribute('aria-level') ?? '0'),
      expanded: r.getAttribute('aria-expanded'),
    })));
  }

  /** Waits until `predicate(rows)` holds for the tree pane `title`; returns the rows. */
  async waitForTree(title, predicate, what) {
    let seen = [];
    try {
      return await eventually(what, async () => {
        seen = await this.treeRows(title);
        return predicate(seen) ? seen : undefined;
      });
    } catch (err) {
      const shown = seen.map((r) => `${'  '.repeat(Math.max(0, r.level - 1))}${r.label} ${r.description}`).join(' | ');
      throw new Error(`${err.message}; the ${title} view shows: ${shown || '(no rows)'}`, { cause: err });
    }
  }

  /**
   * Starts counting DOM mutations in a pane's body; returns a function reading the count. A tree
   * view redrawing after a stop is visible only this way when its content stays the same.
   */
  async countRedraws(title) {
    const key = `__ringsideRedraws_${title.replace(/\W/g, '_')}`;
    await this.pane(title).locator('.pane-body').first().evaluate((body, key) => {
      window[key]?.observer.disconnect();
      const state = { count: 0, observer: new MutationObserver((ms) => { state.count += ms.length; }) };
      state.observer.observe(body, { subtree: true, childList: true, characterData: true, attributes: true });
      window[key] = state;
    }, key);
    return () => this.page.evaluate((key) => window[key]?.count ?? 0, key);
  }

  /**
   * Waits until the DOM `redraws` (from countRedraws) watches has changed and then stayed still
   * for `quietMs`: a view's refresh is over, whether or not it changed what it shows.
   */
  async waitForRedrawn(redraws, what, quietMs = 750) {
    let last = await redraws();
    let since = Date.now();
    await eventually(`${what} to redraw and settle`, async () => {
      const now = await redraws();
      if (now !== last) { last = now; since = Date.now(); return false; }
      return now > 0 && Date.now() - since >= quietMs;
    });
  }

  /** The text of a pane's body (welcome content, tree message, rows). */
  async paneText(title) {
    return ((await this.pane(title).locator('.pane-body').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  async waitForPaneText(title, pattern) {
    let seen = '';
    try {
      return await eventually(`the ${title} view to say ${pattern}`, async () => {
        seen = await this.paneText(title);
        return pattern.test(seen) ? seen : undefined;
      });
    } catch (err) {
      throw new Error(`${err.message}; it says ${JSON.stringify(seen.slice(0, 300))}`, { cause: err });
    }
  }

  /**
   * The Rings view's page. A webview view is an iframe (outside the pane's DOM) whose src names
   * the extension, holding the extension's HTML in an inner `active-frame`.
   */
  ringsFrame() {
    return this.page.frameLocator('iframe.webview[src*="extensionId=ringside.ringside"]').frameLocator('iframe#active-frame');
  }

  /** Waits until the Rings page body matches `pattern`; returns its text. */
  async waitForRingsText(pattern) {
    let seen = '';
    try {
      return await eventually(`the Rings view to say ${pattern}`, async () => {
        seen = await this.ringsText();
        return pattern.test(seen) ? seen : undefined;
      });
    } catch (err) {
      throw new Error(`${err.message}; it says ${JSON.stringify(seen.slice(0, 300))}`, { cause: err });
    }
  }

  async ringsText() {
    const body = this.ringsFrame().locator('body');
    try {
      return ((await body.textContent({ timeout: 1000 })) ?? '').replace(/\s+/g, ' ').trim();
    } catch {
      return '';
    }
  }

  /** The ring levels drawn highlighted (class `current`) in the Rings view's picture. */
  async highlightedRings() {
    try {
      return await this.ringsFrame().locator('svg text.ring-label.current').allTextContents();
    } catch {
      return [];
    }
  }
}
