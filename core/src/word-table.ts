// Tables looked up by words a user wrote (a source's directives and sizes, a debugger's register
// names, a request's command): a plain object literal would also answer for the names every
// JavaScript object has (`constructor`, `toString`, `__proto__`), and `align 4, constructor 1`
// was assembled, `ringside toString` died with a TypeError. These answer for their own entries only.

/** `entries` as a frozen table without a prototype. */
export function wordTable<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
