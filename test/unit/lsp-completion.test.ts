// completion() and signatureHelp(): mnemonic snippets, registers, scoped local labels, labels from
// included files, % directives, and operand forms with the active parameter.

import * as assert from 'node:assert/strict';
import type { MarkupContent } from 'vscode-languageserver-types';
import { completion, resolveCompletion, PLAIN_CLIENT, type CompletionClient } from '../../server/src/features/completion';
import { signatureHelp } from '../../server/src/features/signatureHelp';
import { BUILTIN_NAMES } from '../../server/src/syntax/directives';
import { assemble } from '../../core/src/asm/index';
import { at, single, workspace } from '../protocol/analyzeText';

/** A client that takes snippets and label details, as VS Code declares. */
const SNIPPETS: CompletionClient = { ...PLAIN_CLIENT, snippets: true, labelDetails: true };

describe('lsp completion', () => {
  const src = ['bits 32', "%include 'lib.inc'", 'first:', '.a:', '    jmp ', 'second:', '.b:', '    mo', '    %de', '    nop'].join('\n');
  const ws = workspace({ 'main.asm': src, 'lib.inc': 'lib_entry:\n    ret\n' }, ['main.asm']);
  after(() => ws.dispose());

  it('offers mnemonics with operand-form snippets at the instruction position', () => {
    const doc = ws.doc('main.asm');
    const items = completion(doc, at(doc, 'mo', 2), SNIPPETS).items;
    const mov = items.find((i) => i.label === 'mov');
    assert.ok(mov?.textEdit && 'range' in mov.textEdit);
    // The form a 32-bit guest writes most, not the table's first (`mov m16, sreg`), written as
    // operands NASM accepts for it; the form itself is the label's detail.
    assert.equal(mov.textEdit.newText, 'mov ${1:dword [ebx]}, ${2:ecx}');
    assert.equal(mov.labelDetails?.detail, ' r/m32, r32');
    assert.equal(mov.insertTextFormat, 2);
    assert.ok(items.some((i) => i.label === 'section'));
    assert.ok(!items.some((i) => i.label === 'eax'));
  });

  it('offers registers, labels of included files and only the current scope\'s locals in operands', () => {
    const doc = ws.doc('main.asm');
    const labels = completion(doc, at(doc, 'jmp ', 4)).items.map((i) => i.label);
    for (const l of ['eax', 'cr0', 'dword', 'first', 'second', 'lib_entry', '.a']) assert.ok(labels.includes(l), l);
    assert.ok(!labels.includes('.b'));
  });

  it('offers local labels by their full names where `label.` is typed, in any scope (NASM manual §3.9)', () => {
    let text = ['bits 32', 'first:', '.loop: dec ecx', '    jnz first.lo', 'second:', '    jmp first.l', ''].join('\n');
    const { doc, ws } = single(text);
    try {
      for (const [needle, line] of [['first.lo', 'jnz'], ['first.l', 'jmp']]) {
        const pos = at(doc, needle, needle.length, line);
        const item = completion(doc, pos, { ...PLAIN_CLIENT, insertReplace: true }).items.find((i) => i.label === 'first.loop');
        assert.ok(item?.textEdit && 'range' in item.textEdit, line);
        // The client keeps the items whose label the typed word matches (LSP 3.17 filterText), then inserts it.
        const typed = doc.lines[pos.line].slice(item.textEdit.range.start.character, pos.character);
        assert.ok(item.label.startsWith(typed), typed);
        const lines = text.split('\n');
        const edited = lines[pos.line].slice(0, item.textEdit.range.start.character) + item.textEdit.newText + lines[pos.line].slice(item.textEdit.range.end.character);
        lines[pos.line] = edited;
        text = lines.join('\n');
      }
      // What nasm 2.16.01 assembles the completed text to: `first.loop` reached from `second`'s scope too.
      const r = assemble({ file: '/t/local.asm', text, host: { readFile: () => undefined } });
      assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.deepEqual([...r.image], [0x49, 0x75, 0xfd, 0xeb, 0xfb]);
    } finally {
      ws.dispose();
    }
  });

  it('offers no local label of the label before a structure after its `endstruc` (the scope is the structure\'s)', () => {
    // nasm 2.16.01 on this text with `jmp .p`: "symbol `S.p' not defined"; `struc S` defines the label S.
    const { doc, ws } = single(['bits 32', 'prev:', '.p: nop', 'struc S', '.a: resd 1', 'endstruc', '  jmp .', 'next:', '.q: nop', '  jmp .', ''].join('\n'));
    try {
      const locals = (line: number) => completion(doc, { line, character: 7 }).items.map((i) => i.label).filter((l) => l.startsWith('.'));
      assert.deepEqual(locals(6), []);
      assert.deepEqual(locals(9), ['.q']);
    } finally {
      ws.dispose();
    }
  });

  it('offers instructions and directives after a label written without a colon (`msg d` on the way to `msg db`)', () => {
    // NASM manual §3.1: the colon after a label is optional; `%define emit db` makes `emit` a macro taking operands.
    let text = ['bits 32', 'msg d', 'len eq', 'dd len', '%define emit db', 'emit d', ''].join('\n');
    const { doc, ws } = single(text);
    try {
      const item = (line: number, label: string) => completion(doc, { line, character: doc.lines[line].length }, SNIPPETS).items.find((i) => i.label === label);
      assert.equal(item(5, 'db'), undefined);
      for (const [line, label] of [[1, 'db'], [2, 'equ']] as const) {
        const edit = item(line, label)?.textEdit;
        assert.ok(edit && 'range' in edit, label);
        // The snippet with its placeholders' defaults, as the client inserts it.
        const lines = text.split('\n');
        lines[line] = lines[line].slice(0, edit.range.start.character) + edit.newText.replace(/\$\{\d+:([^}]*)\}/g, '$1') + lines[line].slice(edit.range.end.character);
        text = lines.join('\n');
      }
      // nasm 2.16.01 assembles `msg db 0`, `len equ 0`, `dd len` to 00 00 00 00 00.
      const r = assemble({ file: '/t/bare.asm', text: text.split('\n').slice(0, 4).join('\n'), host: { readFile: () => undefined } });
      assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.deepEqual([...r.image], [0, 0, 0, 0, 0]);
    } finally {
      ws.dispose();
    }
  });

  it('offers only built-in names the assembler defines, in both spellings (nasm: test/fixtures/nasm/asm/std-macros.asm)', () => {
    const names = BUILTIN_NAMES.map((b) => b.name).filter((n) => n.startsWith('__'));
    assert.ok(names.length >= 20);
    const text = names.flatMap((n) => [n, `__?${n.slice(2, -2)}?__`]).map((n) => `%ifndef ${n}\n%error ${n} is not defined\n%endif`).join('\n') + '\n';
    const errors = assemble({ file: '/t/builtins.asm', text, host: { readFile: () => undefined } }).diagnostics.map((d) => d.message);
    assert.deepEqual(errors, []);
  });
  it('offers the reserved NOPs (hint_nop0..63) only once `hint` is typed', () => {
    const { doc, ws } = single(['bits 32', '    h', '    hint_n'].join('\n'));
    try {
      const at1 = completion(doc, { line: 1, character: 5 }).items.map((i) => i.label);
      assert.ok(at1.includes('hlt') && !at1.some((l) => l.startsWith('hint_nop')), at1.filter((l) => l.startsWith('h')).join(' '));
      const at2 = completion(doc, { line: 2, character: 10 }).items.map((i) => i.label).filter((l) => l.startsWith('hint_nop'));
      assert.equal(at2.length, 64);
    } finally {
      ws.dispose();
    }
  });

  it('offers `dup` after an expression in a data list, where nasm reads a count, and nowhere else', () => {
    // nasm 2.16.01: `db 3 dup (0)` is 00 00 00; `db dup` and `db 3 dup dup` read `dup` as a name.
    const lines = ['dup: db 1', '    db 3 ', '    dw (N+1) d', '    dd ', '    db 3 dup ', '    mov eax, 3 ', '    db byte ', 'N equ 2'];
    const { doc } = single(lines.join('\n') + '\n');
    const dupItem = (line: number) => completion(doc, { line, character: lines[line].length }, SNIPPETS).items.find((i) => i.label === 'dup' && i.kind === 14);
    const item = dupItem(1);
    assert.equal((item?.textEdit as { newText: string } | undefined)?.newText, 'dup (${1:0})');
    assert.equal(item?.insertTextFormat, 2);
    assert.equal(completion(doc, { line: 1, character: 9 }).items[0].label, 'dup');
    assert.deepEqual((dupItem(2)?.textEdit as { range: unknown } | undefined)?.range, { start: { line: 2, character: 13 }, end: { line: 2, character: 14 } });
    for (const line of [3, 4, 5, 6]) assert.equal(dupItem(line), undefined, lines[line]);
  });

  it('offers % directives', () => {
    const doc = ws.doc('main.asm');
    const labels = completion(doc, at(doc, '%de', 3)).items.map((i) => i.label);
    assert.ok(labels.includes('%define') && labels.includes('%macro'));
  });

  it('shows each mnemonic\'s most typical 32-bit form in its snippet; one without operands in some form stays bare', () => {
    const doc = ws.doc('main.asm');
    const snippets = new Map(completion(doc, at(doc, 'mo', 2), SNIPPETS).items.map((i) => [i.label, (i.textEdit as { newText: string }).newText]));
    assert.equal(snippets.get('push'), 'push ${1:eax}');
    assert.equal(snippets.get('movzx'), 'movzx ${1:eax}, ${2:byte [ebx]}');
    assert.equal(snippets.get('shl'), 'shl ${1:dword [ebx]}, ${2:0}');
    assert.equal(snippets.get('lgdt'), 'lgdt ${1:[ebx]}');
    assert.equal(snippets.get('jmp'), 'jmp ${1:\\$}');
    assert.equal(snippets.get('ret'), 'ret');
  });

  it('sends the shared edit range once in itemDefaults when the client takes it (LSP 3.17)', () => {
    const doc = ws.doc('main.asm');
    for (const [text, col] of [['mo', 2], ['jmp ', 4], ['%de', 3]] as const) {
      const position = at(doc, text, col);
      const perItem = completion(doc, position, SNIPPETS);
      const shared = completion(doc, position, { ...SNIPPETS, editRange: true, insertReplace: false });
      assert.equal(perItem.itemDefaults, undefined);
      assert.deepEqual(shared.items.map((i) => i.label), perItem.items.map((i) => i.label));
      const edits = perItem.items.map((i) => i.textEdit as { range: unknown; newText: string });
      // Every item of a list replaces one range: the one the defaults give.
      for (const e of edits) assert.deepEqual(e.range, shared.itemDefaults?.editRange);
      shared.items.forEach((item, n) => {
        assert.equal(item.textEdit, undefined);
        // Without textEditText the client inserts the label (LSP 3.17 CompletionItem.textEditText).
        assert.equal(item.textEditText ?? item.label, edits[n].newText);
      });
    }
    const mov = completion(doc, at(doc, 'mo', 2), { ...SNIPPETS, editRange: true, insertReplace: false }).items.find((i) => i.label === 'mov');
    assert.match(mov?.textEditText ?? '', /^mov \$\{1:/);
  });

  it('replaces the word being typed; inside a word, the client may replace it whole (insert/replace edits)', () => {
    const { doc } = single('bits 32\n    movzx eax, bl\n    mov eax,ebx\n');
    const line = 1;
    const range = (from: number, to: number) => ({ start: { line, character: from }, end: { line, character: to } });
    // `mo|vzx`: the typed part goes for a plain client; both ranges for one that takes them.
    const plain = completion(doc, { line, character: 6 }).items.find((i) => i.label === 'mov');
    assert.deepEqual((plain?.textEdit as { range: unknown }).range, range(4, 6));
    const both = completion(doc, { line, character: 6 }, { ...SNIPPETS, editRange: false, insertReplace: true }).items.find((i) => i.label === 'mov');
    assert.deepEqual(both?.textEdit, { newText: 'mov ${1:dword [ebx]}, ${2:ecx}', insert: range(4, 6), replace: range(4, 9) });
    const listed = completion(doc, { line, character: 6 }, { ...SNIPPETS, editRange: true, insertReplace: true });
    assert.deepEqual(listed.itemDefaults?.editRange, { insert: range(4, 6), replace: range(4, 9) });
    // At the end of a word the two are one range; before a comma the word is still the one typed.
    const atEnd = completion(doc, { line, character: 9 }, { ...SNIPPETS, editRange: true, insertReplace: true });
    assert.deepEqual(atEnd.itemDefaults?.editRange, range(4, 9));
    const beforeComma = completion(doc, { line: 2, character: 11 }, { ...SNIPPETS, editRange: true, insertReplace: true });
    assert.deepEqual(beforeComma.itemDefaults?.editRange, { start: { line: 2, character: 8 }, end: { line: 2, character: 11 } });
    assert.ok(beforeComma.items.some((i) => i.label === 'eax'));
    // After a space the word before it is done: nothing is replaced.
    const afterSpace = completion(doc, { line: 2, character: 8 }, { ...SNIPPETS, editRange: true, insertReplace: true });
    assert.deepEqual(afterSpace.itemDefaults?.editRange, { start: { line: 2, character: 8 }, end: { line: 2, character: 8 } });
  });

  it('sends plain text and no labelDetails to a client that does not declare snippetSupport and labelDetailsSupport (LSP 3.17)', () => {
    // Such a client inserts insertText/textEdit as it stands: `${1:…}` would land in the source.
    const { doc } = single(['bits 32', '    mo', '    db 3 ', '%'].join('\n'));
    for (const [line, character] of [[1, 6], [2, 9], [3, 1]]) {
      const items = completion(doc, { line, character }, PLAIN_CLIENT).items;
      assert.ok(items.length > 0);
      for (const item of items) {
        assert.notEqual(item.insertTextFormat, 2, item.label);
        assert.equal(item.labelDetails, undefined, item.label);
      }
    }
    const mov = completion(doc, { line: 1, character: 6 }, PLAIN_CLIENT).items.find((i) => i.label === 'mov');
    assert.equal((mov?.textEdit as { newText: string }).newText, 'mov');
    const define = completion(doc, { line: 3, character: 1 }, { ...PLAIN_CLIENT, editRange: true }).items.find((i) => i.label === '%define');
    assert.equal(define?.textEditText ?? define?.label, '%define');
  });

  it('offers instructions and data directives after a `times` count, where nasm reads the repeated instruction', () => {
    // nasm 2.16.01: `times 4 nop` is 90 90 90 90; `times 510-($-$$) db 0` pads to 510 bytes.
    const lines = ['bits 32', 'N equ 2', '    times 4 no', '    times 510-($-$$) d', '    times 4 ', 'x: times N ', '    times ', '    times 4 nop ', '    times (4 '];
    const { doc } = single(lines.join('\n'));
    const labels = (line: number) => completion(doc, { line, character: lines[line].length }).items.map((i) => i.label);
    for (const line of [2, 3, 4, 5]) {
      const offered = labels(line);
      for (const l of ['nop', 'db', 'mov']) assert.ok(offered.includes(l), `${l} after ${JSON.stringify(lines[line])}`);
      assert.ok(!offered.includes('eax'), lines[line]);
    }
    // The count itself, the operands of the repeated instruction and an open parenthesis: expressions.
    for (const line of [6, 7, 8]) {
      const offered = labels(line);
      assert.ok(offered.includes('eax') && !offered.includes('db'), lines[line]);
    }
  });

  it('offers %ifdef the single-line macros it tests, and %ifmacro the multi-line ones', () => {
    // nasm 2.16.01: `%ifdef` is false for a label and an `equ` constant and true for a %define or
    // %assign; `%ifmacro` is true for a %macro, false for a %define.
    const lines = ['FEAT equ 1', 'lbl: nop', '%define D 1', '%assign A 2', '%macro M 0', '%endmacro', '%ifdef ', '%elifndef F', '%ifmacro ', '%ifnmacro M', '%ifdef D '];
    const { doc } = single(lines.join('\n'));
    const labels = (line: number) => completion(doc, { line, character: lines[line].length }).items.map((i) => i.label);
    for (const line of [6, 7]) {
      const offered = labels(line);
      assert.ok(offered.includes('D') && offered.includes('A') && offered.includes('__BITS__'), lines[line]);
      for (const l of ['FEAT', 'lbl', 'M', 'eax', 'dword']) assert.ok(!offered.includes(l), `${l} after ${lines[line]}`);
    }
    for (const line of [8, 9]) assert.deepEqual(labels(line), ['M'], lines[line]);
  });

  it('resolves documentation from the table', () => {
    const item = resolveCompletion({ label: 'cli', data: { kind: 'mnemonic', name: 'cli' } });
    assert.match((item.documentation as MarkupContent).value, /IOPL-sensitive/);
  });

  it('gives the operand forms with the operand under the cursor active', () => {
    const { doc } = single('bits 32\n    mov eax, \n    out dx, al\n');
    const h = signatureHelp(doc, { line: 1, character: 13 });
    assert.ok(h);
    assert.equal(h.activeParameter, 1);
    assert.match(h.signatures[h.activeSignature ?? 0].label, /^mov (r32|eax), /);
    const o = signatureHelp(doc, { line: 2, character: 8 });
    assert.equal(o?.activeParameter, 0);
    assert.equal(signatureHelp(doc, { line: 2, character: 2 }), null);
  });

  it('makes active the form the line was encoded in (nasm: 89 44 24 1C, C1 EA 10, E8 rel32)', () => {
    // nasm -f bin: `mov [esp + 28], eax` is 89 44 24 1C (r/m32, r32, not A3's moffs32), `shr edx,
    // 16` C1 EA 10 (imm8, not D1's 1), `call start` in bits 32 E8 E1 FF FF FF (rel32, not rel16).
    const { doc } = single('bits 32\nstart:\n    mov [esp + 28], eax\n    shr edx, 16\n    call start\n');
    const active = (line: number, character: number) => {
      const h = signatureHelp(doc, { line, character })!;
      return h.signatures[h.activeSignature ?? 0].label;
    };
    assert.equal(active(2, 11), 'mov r/m32, r32');
    assert.equal(active(3, 14), 'shr r/m32, imm8');
    assert.equal(active(4, 11), 'call rel32');
  });

  it('offers in a macro body its parameters, %0, %00, %? and its %%labels, and directives only at a line\'s start', () => {
    const src = ['bits 32', '%macro copy 2-3+', '  mov ecx, %', '%%again:', '  loop %%again', '  %', '%endmacro', '  mov eax, %'].join('\n');
    const { doc } = single(src);
    const labels = (line: number) => completion(doc, { line, character: doc.lines[line].length }).items.map((i) => i.label);
    const operand = labels(2);
    assert.deepEqual(operand.slice(0, 3), ['%1', '%2', '%3']);
    for (const l of ['%0', '%00', '%?', '%??', '%%again']) assert.ok(operand.includes(l), l);
    assert.ok(!operand.includes('%define'));
    const start = labels(5);
    assert.ok(start.includes('%1') && start.includes('%%again') && start.includes('%define'));
    // Outside any body: the directives at a line's start only.
    assert.ok(!labels(7).includes('%1'));
    const greedy = completion(doc, { line: 2, character: doc.lines[2].length }).items.find((i) => i.label === '%3');
    assert.match(greedy?.detail ?? '', /optional.*rest of the arguments/);
    // The `%` typed is replaced.
    const item = completion(doc, { line: 2, character: doc.lines[2].length }).items[0];
    assert.deepEqual(item.textEdit, { range: { start: { line: 2, character: 11 }, end: { line: 2, character: 12 } }, newText: '%1' });
  });

  it('replaces both `%` of a `%%` typed in a macro body, so an accepted %%label is not written `%%%label`', () => {
    // nasm reads `%%%top` as `%` and `%%top`, not the label `%%top` (NASM manual §4.3.2).
    const src = ['bits 32', '%macro foo 3', '%%top: mov eax, %1', '  jmp %%', '%%', '  mov eax, %%', '%endmacro'].join('\n');
    const { doc } = single(src);
    for (const line of [3, 4, 5]) {
      const end = doc.lines[line].length;
      const list = completion(doc, { line, character: end }, { ...SNIPPETS, editRange: true, insertReplace: false }, '%');
      assert.ok(list.items.some((i) => i.label === '%%top'), doc.lines[line]);
      assert.deepEqual(list.itemDefaults?.editRange, { start: { line, character: end - 2 }, end: { line, character: end } }, doc.lines[line]);
    }
  });

  it('gives a macro call its parameters, by the definition nasm would call for the arguments so far', () => {
    // nasm tells macros of one name apart by their parameter counts (NASM manual §4.3.3): with
    // the cursor in a second argument, the one-parameter `put` cannot take the call.
    const src = ['bits 32', '; Writes a byte to a port.', '%macro put 1', '%endmacro', '%macro put 2', '%endmacro', '%macro many 1-3', '%endmacro', '%macro rest 1+', '%endmacro',
      '  put 1', '  put 1, ', '  many 1, 2, ', '  rest a, b, c'].join('\n');
    const { doc } = single(src);
    const line = (prefix: string) => doc.lines.findIndex((l) => l.startsWith(prefix));
    const first = signatureHelp(doc, { line: line('  put 1'), character: 7 })!;
    assert.deepEqual(first.signatures.map((x) => x.label), ['put %1', 'put %1, %2']);
    assert.equal(first.activeSignature, 0);
    assert.match((first.signatures[0].documentation as MarkupContent).value, /^`%macro put 1`\n\nWrites a byte to a port\.$/);
    const second = signatureHelp(doc, { line: line('  put 1, '), character: 9 })!;
    assert.deepEqual([second.activeSignature, second.activeParameter], [1, 1]);
    const many = signatureHelp(doc, { line: line('  many'), character: 14 })!;
    assert.equal(many.signatures[0].label, 'many %1, [%2], [%3]');
    assert.equal(many.activeParameter, 2);
    // A greedy last parameter takes the rest, commas too: it stays the active one.
    const rest = signatureHelp(doc, { line: line('  rest'), character: 15 })!;
    assert.equal(rest.signatures[0].label, 'rest %1…');
    assert.equal(rest.activeParameter, 0);
  });

  it('counts a macro call\'s arguments as nasm does: a braced argument is one, parentheses and brackets group nothing', () => {
    // nasm 2.16.01 (`%warning %0` in the body): `four {1, 2}, 3` has 2 arguments, `four (1, 2), 3`
    // and `four [1, 2], 3` have 3, `four a {1, 2}, 3` has 3 (braces group only a whole argument).
    const calls = ['  four {1, 2}, ', '  four {{1, 2}, 3}, ', '  four (1, 2), ', '  four [1, 2], ', '  four a {1, 2}, ', '  four {1, 2'];
    const { doc } = single(['bits 32', '%macro four 1-4', '%endmacro', ...calls].join('\n'));
    const active = calls.map((c, i) => signatureHelp(doc, { line: 3 + i, character: c.length })?.activeParameter);
    assert.deepEqual(active, [1, 1, 2, 2, 2, 0]);
  });

  it('gives signatures only for the macros a name calls: as spelled, or in any case for %idefine and %imacro', () => {
    // nasm 2.16.01 -E of these lines: `db DBL(1), 1*3, 1*2`, `PUT 1` left as written, `db 1+1`
    // from SAY: DBL and PUT call nothing, Tri and SAY call the macros %idefine and %imacro made.
    const src = ['%define dbl(x) x*2', '%idefine tri(x) x*3', '%macro put 1', '%endmacro', '%imacro say 1', '%endmacro',
      '  db DBL(1', '  db Tri(1', '  db dbl(1', '  PUT 1', '  SAY 1', '  put 1'].join('\n');
    const { doc } = single(src);
    const labels = (prefix: string) => {
      const line = doc.lines.findIndex((l) => l.startsWith(prefix));
      return signatureHelp(doc, { line, character: prefix.length })?.signatures.map((x) => x.label);
    };
    assert.equal(labels('  db DBL(1'), undefined);
    assert.deepEqual(labels('  db Tri(1'), ['tri(x)']);
    assert.deepEqual(labels('  db dbl(1'), ['dbl(x)']);
    assert.equal(labels('  PUT 1'), undefined);
    assert.deepEqual(labels('  SAY 1'), ['say %1']);
    assert.deepEqual(labels('  put 1'), ['put %1']);
  });

  it('gives a single-line macro\'s parameters as its %define writes them inside its call\'s parentheses, by definition count', () => {
    const src = ['%define pair(=a, &b) a, b', '%define pair(x) x', '%define rest(a, b+) a', '%define gap(a,,b) b',
      '  db pair(1+1, ', '  db pair(7', '  db rest(1, 2, 3, ', '  db pair({1, 2}, (3, 4), ', "  db pair('(,', ", '  db gap(1, 2, ', '  db 1 ; pair(', '  mov eax, 1'].join('\n');
    const { doc } = single(src);
    const end = (prefix: string) => {
      const line = doc.lines.findIndex((l) => l.startsWith(prefix));
      return { line, character: doc.lines[line].length };
    };
    const second = signatureHelp(doc, end('  db pair(1+1, '))!;
    assert.deepEqual(second.signatures.map((x) => x.label), ['pair(=a, &b)', 'pair(x)']);
    assert.deepEqual([second.activeSignature, second.activeParameter], [0, 1]);
    // The parameter's range in the label is its text as written, modifiers included.
    const [from, to] = second.signatures[0].parameters![1].label as [number, number];
    assert.equal('pair(=a, &b)'.slice(from, to), '&b');
    assert.match((second.signatures[0].documentation as MarkupContent).value, /^`%define pair\(=a, &b\) a, b`$/);
    const first = signatureHelp(doc, end('  db pair(7'))!;
    assert.deepEqual([first.activeSignature, first.activeParameter], [0, 0]);
    // A greedy last parameter takes the commas after it.
    assert.deepEqual(signatureHelp(doc, end('  db rest('))!.activeParameter, 1);
    // Commas in braces, inner parentheses and strings separate nothing.
    assert.equal(signatureHelp(doc, end('  db pair({1'))!.activeParameter, 1);
    assert.equal(signatureHelp(doc, end("  db pair('"))!.activeParameter, 1);
    assert.deepEqual(signatureHelp(doc, end('  db gap('))!.signatures.map((x) => x.label), ['gap(a, _, b)']);
    assert.equal(signatureHelp(doc, end('  db gap('))!.activeParameter, 2);
    // In a comment, or with no call open, the instruction's forms or nothing.
    assert.equal(signatureHelp(doc, end('  db 1 ;')), null);
    assert.match(signatureHelp(doc, { line: end('  mov').line, character: 11 })!.signatures[0].label, /^mov /);
  });
});
