// Walks over an expression tree that loop instead of recursing: nasm takes expressions of up to
// 8,191 operators (its --limit-eval; measured with 2.16.01), deeper than a recursion fits in a
// stack below Node's default.

import type { Expr } from './expr';

type Leaf = Exclude<Expr, { k: 'un' } | { k: 'bin' }>;
type Unary = Extract<Expr, { k: 'un' }>;
type Binary = Extract<Expr, { k: 'bin' }>;

/** How foldExpr combines: a value for each leaf, then for each operator from its operands' values. */
export interface ExprFold<T> {
  leaf(e: Leaf): T;
  unary(e: Unary, a: T): T;
  binary(e: Binary, a: T, b: T): T;
}

/**
 * `root`'s value under `fold`, operands before their operator and left before right, as a recursion
 * would take them: by recursion down to RECURSION_DEPTH levels (nothing to allocate: the parser
 * asks this of every operand of every distinct line), below that in a loop over a stack of its own.
 */
export function foldExpr<T>(root: Expr, fold: ExprFold<T>): T {
  return foldNear(root, fold, RECURSION_DEPTH);
}

/** The levels foldExpr recurses through before it loops: few enough for any stack. */
const RECURSION_DEPTH = 32;

function foldNear<T>(e: Expr, fold: ExprFold<T>, depth: number): T {
  if (e.k !== 'un' && e.k !== 'bin') return fold.leaf(e);
  if (depth === 0) return foldLoop(e, fold);
  if (e.k === 'un') return fold.unary(e, foldNear(e.a, fold, depth - 1));
  const a = foldNear(e.a, fold, depth - 1);
  return fold.binary(e, a, foldNear(e.b, fold, depth - 1));
}

function foldLoop<T>(root: Unary | Binary, fold: ExprFold<T>): T {
  const nodes: Expr[] = [root];
  // (Whether the node at the same place in `nodes` has its operands pushed already.)
  const opened: boolean[] = [false];
  const values: T[] = [];
  while (nodes.length > 0) {
    const top = nodes.length - 1, e = nodes[top];
    if (e.k !== 'un' && e.k !== 'bin') {
      nodes.pop(); opened.pop();
      values.push(fold.leaf(e));
    } else if (!opened[top]) {
      opened[top] = true;
      if (e.k === 'bin') { nodes.push(e.b); opened.push(false); }
      nodes.push(e.a); opened.push(false);
    } else {
      nodes.pop(); opened.pop();
      if (e.k === 'un') values.push(fold.unary(e, values.pop() as T));
      else {
        const b = values.pop() as T, a = values.pop() as T;
        values.push(fold.binary(e, a, b));
      }
    }
  }
  return values[0];
}

/** The first leaf of `root`, left to right, that `test` takes: a name, a number, `$` or `$$`. */
export function firstLeaf(root: Expr, test: (e: Leaf) => boolean): Leaf | undefined {
  let pending: Expr[] | undefined;
  for (let e: Expr | undefined = root; e !== undefined; e = pending?.pop()) {
    if (e.k === 'un') (pending ??= []).push(e.a);
    else if (e.k === 'bin') (pending ??= []).push(e.b, e.a);
    else if (test(e)) return e;
  }
  return undefined;
}

/** Whether `root` holds a conditional, `c ? a : b`. */
export function holdsConditional(root: Expr): boolean {
  let pending: Expr[] | undefined;
  for (let e: Expr | undefined = root; e !== undefined; e = pending?.pop()) {
    if (e.k === 'bin' && e.op === '?') return true;
    if (e.k === 'un') (pending ??= []).push(e.a);
    else if (e.k === 'bin') (pending ??= []).push(e.b, e.a);
  }
  return false;
}
