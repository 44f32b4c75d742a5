// The block structure of a source from its text alone, so it is there while the file does not
// assemble: %macro, %rep, %if…%endif and each of its branches, struc/istruc, sections, runs of
// comment lines, `; region` … `; endregion`, and label blocks (a non-local label to the last code
// line before the next one).
// Folding shows them; selection ranges expand through them.

import { shapeLine, type WordClassifier } from './lineShape';
import { wordTable } from '../../../core/src/word-table';

export type BlockKind = 'macro' | 'rep' | 'if' | 'if-branch' | 'struc' | 'istruc' | 'section' | 'label' | 'comment' | 'region';

export interface Block {
  readonly kind: BlockKind;
  readonly startLine: number;
  /** Inclusive; always after startLine (a block of one line is only that line). */
  readonly endLine: number;
}

const OPENERS: Record<string, { close: string; kind: BlockKind }> = wordTable({
  '%macro': { close: '%endmacro', kind: 'macro' },
  '%imacro': { close: '%endmacro', kind: 'macro' },
  '%rmacro': { close: '%endmacro', kind: 'macro' },
  '%irmacro': { close: '%endmacro', kind: 'macro' },
  '%rep': { close: '%endrep', kind: 'rep' },
  struc: { close: 'endstruc', kind: 'struc' },
  istruc: { close: 'iend', kind: 'istruc' },
});
/** Deeper nesting than this is not tracked (hostile input must not grow the stack without bound). */
const MAX_DEPTH = 256;

/**
 * The region markers of syntaxes/language-configuration.json (`; region name`, `;#endregion`): a
 * client with a folding provider uses the provider's ranges instead, so they are given here too.
 */
const REGION_START = /^;\s*#?region\b/i;
const REGION_END = /^;\s*#?endregion\b/i;

interface Open {
  readonly close: string;
  readonly kind: BlockKind;
  /** First line of the block. */
  readonly start: number;
  /** First line of the current %if branch. */
  branch: number;
}

/** Every block of the lines, each closed one once, in the order they close (comment runs when they end). */
export function scanBlocks(lines: readonly string[], words: WordClassifier): Block[] {
  const out: Block[] = [];
  const stack: Open[] = [];
  /** First lines of the regions open, innermost last: an `endregion` closes the innermost. */
  const regions: number[] = [];
  let section: number | undefined;
  let label: number | undefined;
  let commentRun: number | undefined;
  let lastCode = -1;
  const emit = (kind: BlockKind, start: number | undefined, end: number) => {
    if (start !== undefined && end > start) out.push({ kind, startLine: start, endLine: end });
  };
  const open = (close: string, kind: BlockKind, line: number) => {
    if (stack.length < MAX_DEPTH) stack.push({ close, kind, start: line, branch: line });
  };
  const closeAt = (close: string, line: number) => {
    let i = stack.length - 1;
    while (i >= 0 && stack[i].close !== close) i--;
    if (i < 0) return;
    const b = stack[i];
    if (b.kind === 'if') emit('if-branch', b.branch, line);
    emit(b.kind, b.start, line);
    stack.length = i;
  };
  const n = lines.length;
  for (let line = 0; line < n; line++) {
    const text = lines[line];
    const trimmed = text.trimStart();
    const isComment = trimmed.startsWith(';');
    const regionStart = isComment && REGION_START.test(trimmed);
    const regionEnd = isComment && !regionStart && REGION_END.test(trimmed);
    // A marker is not part of a run of comments: the region folds from it, the run after it.
    if (isComment && !regionStart && !regionEnd) {
      commentRun ??= line;
    } else {
      if (commentRun !== undefined) emit('comment', commentRun, line - 1);
      commentRun = undefined;
    }
    if (regionStart && regions.length < MAX_DEPTH) regions.push(line);
    else if (regionEnd) emit('region', regions.pop(), line);
    if (isComment || trimmed.length === 0) continue;
    const shape = shapeLine(text, words);
    if (shape.preproc) {
      const name = shape.preproc.name;
      const opener = OPENERS[name];
      if (opener) open(opener.close, opener.kind, line);
      else if (name.startsWith('%if')) open('%endif', 'if', line);
      else if (name.startsWith('%elif') || name === '%else') {
        const top = stack[stack.length - 1];
        if (top?.close === '%endif') {
          emit('if-branch', top.branch, line - 1);
          top.branch = line;
        }
      // (`%endm` is nasm's other spelling of `%endmacro`.)
      } else if (name === '%endmacro' || name === '%endm' || name === '%endrep' || name === '%endif') closeAt(name === '%endm' ? '%endmacro' : name, line);
    } else {
      const word = (shape.mnemonic?.name ?? '').toLowerCase();
      if (word === 'struc' || word === 'istruc') open(OPENERS[word].close, OPENERS[word].kind, line);
      else if (word === 'endstruc' || word === 'iend') closeAt(word, line);
      else if (word === 'section' || word === 'segment') {
        emit('label', label, lastCode);
        label = undefined;
        emit('section', section, lastCode);
        section = line;
      }
      if (shape.label && !shape.label.name.startsWith('.') && !shape.label.name.startsWith('%') && word !== 'equ') {
        emit('label', label, lastCode);
        label = line;
      }
    }
    lastCode = line;
  }
  if (commentRun !== undefined) emit('comment', commentRun, n - 1);
  emit('label', label, lastCode);
  emit('section', section, lastCode);
  return out;
}
