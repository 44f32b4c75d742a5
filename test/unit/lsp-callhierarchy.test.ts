// Call hierarchy (LSP 3.16 prepareCallHierarchy, callHierarchy/incomingCalls and outgoingCalls):
// routines are labels up to the next label, their calls are `call` instructions naming them,
// across %include files and through macros (where the macro is called).

import * as assert from 'node:assert/strict';
import { SymbolKind, type CallHierarchyItem } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../../server/src/analysis/document';
import { incomingCalls, outgoingCalls, prepareCallHierarchy, type CallHierarchyData } from '../../server/src/features/callHierarchy';
import { at, single, workspace } from '../protocol/analyzeText';

const KERNEL = [
  'bits 32',                 // 0
  '%macro log 1',            // 1
  '    push %1',             // 2
  '    call print',          // 3
  '%endmacro',               // 4
  'start:',                  // 5
  '    call init',           // 6
  '    log 1',               // 7
  '    call far init',       // 8
  '.spin:',                  // 9
  '    call .wait',          // 10
  '    jmp .spin',           // 11
  '.wait:',                  // 12
  '    pause',               // 13
  '    ret',                 // 14
  'init:',                   // 15
  '    call print',          // 16
  '    call [vector]',       // 17
  '    ret',                  // 18
  'print:',                  // 19
  '    ret',                  // 20
  'vector: dd print',        // 21
].join('\n');

function item(doc: AnalyzedDocument, needle: string, lineNeedle?: string): CallHierarchyItem {
  const items = prepareCallHierarchy(doc, at(doc, needle, 0, lineNeedle));
  assert.ok(items !== null && items.length === 1, `no item at ${needle}`);
  return items[0];
}

const data = (i: CallHierarchyItem) => i.data as CallHierarchyData;
/** Each call as `name@line:col,...` (line and column of where the callee is named). */
const sites = (ranges: readonly { start: { line: number; character: number } }[]) => ranges.map((r) => `${r.start.line}:${r.start.character}`).join(',');

