// The `ringside` subcommands' names, apart from their code: the command line's entry (entry.ts)
// keeps a code cache for each without loading the commands themselves.

export const COMMAND_NAMES = ['asm', 'disasm', 'run'] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

export function isCommandName(word: string | undefined): word is CommandName {
  return (COMMAND_NAMES as readonly (string | undefined)[]).includes(word);
}
