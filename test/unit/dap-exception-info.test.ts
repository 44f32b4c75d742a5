// The adapter's exception error-code decoding (debug-adapter/src/exception-info.ts) against the
// SDM's layouts: page-fault codes (Vol. 3A §4.7, Figure 4-12) and selector error codes (§6.13,
// Figure 6-7), and the caller-frame names of the call stack.
import * as assert from 'node:assert/strict';
import { describeErrorCode, errorCodeFields, exceptionLines } from '../../debug-adapter/src/exception-info';
import { callerName } from '../../debug-adapter/src/stack';

const fields = (vector: number, code: number): [string, number][] => errorCodeFields(vector, code).map((f) => [f.name, f.value]);

describe('debug adapter: exception error codes', () => {
  it('decodes #PF codes bit by bit: P, W/R, U/S, RSVD, I/D', () => {
    // 0x7: a user-mode write to a present page it may not write (protection violation).
    assert.deepEqual(fields(14, 0x7), [['P', 1], ['W/R', 1], ['U/S', 1], ['RSVD', 0], ['I/D', 0]]);
    // 0x14: a user-mode instruction fetch from a not-present page.
    assert.deepEqual(fields(14, 0x14), [['P', 0], ['W/R', 0], ['U/S', 1], ['RSVD', 0], ['I/D', 1]]);
    assert.equal(describeErrorCode(14, 0x9), 'P=1 (protection violation), W/R=0 (read), U/S=0 (supervisor-mode access), RSVD=1 (reserved bit set in a paging entry), I/D=0 (data access)');
  });

  it('decodes selector error codes of #TS, #NP, #SS and #GP: EXT, IDT, TI, index', () => {
    // #GP loading selector 0x1233 (RPL 3 dropped): index 0x246 in the GDT.
    assert.deepEqual(fields(13, 0x1230), [['EXT', 0], ['IDT', 0], ['TI', 0], ['index', 0x246]]);
    // #NP for an LDT selector 0x000F: index 1, TI 1.
    assert.deepEqual(fields(11, 0x000c), [['EXT', 0], ['IDT', 0], ['TI', 1], ['index', 1]]);
    assert.match(describeErrorCode(11, 0x000c), /TI=1 \(LDT\), index=0x1 \(selector 0x000c\)$/);
    // #GP from INT 0x80 through a gate whose DPL is below CPL: IDT = 1, index = vector (0x80 << 3 | 2 = 0x402).
    assert.deepEqual(fields(13, 0x402), [['EXT', 0], ['IDT', 1], ['TI', 0], ['index', 0x80]]);
    assert.match(describeErrorCode(13, 0x402), /index=0x80 \(vector 0x80\)$/);
    // An external event (EXT = 1) delivered through a not-present IDT gate 0x21: #NP with 0x10b.
    assert.deepEqual(fields(11, 0x10b), [['EXT', 1], ['IDT', 1], ['TI', 0], ['index', 0x21]]);
    // Error code 0: the fault is not about a particular segment.
    assert.equal(describeErrorCode(13, 0), 'not related to a particular segment');
  });

  it('gives #DF and #AC (always 0) no fields', () => {
    assert.deepEqual(errorCodeFields(8, 0), []);
    assert.deepEqual(errorCodeFields(17, 0), []);
  });

  it('says CR2 only for #PF and where the handler was entered', () => {
    const base = { vm: 0, vcpu: 0, technique: 'native' as const, guestEip: 0x100010, virtualCpl: 0, realCpl: 0, instructions: 5, kind: 'exception' as const, type: 'fault' as const, handlerEip: 0x100200 };
    const pf = exceptionLines({ ...base, vector: 14, name: '#PF', errorCode: 2, qualification: 0x8000_0000, instruction: 'mov [eax],ebx' }, '0x00100010');
    assert.deepEqual(pf, [
      '#PF Page fault (vector 14, a fault) at 0x00100010: mov [eax],ebx',
      'error code 0x2: P=0 (page not present), W/R=1 (write), U/S=0 (supervisor-mode access), RSVD=0 (no reserved bit set), I/D=0 (data access)',
      'CR2 0x80000000 (the linear address that faulted)',
      'the instruction did not complete; the CPU entered the handler at 0x00100200',
    ]);
    const bp = exceptionLines({ ...base, vector: 3, name: '#BP', type: 'trap' }, 'x');
    assert.deepEqual(bp, ['#BP Breakpoint (vector 3, a trap) at x', 'reported after the instruction; the CPU entered the handler at 0x00100200']);
  });
});

describe('debug adapter: caller frame names', () => {
  it('drops the offset from the label a return address follows', () => {
    assert.equal(callerName('bump+0xb'), 'bump');
    assert.equal(callerName('start.again+0x6'), 'start.again');
    assert.equal(callerName('main'), 'main');
  });
});
