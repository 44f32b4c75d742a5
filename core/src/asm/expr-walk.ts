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
 * would take them, in a loop over a stack of its own.
 */
export function foldExpr<T>(root: Expr, fold: ExprFold<T>): T {
  if (root.k !== 'un' && root.k !== 'bin') return fold.leaf(root);
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
