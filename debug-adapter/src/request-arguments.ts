// The shapes of the request arguments the handlers read, as the DAP schema gives them
// (../shared/spec/debugAdapterProtocol.json, `*Arguments`): a request whose arguments do not fit is
// refused with a message naming the field, before a handler could read `undefined.length`.
// Only the fields the handlers use are listed; a name ending in `?` is optional.

import { wordTable } from '../../core/src/word-table';

/**
 * A scalar, an object with these `fields`, or an array of objects with these fields (`items`). A
 * `count` is an integer that counts or indexes something (a start, a number of levels, variables,
 * bytes, instructions): below 0 it asks for nothing that exists.
 */
export type Shape = 'string' | 'integer' | 'count' | 'boolean' | 'object' | 'string[]' | { readonly fields: Fields } | { readonly items: Fields };
export type Fields = Readonly<Record<string, Shape>>;

const BREAKPOINT_COMMON: Fields = { 'condition?': 'string', 'hitCondition?': 'string' };
/** The thread a run command or a question about a stopped thread names. */
const THREAD: Fields = { threadId: 'integer' };
const SOURCE: Shape = { fields: { 'path?': 'string' } };

export const ARGUMENTS: Readonly<Record<string, Fields>> = wordTable<Fields>({
  initialize: { adapterID: 'string' },
  setBreakpoints: { source: SOURCE, 'breakpoints?': { items: { line: 'integer', ...BREAKPOINT_COMMON, 'logMessage?': 'string' } } },
  setFunctionBreakpoints: { breakpoints: { items: { name: 'string', ...BREAKPOINT_COMMON } } },
  setInstructionBreakpoints: { breakpoints: { items: { instructionReference: 'string', 'offset?': 'integer', ...BREAKPOINT_COMMON } } },
  setExceptionBreakpoints: { filters: 'string[]', 'filterOptions?': { items: { filterId: 'string', 'condition?': 'string' } } },
  dataBreakpointInfo: { name: 'string', 'variablesReference?': 'integer', 'bytes?': 'integer', 'asAddress?': 'boolean' },
  setDataBreakpoints: { breakpoints: { items: { dataId: 'string', 'accessType?': 'string', ...BREAKPOINT_COMMON } } },
  continue: THREAD,
  next: { ...THREAD, 'granularity?': 'string' },
  stepIn: { ...THREAD, 'granularity?': 'string' },
  stepOut: THREAD,
  pause: THREAD,
  goto: { ...THREAD, targetId: 'integer' },
  gotoTargets: { source: SOURCE, line: 'integer' },
  stackTrace: { ...THREAD, 'startFrame?': 'count', 'levels?': 'count' },
  exceptionInfo: THREAD,
  scopes: { frameId: 'integer' },
  variables: { variablesReference: 'integer', 'start?': 'count', 'count?': 'count', 'format?': 'object' },
  setVariable: { variablesReference: 'integer', name: 'string', value: 'string', 'format?': 'object' },
  setExpression: { expression: 'string', value: 'string', 'frameId?': 'integer', 'format?': 'object' },
  source: { 'source?': SOURCE, sourceReference: 'integer' },
  evaluate: { expression: 'string', 'context?': 'string', 'format?': 'object' },
  completions: { text: 'string', column: 'integer', 'line?': 'integer' },
  readMemory: { memoryReference: 'string', 'offset?': 'integer', count: 'count' },
  writeMemory: { memoryReference: 'string', 'offset?': 'integer', data: 'string', 'allowPartial?': 'boolean' },
  disassemble: { memoryReference: 'string', 'offset?': 'integer', 'instructionOffset?': 'integer', instructionCount: 'count', 'resolveSymbols?': 'boolean' },
});

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fits(value: unknown, shape: Extract<Shape, string>): boolean {
  switch (shape) {
    case 'string': return typeof value === 'string';
    case 'integer': return Number.isSafeInteger(value);
    case 'count': return Number.isSafeInteger(value) && (value as number) >= 0;
    case 'boolean': return typeof value === 'boolean';
    case 'object': return isRecord(value);
    case 'string[]': return Array.isArray(value) && value.every((s) => typeof s === 'string');
  }
}

const DESCRIPTIONS = { string: 'a string', integer: 'an integer', count: 'an integer 0 or more', boolean: 'a boolean', object: 'an object', 'string[]': 'an array of strings' } as const;

/** Why `args` do not fit `command`'s arguments, or undefined when they do (or the command is not listed). */
export function argumentProblem(command: string, args: unknown): string | undefined {
  const fields = ARGUMENTS[command];
  if (fields === undefined) return undefined;
  return check(`${command} arguments`, fields, args);
}

function check(where: string, fields: Fields, value: unknown): string | undefined {
  if (!isRecord(value)) return `${where} must be an object`;
  for (const [key, shape] of Object.entries(fields)) {
    const optional = key.endsWith('?');
    const name = optional ? key.slice(0, -1) : key;
    const v = value[name];
    if (v === undefined && optional) continue;
    if (typeof shape === 'string') {
      if (!fits(v, shape)) return `\`${name}' in ${where} must be ${DESCRIPTIONS[shape]}`;
    } else if ('fields' in shape) {
      const p = check(`\`${name}' in ${where}`, shape.fields, v);
      if (p !== undefined) return p;
    } else {
      if (!Array.isArray(v)) return `\`${name}' in ${where} must be an array of objects`;
      for (const [i, item] of v.entries()) {
        const p = check(`${name}[${i}]`, shape.items, item);
        if (p !== undefined) return p;
      }
    }
  }
  return undefined;
}
