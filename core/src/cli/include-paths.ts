// Where the CLI's %include and incbin look for a relative name, after FILE's directory.

/**
 * The -I directories in order, then the working directory. nasm 2.16 looks in its working
 * directory first and in FILE's directory not at all, so a project built from its top directory
 * (`nasm -f bin boot/boot.asm` with `%include "boot/gdt.asm"`) finds its files there; looking there
 * last keeps FILE's directory first, as in the editor, and finds every file nasm finds.
 */
export function includeSearchPaths(includes: readonly string[], cwd: string): string[] {
  return [...includes, cwd];
}
