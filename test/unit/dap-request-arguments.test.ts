// The adapter's check of request arguments (debug-adapter/src/request-arguments.ts) against the
// DAP schema (../shared/spec/debugAdapterProtocol.json): every field it lists has the schema's type
// and is required exactly when the schema requires it; arguments of the wrong shape, which
// scripts/fuzz-dap.mjs found reaching the handlers as `undefined.length`, are refused by name.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ARGUMENTS, argumentProblem, type Fields } from '../../debug-adapter/src/request-arguments';
import { RingsideDebugSession } from '../../debug-adapter/src/session';

interface SchemaObject { type?: string; $ref?: string; items?: SchemaObject; properties?: Record<string, SchemaObject>; required?: string[]; allOf?: SchemaObject[] }
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'shared', 'spec', 'debugAdapterProtocol.json'), 'utf8')) as { definitions: Record<string, SchemaObject> };
const resolve = (s: SchemaObject): SchemaObject => (s.$ref !== undefined ? schema.definitions[s.$ref.split('/').pop() ?? ''] : s);
/** A command's arguments in the schema: `XArguments`, or `XRequestArguments` for a few (initialize, runInTerminal). */
const argumentsOf = (command: string): SchemaObject | undefined => {
  const name = command.charAt(0).toUpperCase() + command.slice(1);
  return schema.definitions[`${name}Arguments`] ?? schema.definitions[`${name}RequestArguments`];
};

/** Compares a table entry with the schema object it describes. */
function compare(where: string, fields: Fields, object: SchemaObject): void {
  for (const [key, shape] of Object.entries(fields)) {
    const optional = key.endsWith('?');
    const name = optional ? key.slice(0, -1) : key;
    const property = object.properties?.[name];
    assert.ok(property !== undefined, `${where}.${name} is not in the schema`);
    assert.equal(optional, !(object.required ?? []).includes(name), `${where}.${name}: required as in the schema`);
    const p = resolve(property);
    if (typeof shape === 'string') {
      const expected = shape === 'string[]' ? 'array' : shape === 'count' ? 'integer' : shape;
      assert.equal(p.type, expected, `${where}.${name}: type`);
      if (shape === 'string[]') assert.equal(p.items?.type, 'string', `${where}.${name}: items`);
    } else if ('fields' in shape) {
      assert.equal(p.type, 'object', `${where}.${name}: an object`);
      compare(`${where}.${name}`, shape.fields, p);
    } else {
      assert.equal(p.type, 'array', `${where}.${name}: an array`);
      compare(`${where}.${name}[]`, shape.items, resolve(p.items ?? {}));
    }
  }
}

