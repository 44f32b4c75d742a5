// The command line "Run Guest" starts: `ringside run FILE -I DIR...` from the bundled CLI (see
// `ringside --help`), as arguments for the extension host's executable in Node mode. Pure.

export function ringsideRunArguments(cliPath: string, file: string, includePaths: readonly string[]): string[] {
  const args = [cliPath, 'run', file];
  for (const dir of includePaths) args.push('-I', dir);
  return args;
}
