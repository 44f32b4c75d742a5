// Preprocessor behaviour: expansion results, locations and expansion chains, and its diagnostics.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSink } from '../../core/src/asm/diagnostics';
import { assemble } from '../../core/src/asm/index';
import { preprocess } from '../../core/src/asm/preprocessor';

function pp(text: string, files: Record<string, string> = {}, defines: Record<string, string> = {}) {
  const sink = new DiagnosticSink();
  const r = preprocess({ file: '/p/main.asm', text, readFile: (p) => files[p], includePaths: ['/inc'], defines }, sink);
  const code = r.lines.all().filter((l) => !l.listOnly).map((l) => l.tokens.map((t) => t.text).join(' '));
  return { r, code, diags: sink.list };
}

describe('preprocessor', () => {
  it('expands single-line macros with parameters and -D defines', () => {
    assert.deepEqual(pp('%define ADD(a,b) a+b\ndb ADD(1, 2), X', {}, { X: '7' }).code, ['db 1 + 2 , 7']);
  });
  it('pastes with %+ and adjacent macro parameters', () => {
    assert.deepEqual(pp('%define P foo\nP %+ _bar:\n%macro m 1\nx_%1: db 1\n%endmacro\nm y').code, ['foo_bar :', 'x_y : db 1']);
  });
  it('gives %%locals a unique name per expansion, numbered from 0 as nasm -E numbers them', () => {
    const { code } = pp('%macro m 0\n%%l: jmp %%l\n%endmacro\nm\nm');
    assert.deepEqual(code, ['..@0.l : jmp ..@0.l', '..@1.l : jmp ..@1.l']);
  });
  it('numbers %%locals after the numbers nasm\'s standard macros took, in messages too', () => {
    // nasm 2.16.01: "symbol `..@4.nowhere' not defined" (bits, section: one each; align: two).
    const text = 'bits 32\n%macro m 0\n  jmp %%nowhere\n%endmacro\nsection .text\nalign 4\n  m\n';
    assert.deepEqual(pp(text).code.at(-1), 'jmp ..@4.nowhere');
    const r = assemble({ file: '/p/main.asm', text, host: { readFile: () => undefined } });
    assert.deepEqual(r.diagnostics.map((d) => d.message), ["symbol `..@4.nowhere' not defined"]);
  });
  it('fills default parameters and gives a greedy last parameter the rest', () => {
    assert.deepEqual(pp('%macro m 1-3 8, 9\ndb %0, %1, %2, %3\n%endmacro\nm 1\n%macro g 1+\ndb %1\n%endmacro\ng 1, 2').code, ['db 3 , 1 , 8 , 9', 'db 1 , 2']);
  });
  it('keeps the source location and the call site of macro lines', () => {
    const { r } = pp('%macro m 1\n  db %1\n%endmacro\n  m 5');
    const line = r.lines.all().find((l) => !l.listOnly)!;
    assert.equal(line.line, 1);
    assert.deepEqual(line.expansion[0], { file: '/p/main.asm', start: { line: 3, col: 2 }, end: { line: 3, col: 5 } });
    assert.deepEqual(line.tokens[1].src, { file: '/p/main.asm', start: { line: 3, col: 4 }, end: { line: 3, col: 5 } });
  });
  it('searches the main file directory, then -I paths, and records includes', () => {
    const { code, r } = pp('%include "a.inc"\n%include "b.inc"', { '/p/a.inc': 'db 1', '/inc/b.inc': 'db 2' });
    assert.deepEqual(code, ['db 1', 'db 2']);
    assert.deepEqual(r.includes.map((i) => i.resolved), ['/p/a.inc', '/inc/b.inc']);
    assert.deepEqual(r.files, ['/p/main.asm', '/p/a.inc', '/inc/b.inc']);
  });
  it('reports a missing include at the file name', () => {
    const d = pp('  %include "zz.inc"').diags[0];
    assert.equal(d.code, 'missing-include');
    assert.deepEqual(d.range, { file: '/p/main.asm', start: { line: 0, col: 11 }, end: { line: 0, col: 19 } });
  });
  it('reports an include cycle nothing ends at once when nothing changes from one copy to the next, else where nasm runs out of files', () => {
    // nasm 2.16.01 (measured, `ulimit -n` 1024) reads both 1018 files deep, then "unable to open
    // include file `a.inc': Too many open files" at the include.
    const same = pp('%include "a.inc"', { '/p/a.inc': '%include "a.inc"' }).diags;
    assert.deepEqual(same.map((d) => [d.code, d.message, d.expansion?.length]), [['include-cycle', "`a.inc' includes itself (include cycle): no guard or count ends it", 1]]);
    const counting = pp('%include "a.inc"', { '/p/a.inc': '%assign N N+1\n%include "a.inc"' }).diags.filter((d) => d.code === 'include-cycle');
    assert.deepEqual(counting.map((d) => [d.message, d.expansion?.length]), [["`a.inc' includes itself (include cycle): no guard or count ends it", 1017]]);
  });
  it('reads a file that includes itself until its count ends it (nasm 2.16.01: 39 bytes 1..39)', () => {
    const r = pp('%include "a.inc"', { '/p/a.inc': '%ifndef N\n%assign N 0\n%endif\n%assign N N+1\n%if N < 40\ndb N\n%include "a.inc"\n%endif' });
    assert.deepEqual(r.diags, []);
    assert.deepEqual(r.code, Array.from({ length: 39 }, (_, k) => `db ${k + 1}`));
  });
  it('warns of wrong macro argument counts, reports unterminated blocks and %error text', () => {
    // nasm 2.16: a warning, and the line goes on as written (here an error of the parser's).
    const two = pp('%macro two 2\n%endmacro\ntwo 1');
    assert.deepEqual([two.diags[0].severity, two.diags[0].message], ['warning', "multi-line macro `two' exists, but not taking 1 parameter (it takes 2)"]);
    assert.deepEqual(two.code, ['two 1']);
    assert.equal(pp('%if 1\ndb 1').diags[0].code, 'unterminated-if');
    assert.equal(pp('%macro m 0\ndb 1').diags[0].code, 'unterminated-macro');
    assert.equal(pp('%rep 2\ndb 1').diags[0].code, 'unterminated-rep');
    const e = pp('%error "bad thing"').diags[0];
    assert.deepEqual([e.code, e.message], ['user-error', 'bad thing']);
    assert.equal(pp('%warning careful').diags[0].severity, 'warning');
  });
  it('expands macro parameters, %$ names and single-line macros in %error/%warning text, as nasm prints it', () => {
    // The messages nasm 2.16.01 printed for this file; a quoted message stays as written.
    const text = '%define X 5\n%warning X is bad\n%warning "X is bad"\n%assign n 3\n%warning n=n\n%macro m 1\n%warning got %1 and %0 args\n' +
      '%warning "q %1"\n%warning %{1}x\n%endmacro\nm foo\n%push c\n%define %$v 7\n%warning ctx %$v\n%pop\n%warning a  b   c\n%warning `\\x41`\n' +
      '%warning "its" "two"\n%macro need 1\n%error need: expected eax, got %1\n%endmacro\nneed ecx';
    assert.deepEqual(pp(text).diags.map((d) => d.message), [
      '5 is bad', 'X is bad', '3=3', 'got foo and 1 args', 'q %1', 'foox', 'ctx 7', 'a b c', 'A', '"its" "two"', 'need: expected eax, got ecx',
    ]);
  });
  it('rotates macro parameters and repeats with %rep', () => {
    assert.deepEqual(pp('%macro r 1-*\n%rep %0\ndb %1\n%rotate 1\n%endrep\n%endmacro\nr 1, 2, 3').code, ['db 1', 'db 2', 'db 3']);
  });
  it('sets the technique from %pragma ringside', () => {
    assert.equal(pp('%pragma ringside technique paravirtual').r.technique, 'paravirtual');
    assert.equal(pp('%pragma ringside technique bogus').diags[0].code, 'unknown-technique');
  });
  it('names what nasm 2.16.01 does and Ringside does not (%clear WORD); %null, %depend of a file name and %map (no function in 2.16.01: its tokens go on as written) say nothing', () => {
    const { diags } = pp('%null\n%depend "x.inc"\ndb %map(f, 1)\n%define X %map(g, 2)\ndb X\n%ifusable altreg\n%endif\n%use altreg\n%clear all\n');
    assert.deepEqual(diags.map((d) => [d.range.start.line, d.message]), [
      [8, "`%clear all' makes nasm 2.16.01 loop forever: Ringside accepts only `%clear' alone"],
    ]);
  });

  it('keeps macro doc comments and parameter ranges', () => {
    const m = pp('; Prints a thing.\n; Twice.\n%macro show 1-2\n%endmacro').r.macros[0];
    assert.deepEqual([m.doc, m.min, m.max], ['Prints a thing.\nTwice.', 1, 2]);
  });

  it('says why a branch of a %if on $ or a label cannot define a multi-line macro, and expands the macros it calls', () => {
    const { diags, code } = pp('%macro m 0\n  nop\n%endmacro\ndb 1\n%if ($-$$) > 0\n  %macro n 0\n  %endmacro\n%endif\nstart:\n%if start\n  m\n  db 3\n%endif');
    assert.deepEqual(diags.map((d) => [d.message, d.range.start.line, d.range.start.col, d.range.end.col]), [
      ["`%macro' in a branch of the `%if' on line 5, whose condition needs `$', `$$' or a label: nasm runs a branch's directives only in the passes that take it, "
        + 'while Ringside preprocesses every branch once, before the assembler picks one, so a branch cannot define or remove multi-line macros', 5, 2, 12],
    ]);
    // The %macro does nothing (its body is taken); the call's lines are the second block's code.
    assert.deepEqual(code, ['db 1', 'start :', 'nop', 'db 3']);
  });
  it('reads the macro parameters of a %line that --no-line ignores (nasm: "`%7\': not in a macro call")', () => {
    const sink = new DiagnosticSink();
    preprocess({ file: '/p/main.asm', text: '%line %7 y\ndb __LINE__\n', readFile: () => undefined, includePaths: [], defines: {}, noLine: true }, sink);
    assert.deepEqual(sink.list.map((d) => [d.message, d.range.start.line, d.range.start.col]), [["`%7': not in a macro call", 0, 6]]);
  });
  it('says why a %rep begun in a branch of a %if on $ cannot end past the branch, and reads the %elif as the block\'s', () => {
    // nasm 2.16.01 reads the %rep only in the passes that take the branch; at 0 the %elif ends the
    // branch and the %endrep is "`%endrep': no matching `%rep'" (measured).
    const { diags, code } = pp('db 1\n%if ($-$$) > 8\n%rep 1\n%if 1\n%endif\n%elif 1\n  db 2\n%endrep\n%endif');
    assert.deepEqual(diags.map((d) => [d.message, d.range.start.line]), [
      ["`%rep' in a branch of the `%if' on line 2, whose condition needs `$', `$$' or a label, has no `%endrep' before the `%elif' that ends the branch: "
        + "nasm reads it only in the passes that take the branch, and otherwise that `%elif' ends it, while Ringside preprocesses every branch once, before the assembler picks one", 2],
    ]);
    // (The %endrep's error is the %elif branch's, given when the assembler takes it.)
    assert.deepEqual(code.slice(0, 1), ['db 1']);
  });
  it('says why a branch of a %if on $ cannot load a %use package, and takes one already in use', () => {
    // nasm 2.16.01 loads a package only in the passes that take the branch (measured: `%use ifunc`
    // in the `%else` of a taken `%if ($-$$) > 0` leaves `%ifusing ifunc` false).
    const { diags, code } = pp('%use fp\ndb 1\n%if ($-$$) > 0\n  %use fp\n%else\n  %use ifunc\n%endif\n%ifusing ifunc\n  db 2\n%endif');
    assert.deepEqual(diags.map((d) => [d.message, d.range.start.line, d.range.start.col, d.range.end.col]), [
      ["`%use' in a branch of the `%if' on line 3, whose condition needs `$', `$$' or a label: nasm runs a branch's directives only in the passes that take it, "
        + 'while Ringside preprocesses every branch once, before the assembler picks one, so a branch cannot load a standard package', 5, 2, 12],
    ]);
    assert.deepEqual(code, ['db 1']);
    // The package named through a macro is the one read (`%use` expands it): in review, `%define A
    // ifunc` / `%use A` there got past the check, read as `A`, and loaded ifunc (90 01 where nasm
    // has 90 02 for the program as assembled).
    const named = pp('%define A ifunc\ndb 1\n%if ($-$$) > 0\n  nop\n%else\n  %use A\n%endif\n%ifusing ifunc\n  db 2\n%endif');
    assert.deepEqual(named.diags.map((d) => [d.message.slice(0, 30), d.range.start.line]), [["`%use' in a branch of the `%if", 5]]);
    assert.deepEqual(named.code, ['db 1', 'nop']);
  });
  it('preprocesses each branch of a %if on $ from the macros before it, and says why a name they leave differently cannot be used after it', () => {
    // nasm 2.16.01 defines in the passes that take a branch only: the %elifdef and %else do not
    // see the %if branch's X; after the block, X is 1 or 2 as the assembler decides (defined
    // either way: %ifdef knows), Y 5 or undefined, W a list or undefined.
    const { r, diags, code } = pp('%if $ > 2\n  %define X 1\n  db X\n  %define W 1, 2\n%elifdef X\n  db 9\n%else\n  db X\n  %define X 2\n  %assign Y 5\n%endif\n'
      + 'db X, W\n%ifdef X\n  db 4\n%endif\n%ifdef Y\n%endif\n%defstr S X\n%define X 3\ndb X, Y\n%if $ > 9\n  %define Z 1\n%else\n  %define Z 1\n%endif\ndb Z');
    const why = (name: string, what: string): string => `\`${name}' depends on the branch the assembler takes of the \`%if' on line 1, whose condition needs \`$', \`$$' or a label (a branch ${what}): Ringside expands it before assembling`;
    assert.deepEqual(diags.map((d) => [d.message, d.range.start.line, d.range.start.col]), [
      // W is no number: Ringside cannot leave it to the assembler.
      [why('W', 'defines or removes it, another not or otherwise'), 11, 6],
      [why('Y', 'defines or removes it, another not or otherwise'), 15, 7],
      // %defstr reads X as text, which only the assembler knows.
      [why('X', 'defines it otherwise than another'), 17, 10],
    ]);
    // X and Y are numbers in every way (Y: or none), which the assembler holds; defined again
    // after the block, X is decided; Z is defined alike by every branch.
    assert.deepEqual(r.checks[0].constants?.map((c) => [c.name, [...c.byBranch], c.otherwise]), [['X', [1, undefined, 2], undefined], ['Y', [undefined, undefined, 5], undefined]]);
    assert.deepEqual(code, ['db 1', 'db 9', 'db X', 'db X , W', 'db 4', 'db 3 , Y', 'db 1']);
  });
  it('places a %define after a %if on $ in each way through it, and says why a call that finds other definitions by the way cannot be expanded', () => {
    // nasm 2.16.01 has X(a,b) beside the later X(a) only in the passes that take the branch: X(1,2)
    // is 1+2 there (nasm accepts the file, taking it at $ = 3), "exists, but not taking 2
    // parameters" otherwise; X(1) is 1 either way. Ringside had taken the later %define as
    // deciding X, and warned at X(1,2).
    const { diags, code } = pp('db 0, 0, 0\n%if $-$$ > 2\n%define X(a,b) a+b\n%endif\n%define X(a) a\ndb X(1)\ndb X(1,2)\n%define X(a,b) a-b\ndb X(1,2)');
    const why = "`X' depends on the branch the assembler takes of the `%if' on line 2, whose condition needs `$', `$$' or a label (a branch defines it otherwise than another): Ringside expands it before assembling";
    assert.deepEqual(diags.map((d) => [d.message, d.range.start.line, d.range.start.col]), [[why, 6, 3]]);
    // Defined again with two parameters, X is decided: every way holds X(a) and X(a,b) alike.
    assert.deepEqual(code, ['db 0 , 0 , 0', 'db 1', 'db X ( 1 , 2 )', 'db 1 - 2']);
  });
  it('leaves a number the branch of a %if on $ decides in code and expressions only, not where nasm reads it as text or a label', () => {
    const { diags, code } = pp('start: db 1\n%if $-start > 0\n%define N 3\n%else\n%define N 4\n%endif\nbits N\nlab %+ N: db N\nN: db N\nsection .text align=N\ntimes N db N\n%if N > 3\n%endif\n');
    assert.deepEqual(diags.map((d) => [d.range.start.line, d.range.start.col]), [[6, 5], [7, 7], [8, 0], [9, 20]]);
    assert.ok(diags.every((d) => d.code === 'undecidable-condition'));
    assert.deepEqual(code.slice(-2), ['section .text align = N', 'times N db N']);
  });
  it('leaves an %assign of $ or a label to the assembler, and says why a directive cannot read the number it makes', () => {
    // nasm 2.16.01 evaluates `%assign P $-start` as it assembles, in each pass; %rep and %defstr
    // need the number before Ringside assembles.
    const { r, diags, code } = pp('start: db 1\n%assign P $-start\n%assign Q P*2\ndb P, Q\n%rep P\n%endrep\n%defstr S Q\n%assign P 4\ndb P');
    const why = (name: string, line: number): string => `\`${name}' is a number only the assembler knows: the \`%assign' on line ${line} needs \`$', \`$$' or a label, `
      + "which nasm evaluates in each pass and Ringside's assembler does, while Ringside expands this before assembling";
    assert.deepEqual(diags.map((d) => [d.message, d.range.start.line, d.range.start.col]), [
      [why('P', 2), 4, 5],
      ["symbol `P' is not a constant the preprocessor knows (in `%rep')", 4, 5],
      ["`%endrep': no matching `%rep'", 5, 0],
      [why('Q', 3), 6, 10],
    ]);
    assert.deepEqual(r.checks.map((c) => c.branches.map((b) => b.items.map((m) => ('assign' in m ? `${m.assign} = ${m.expression.tokens.map((t) => t.text).join(' ')}` : '?')))), [[['P = $ - start']], [['Q = P * 2']]]);
    // Assigned again from a number, P is the preprocessor's.
    assert.deepEqual(code, ['start : db 1', 'db P , Q', 'db 4']);
    // The label the assembler reads there is used there (find references, rename).
    assert.deepEqual(r.references.filter((x) => x.name === 'start').map((x) => [x.range.start.line, x.range.start.col]), [[1, 12]]);
  });
  it('says why a branch of a %if on $ cannot change the context stack or leave a macro call begun before it, nor __BITS__ be known after one sets bits', () => {
    // nasm 2.16.01 runs a branch's directives in each pass that takes it; Ringside preprocesses once.
    const { diags } = pp('%macro m 1-*\n  %if ($-$$) > 1\n    %rotate 1\n    %exitmacro\n  %endif\n%endmacro\n  m 1, 2\n'
      + '%macro inner 0\n  %rep 3\n    %exitrep\n  %endrep\n%endmacro\n%if $ > 2\n  inner\n  %push x\n  bits 32\n%endif\n  db __BITS__\n');
    assert.deepEqual(diags.map((d) => [d.message.includes(', so ') ? d.message.slice(d.message.lastIndexOf(', so ') + 5) : d.message, d.range.start.line, d.range.start.col]), [
      ['a branch cannot rotate the arguments of a macro call begun before it', 2, 4],
      ['a branch cannot leave a macro call begun before it', 3, 4],
      // (The %exitrep leaves a %rep begun in the branch: allowed.)
      ["`%endif' ends a branch of the `%if' on line 13, whose condition needs `$', `$$' or a label, with the context stack changed (a `%push' not popped, or a `%pop' or `%repl' of a context pushed before the block): "
        + 'nasm changes it only in the passes that take the branch, while Ringside preprocesses every branch once, before the assembler picks one', 16, 0],
      ["`__BITS__' depends on the branch the assembler takes of the `%if' on line 13, whose condition needs `$', `$$' or a label (a branch sets `bits'): Ringside expands it before assembling", 17, 5],
    ]);
  });
  it('says why a %rep begun in a branch of a %if on $ cannot run to the end of the file (its %endif first)', () => {
    // nasm 2.16.01 skips a branch it does not take, %rep and all, so the `%endif` ends the block in
    // those passes (measured: `db 0` assembles when $-$$ is 30); a pass that takes it reads the
    // `%endif` into the %rep's body, and ends in "expected `%endif' before end of file".
    const { diags } = pp('times 30 db 1\n%if ($-$$) > 40\n%rep 2\n%endif\ndb 0\n');
    assert.deepEqual(diags.filter((d) => d.code === 'undecidable-condition').map((d) => [d.message.slice(0, d.message.indexOf(':')), d.range.start.line]),
      [["`%rep' in a branch of the `%if' on line 2, whose condition needs `$', `$$' or a label, has no `%endrep' before the `%endif' that ends the branch", 2]]);
    assert.ok(diags.every((d) => d.code !== 'unterminated-rep'));
  });
  it('says why a macro call in a branch of a %if on a label cannot leave a %if open for the lines after it to close', () => {
    // nasm 2.16.01 skips a branch it does not take without expanding `m`, so the first `%endif` ends
    // the block there (measured: `db 3` alone), and ends m's %if where it takes the branch.
    const { diags } = pp('%macro m 0\n%if 1\ndb 1\n%endmacro\nL:\n%if L == 0\nm\ndb 2\n%endif\ndb 3\n%endif\n');
    assert.deepEqual(diags.map((d) => [d.message.slice(0, d.message.indexOf(':')), d.range.start.line]), [["`%endif' and the `%if' it belongs to are read one in a macro called in a branch of the `%if' on line 6, whose condition needs `$', `$$' or a label, the other outside that call", 8]]);
    // So when m's own %if is one the assembler decides (nasm 2.16.01, measured: "`%endif': no
    // matching `%if'" at the last line, where Ringside had read on without a message).
    const own = pp('%macro m 0\n%if L > 0\ndb 1\n%endmacro\nL:\n%if L == 0\nm\ndb 2\n%endif\ndb 3\n%endif\n').diags;
    assert.deepEqual(own.map((d) => [d.message.slice(0, d.message.indexOf(':')), d.range.start.line]), [["`%endif' and the `%if' it belongs to are read one in a macro called in a branch of the `%if' on line 6, whose condition needs `$', `$$' or a label, the other outside that call", 8]]);
    // Macros that open and close it between them, and a macro's %if closed outside any such block,
    // are read alike either way (fixture macro-if-across-call).
    assert.deepEqual(pp('%macro mo 0\n%if 1\n%endmacro\n%macro mc 0\n%endif\n%endmacro\nL:\n%if L == 0\nmo\nmc\n%endif\nmo\n%endif\n').diags, []);
  });
  it('hands a %if block of code on $ to the assembler, passing its code on', () => {
    const { r, diags, code } = pp('db 1\n%if ($-$$) > 0\n  times 4 db 0\n  %warning "pad"\n%else\n  db 2\n%endif\ndb 3');
    assert.deepEqual([diags, code], [[], ['db 1', 'times 4 db 0', 'db 2', 'db 3']]);
    const c = r.checks[0];
    assert.deepEqual([c.hasCode, c.startLine, c.outputLine], [true, 1, 7]);
    // What a run's lines report comes first; a run ends past the directive that ends it (listed only).
    assert.deepEqual(c.branches.map((b) => b.items.map((m) => ('branches' in m ? 'block' : 'stmtFrom' in m ? `code ${m.from}-${m.to}` : 'assign' in m ? 'assign' : `${m.held.diagnostic.severity} ${m.held.diagnostic.message}`))), [
      ['warning pad', 'code 2-5'],
      ['code 5-7'],
    ]);
  });
  it('hands a %if block of diagnostics on $ to the assembler, listing its lines', () => {
    const { r, diags, code } = pp('db 1\n%if ($-$$) > 0\n  %error "big" ; why\n%elif 1\n  %warning "one"\n%else\n%endif\ndb 2');
    assert.deepEqual([diags, code], [[], ['db 1', 'db 2']]);
    assert.equal(r.checks.length, 1);
    const c = r.checks[0];
    assert.equal(c.outputLine, 7);
    assert.deepEqual(c.branches.map((b) => [b.condition?.directive, b.condition?.tokens.map((t) => t.text).join(' '), b.items.map((m) => ('branches' in m ? 'block' : 'stmtFrom' in m ? 'code' : 'assign' in m ? 'assign' : `${m.held.diagnostic.severity} ${m.held.diagnostic.message} ${m.held.diagnostic.range.start.line}`))]), [
      ['%if', '( $ - $$ ) > 0', ['error big 2']],
      ['%elif', '1', ['warning one 4']],
      [undefined, undefined, []],
    ]);
  });
  it('records the names in a handed-on %if block\'s conditions as references', () => {
    const { r } = pp('start:\ndb 1\nfinish:\n%if finish - start > 10\n  %error big\n%elifn finish\n%endif');
    assert.deepEqual(r.references.map((x) => [x.name, x.range.start.line, x.range.start.col]), [['finish', 3, 4], ['start', 3, 13], ['finish', 5, 7]]);
  });
  it('a line that named no macro in one assembly is checked again in the next, under other macros', () => {
    // Lines are cached across assemblies with the verdict "names no macro": a later assembly with
    // other macro names must not reuse it. The reference is nasm's bytes for the fixture.
    const dir = join(__dirname, '..', 'fixtures', 'nasm', 'asm');
    const file = join(dir, 'pp-plain-with-macros.asm');
    const text = readFileSync(file, 'utf8');
    const host = { readFile: () => undefined };
    // The same lines first with no macro defined at all, then under an unrelated macro.
    const bare = text.split('\n').filter((l) => !/^\s*%/.test(l)).join('\n');
    assemble({ file: '/p/bare.asm', text: bare, host });
    assemble({ file: '/p/other.asm', text: '%define UNRELATED 1\n' + bare, host });
    const r = assemble({ file, text, host });
    assert.deepEqual(Buffer.from(r.image ?? []), readFileSync(join(dir, 'pp-plain-with-macros.bin')));
  });
});