describe('debug adapter: request arguments checked against the DAP schema', () => {
  it('lists each field with the schema\'s type and requiredness', () => {
    for (const [command, fields] of Object.entries(ARGUMENTS)) {
      const definition = argumentsOf(command);
      assert.ok(definition !== undefined, `${command} has no Arguments in the schema`);
      compare(command, fields, definition);
    }
  });

  it('checks every field the schema requires of each request the session answers (threadId included)', () => {
    // The requests the session answers itself: its own `xxxRequest` handlers (the library spells some `BreakPoints`).
    const handlers = Object.getOwnPropertyNames(RingsideDebugSession.prototype).filter((n) => /^[a-z]\w*Request$/.test(n) && n !== 'dispatchRequest');
    const commands = handlers.map((n) => n.slice(0, -'Request'.length).replace('BreakPoints', 'Breakpoints'));
    assert.ok(commands.includes('stackTrace') && commands.includes('setBreakpoints'), commands.join());
    // Those answered with "not supported" whatever their arguments (their capabilities are not announced).
    const refused = new Set(['breakpointLocations', 'stepInTargets', 'stepBack', 'reverseContinue', 'restartFrame', 'terminateThreads', 'attach']);
    for (const command of commands.filter((c) => !refused.has(c))) {
      const definition = argumentsOf(command);
      for (const name of definition?.required ?? []) {
        assert.ok(name in (ARGUMENTS[command] ?? {}), `${command}: \`${name}' (required by the schema) is not checked`);
      }
    }
    assert.equal(argumentProblem('stackTrace', {}), '`threadId\' in stackTrace arguments must be an integer');
    assert.equal(argumentProblem('continue', { threadId: '1' }), '`threadId\' in continue arguments must be an integer');
  });

  it('refuses a negative start, count or number of levels, which asks for nothing that exists', () => {
    // VariablesArguments.start: "The index of the first variable to return"; count: "The number of variables to return";
    // StackTraceArguments.startFrame: "The index of the first frame to return"; ReadMemoryArguments.count: "Number of bytes to read".
    const described = (command: string, field: string): string => (argumentsOf(command)?.properties?.[field] as { description?: string } | undefined)?.description ?? '';
    assert.match(described('variables', 'start'), /index of the first variable/);
    assert.match(described('stackTrace', 'startFrame'), /index of the first frame/);
    assert.equal(argumentProblem('variables', { variablesReference: 1000, start: -3, count: 2 }), '`start\' in variables arguments must be an integer 0 or more');
    assert.equal(argumentProblem('variables', { variablesReference: 1000, count: -1 }), '`count\' in variables arguments must be an integer 0 or more');
    assert.equal(argumentProblem('stackTrace', { threadId: 1, startFrame: -1 }), '`startFrame\' in stackTrace arguments must be an integer 0 or more');
    assert.equal(argumentProblem('stackTrace', { threadId: 1, levels: -5 }), '`levels\' in stackTrace arguments must be an integer 0 or more');
    assert.equal(argumentProblem('readMemory', { memoryReference: '0x0', count: -1 }), '`count\' in readMemory arguments must be an integer 0 or more');
    assert.equal(argumentProblem('disassemble', { memoryReference: '0x0', instructionCount: -1 }), '`instructionCount\' in disassemble arguments must be an integer 0 or more');
    // 0 asks for none (levels 0: all of them, as the schema says) and is answered.
    assert.equal(argumentProblem('stackTrace', { threadId: 1, startFrame: 0, levels: 0 }), undefined);
    assert.equal(argumentProblem('readMemory', { memoryReference: '0x0', count: 0 }), undefined);
  });

  it('refuses, by field, the ill-typed arguments the fuzzer sent', () => {
    assert.equal(argumentProblem('evaluate', { filters: null }), '`expression\' in evaluate arguments must be a string');
    assert.equal(argumentProblem('setFunctionBreakpoints', {}), '`breakpoints\' in setFunctionBreakpoints arguments must be an array of objects');
    assert.equal(argumentProblem('setDataBreakpoints', { breakpoints: [null] }), 'breakpoints[0] must be an object');
    assert.equal(argumentProblem('setExceptionBreakpoints', { filters: ['gp', 5] }), '`filters\' in setExceptionBreakpoints arguments must be an array of strings');
    assert.equal(argumentProblem('gotoTargets', { source: { path: 5 }, line: 1 }), '`path\' in `source\' in gotoTargets arguments must be a string');
    assert.equal(argumentProblem('readMemory', { memoryReference: '0x0', count: 'x' }), '`count\' in readMemory arguments must be an integer 0 or more');
    assert.equal(argumentProblem('variables', undefined), 'variables arguments must be an object');
    assert.equal(argumentProblem('setBreakpoints', { source: {}, breakpoints: [{ line: 1.5 }] }), '`line\' in breakpoints[0] must be an integer');
  });

  it('lets well-formed arguments and unlisted commands through', () => {
    assert.equal(argumentProblem('setBreakpoints', { source: { path: '/a.gasm' }, breakpoints: [{ line: 3, condition: 'eax == 1', logMessage: '{eax}' }] }), undefined);
    assert.equal(argumentProblem('disassemble', { memoryReference: '0x100000', instructionOffset: -10, instructionCount: 20 }), undefined);
    assert.equal(argumentProblem('setExceptionBreakpoints', { filters: [], filterOptions: [{ filterId: 'pf', condition: 'cr2 == 0' }] }), undefined);
    assert.equal(argumentProblem('threads', undefined), undefined);
    assert.equal(argumentProblem('launch', { program: 5 }), undefined);
  });
});