describe('lsp call hierarchy', () => {
  it('prepares a routine at its definition or at a call, spanning its lines up to the next label', () => {
    const { doc, ws } = single(KERNEL);
    try {
      const init = item(doc, 'init', 'init:');
      assert.equal(init.name, 'init');
      assert.equal(init.kind, SymbolKind.Function);
      assert.deepEqual(init.selectionRange, { start: { line: 15, character: 0 }, end: { line: 15, character: 4 } });
      assert.deepEqual(init.range, { start: { line: 15, character: 0 }, end: { line: 18, character: 7 } });
      // At a use, the same routine.
      assert.deepEqual(item(doc, 'init', 'call init'), init);
      // `start` runs to `init` over its `.local` labels; `.wait` to the next label of any kind.
      assert.deepEqual(item(doc, 'start').range.end, { line: 14, character: 7 });
      const wait = item(doc, '.wait', '.wait:');
      assert.equal(wait.name, '.wait');
      assert.deepEqual(wait.range, { start: { line: 12, character: 0 }, end: { line: 14, character: 7 } });
      // Not routines: an instruction, a data label's operand is still a label (vector is one).
      assert.equal(prepareCallHierarchy(doc, at(doc, 'pause')), null);
    } finally {
      ws.dispose();
    }
  });

  it('lists who calls a routine, grouped by caller, a macro\'s call at the macro call', () => {
    const { doc, ws } = single(KERNEL);
    try {
      const print = item(doc, 'print', 'print:');
      const incoming = incomingCalls(doc, data(print)).map((c) => `${c.from.name}@${sites(c.fromRanges)}`);
      // `log 1` on line 7 calls print from start; init calls it on line 16. `dd print` is no call.
      assert.deepEqual(incoming.sort(), ['init@16:9', 'start@7:4']);
      const init = incomingCalls(doc, data(item(doc, 'init', 'init:'))).map((c) => `${c.from.name}@${sites(c.fromRanges)}`);
      assert.deepEqual(init, ['start@6:9,8:13']);
      const wait = incomingCalls(doc, data(item(doc, '.wait', '.wait:'))).map((c) => `${c.from.name}@${sites(c.fromRanges)}`);
      assert.deepEqual(wait, ['start@10:9']);
    } finally {
      ws.dispose();
    }
  });

  it('lists what a routine calls, grouped by callee; an indirect call names no routine', () => {
    const { doc, ws } = single(KERNEL);
    try {
      const out = (needle: string, line: string) => outgoingCalls(doc, data(item(doc, needle, line))).map((c) => `${c.to.name}@${sites(c.fromRanges)}`);
      assert.deepEqual(out('start', 'start:'), ['init@6:9,8:13', 'print@7:4', '.wait@10:9']);
      assert.deepEqual(out('init', 'init:'), ['print@16:9']);
      assert.deepEqual(out('print', 'print:'), []);
    } finally {
      ws.dispose();
    }
  });

  it('follows calls across %include files, and calls at a file\'s top belong to the file', () => {
    const ws = workspace({
      'main.asm': 'bits 32\ncall setup\n%include "lib.inc"\nmain:\n    call setup\n    ret\n',
      'lib.inc': 'setup:\n    call helper\n    ret\nhelper:\n    ret\n',
    }, ['main.asm']);
    try {
      const doc = ws.doc('main.asm');
      const setup = item(doc, 'setup', 'call setup');
      assert.equal(setup.uri, ws.uri('lib.inc'));
      const incoming = incomingCalls(doc, data(setup)).map((c) => `${c.from.name}:${c.from.kind}@${sites(c.fromRanges)}`);
      assert.deepEqual(incoming.sort(), [`main.asm:${SymbolKind.File}@1:5`, `main:${SymbolKind.Function}@4:9`]);
      const fileTop = incomingCalls(doc, data(setup)).find((c) => c.from.kind === SymbolKind.File)!;
      assert.deepEqual(outgoingCalls(doc, data(fileTop.from)).map((c) => c.to.name), ['setup']);
      const calls = outgoingCalls(doc, data(setup));
      assert.deepEqual(calls.map((c) => `${c.to.name}@${c.to.uri === ws.uri('lib.inc')}:${sites(c.fromRanges)}`), ['helper@true:1:9']);
    } finally {
      ws.dispose();
    }
  });

  it('lists the callers in every open program that includes the routine\'s file, as references does', () => {
    // a.asm and b.asm both %include lib.inc and call its `setup` (nasm assembles each alone).
    const ws = workspace({
      'lib.inc': 'setup:\n    ret\n',
      'a.asm': 'bits 32\n%include "lib.inc"\nmain_a:\n    call setup\n',
      'b.asm': 'bits 32\n%include "lib.inc"\nmain_b:\n    nop\n    call setup\n',
    }, ['a.asm', 'b.asm']);
    try {
      const doc = ws.doc('a.asm');
      const setup = item(doc, 'setup', 'call setup');
      const others = (file: string) => ws.cache.analysesInOtherRoots(file, doc.rootPath);
      const incoming = incomingCalls(doc, data(setup), others);
      assert.deepEqual(incoming.map((c) => `${c.from.uri === ws.uri('a.asm') ? 'a' : c.from.uri === ws.uri('b.asm') ? 'b' : c.from.uri}:${c.from.name}@${sites(c.fromRanges)}`), ['a:main_a@3:9', 'b:main_b@4:9']);
      // b.asm's caller is asked about in b.asm's assembly.
      const fromB = incoming[1].from;
      assert.equal((fromB.data as CallHierarchyData).doc, ws.uri('b.asm'));
      assert.deepEqual(outgoingCalls(ws.doc('b.asm'), data(fromB)).map((c) => `${c.to.name}@${sites(c.fromRanges)}`), ['setup@4:9']);
    } finally {
      ws.dispose();
    }
  });

  it('credits a call a macro makes through another macro to the call written in the file (nasm -E: ` call serial_puts` per println)', () => {
    // nasm -E prints each `println "x"` of main.asm as the ` call serial_puts` of print's body:
    // the calls are main.asm's, at its println lines, not pc.inc's `print` line.
    const ws = workspace({
      'main.asm': 'bits 32\n%include "pc.inc"\nstart:\n    println "a"\n    call serial_puts\n    println "b"\n    ret\nserial_puts:\n    ret\n',
      'pc.inc': '%macro print 1\n    jmp %%after\n%%s: db %1, 0\n%%after:\n    call serial_puts\n%endmacro\n%macro println 1\n    print %1\n%endmacro\n',
    }, ['main.asm']);
    try {
      const doc = ws.doc('main.asm');
      const incoming = incomingCalls(doc, data(item(doc, 'serial_puts', 'serial_puts:'))).map((c) => `${c.from.name}@${sites(c.fromRanges)}`);
      assert.deepEqual(incoming, ['start@3:4,4:9,5:4']);
      const outgoing = outgoingCalls(doc, data(item(doc, 'start'))).map((c) => `${c.to.name}@${sites(c.fromRanges)}`);
      assert.deepEqual(outgoing, ['serial_puts@3:4,4:9,5:4']);
    } finally {
      ws.dispose();
    }
  });

  it('finds a call through a macro parameter (nasm -E: `h: inner f` is ` call f`)', () => {
    const { doc, ws } = single('%macro inner 1\n    call %1\n%endmacro\nf: ret\nh: inner f\n');
    try {
      assert.deepEqual(incomingCalls(doc, data(item(doc, 'f', 'f:'))).map((c) => `${c.from.name}@${sites(c.fromRanges)}`), ['h@4:3']);
      assert.deepEqual(outgoingCalls(doc, data(item(doc, 'h', 'h:'))).map((c) => `${c.to.name}@${sites(c.fromRanges)}`), ['f@4:3']);
    } finally {
      ws.dispose();
    }
  });
});
