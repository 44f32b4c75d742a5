// What a request's params must hold before a feature sees them (LSP 3.17 base types): malformed
// params are answered with InvalidParams and a message saying what is wrong, not an exception.

/** The parts of a request's params that are checked; a document URI is checked for every document request. */
export type ParamNeed = 'textDocument' | 'position' | 'range' | 'referenceContext' | 'codeActionContext' | 'newName' | 'previousResultId' | 'query' | 'label' | 'positions' | 'item' | 'files' | 'formattingOptions';

/** LSP `uinteger`: 0 to 2^31 - 1. */
const UINTEGER_MAX = 2 ** 31 - 1;

function isUinteger(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= UINTEGER_MAX;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function positionProblem(p: unknown, what: string): string | undefined {
  if (!isObject(p)) return `\`${what}\` must be a Position.`;
  if (!isUinteger(p.line) || !isUinteger(p.character)) return `\`${what}\` must have a \`line\` and a \`character\` that are uintegers (0 to ${UINTEGER_MAX}).`;
  return undefined;
}

function rangeProblem(r: unknown): string | undefined {
  if (!isObject(r)) return '`range` must be a Range.';
  const problem = positionProblem(r.start, 'range.start') ?? positionProblem(r.end, 'range.end');
  if (problem) return problem;
  const start = r.start as { line: number; character: number };
  const end = r.end as { line: number; character: number };
  if (start.line > end.line || (start.line === end.line && start.character > end.character)) return '`range.start` must not come after `range.end`.';
  return undefined;
}

function isDiagnostic(d: unknown): boolean {
  return isObject(d) && rangeProblem(d.range) === undefined && typeof d.message === 'string';
}

function needProblem(p: Record<string, unknown>, need: ParamNeed): string | undefined {
  switch (need) {
    case 'textDocument': return isObject(p.textDocument) && typeof p.textDocument.uri === 'string' ? undefined : '`textDocument.uri` must be a string.';
    case 'position': return positionProblem(p.position, 'position');
    case 'range': return rangeProblem(p.range);
    case 'referenceContext': return isObject(p.context) && typeof p.context.includeDeclaration === 'boolean' ? undefined : '`context.includeDeclaration` must be a boolean.';
    case 'codeActionContext': return isObject(p.context) && Array.isArray(p.context.diagnostics) && p.context.diagnostics.every(isDiagnostic) ? undefined : '`context.diagnostics` must be an array of Diagnostic (each with a range and a message).';
    case 'newName': return typeof p.newName === 'string' ? undefined : '`newName` must be a string.';
    case 'previousResultId': return typeof p.previousResultId === 'string' ? undefined : '`previousResultId` must be a string.';
    case 'query': return typeof p.query === 'string' ? undefined : '`query` must be a string.';
    case 'label': return typeof p.label === 'string' ? undefined : '`label` must be a string.';
    case 'formattingOptions': {
      const o = p.options;
      return isObject(o) && isUinteger(o.tabSize) && typeof o.insertSpaces === 'boolean' ? undefined : '`options` must be FormattingOptions (a uinteger `tabSize` and a boolean `insertSpaces`).';
    }
    case 'files': {
      const files = p.files;
      const ok = Array.isArray(files) && files.every((f) => isObject(f) && typeof f.oldUri === 'string' && typeof f.newUri === 'string');
      return ok ? undefined : '`files` must be an array of FileRename (each with an `oldUri` and a `newUri`).';
    }
    case 'item': {
      // A CallHierarchyItem as prepareCallHierarchy returned it (its `data` is checked where read).
      const item = p.item;
      if (!isObject(item) || typeof item.name !== 'string' || typeof item.uri !== 'string') return '`item` must be a CallHierarchyItem with a `name` and a `uri`.';
      return rangeProblem(item.range) === undefined && rangeProblem(item.selectionRange) === undefined ? undefined : '`item.range` and `item.selectionRange` must be Ranges.';
    }
    case 'positions': {
      if (!Array.isArray(p.positions)) return '`positions` must be an array of Position.';
      for (let i = 0; i < p.positions.length; i++) {
        const problem = positionProblem(p.positions[i], `positions[${i}]`);
        if (problem) return problem;
      }
      return undefined;
    }
  }
}

/** Why params do not have the parts a request needs, or undefined when they do. */
export function paramsProblem(params: unknown, needs: readonly ParamNeed[]): string | undefined {
  if (!isObject(params)) return 'The request needs params.';
  for (const need of needs) {
    const problem = needProblem(params, need);
    if (problem) return problem;
  }
  return undefined;
}
