// Entry of `dist/cli.js`, the `ringside` command: loads the command line's bundle
// (dist/cli-main.js, main.ts) through a V8 code cache (core/src/startup/codeCache.ts), one for
// each subcommand, so that a command run again neither parses nor compiles the bundle's code
// again (the figures are in docs/benchmarks.md). The cache lives in the platform's per-user cache
// folder, another with RINGSIDE_CODE_CACHE=DIR, none with RINGSIDE_CODE_CACHE=off.

import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { chooseCacheFolder, commandLineCacheArguments, loadBundle } from '../startup/codeCache';
import { isCommandName } from './command-names';

// A one-shot assembly keeps nearly everything it allocates (each distinct line's tokens and parse)
// until the process ends. V8 notices and, part-way through a large file, switches the object
// literals that make them to old-space allocation ("allocation-site pretenuring"); each switch
// throws away every optimized function that inlined one of them, twice in a 100k-line file, and
// the run goes on in unoptimized code until they are compiled again (seen with
// --trace-deopt-verbose: "marking dependent code ... code dependencies"). Without it, files of
// 50k-100k lines assemble in 10-25% less time (docs/benchmarks.md). The flag changes where objects
// are allocated, never what the program computes. It is set before the bundle loads, for every
// command: V8 refuses a code cache made under other flags.
setFlagsFromString('--no-allocation-site-pretenuring');

// (Help, a version or a mistyped command runs with none.)
const command = process.argv[2];
const folder = isCommandName(command) ? chooseCacheFolder(commandLineCacheArguments(process.env)).folder : undefined;
const cli = loadBundle<typeof import('./main')>(join(__dirname, 'cli-main.js'), folder, `cli-main.js@${command}`);
// (Written once, when no cache could be used: at exit, when the command's code has run. It says
// nothing: the command's output is the user's.)
process.once('exit', () => { cli.keep(); });
cli.exports.mainOfProcess();
