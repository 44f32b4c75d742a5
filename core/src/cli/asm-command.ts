// `ringside asm`: assemble a file to a flat binary, optionally writing a nasm-style listing.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble, renderListing, renderMapFile } from '../asm/index';
import type { Diagnostic, ListingLine } from '../asm/api';
import type { MapFile } from '../asm/map-file';
import { resolveLimits, type ResolvedLimits } from '../asm/limits';
import { listedDespiteErrors } from '../asm/listing-errors';
import { preprocessOnly } from '../asm/preprocess-only';
import { commandLineWarnings } from '../asm/warning-switches';
import { encodeSource } from '../asm/source-encoding';
import { ReportedLines } from '../asm/reported-lines';
import { preprocess } from '../asm/preprocessor';
import { DiagnosticSink } from '../asm/diagnostics';
import { dependencyFiles, quoteForMake, quoteForWatcomMake, renderDependencies, type DependencyNames, type DependencyRequest } from './dependencies';
import { fileErrorReason, readInputFile } from './file-error';
import { nasmSourceText, readIncbinBytes, readSourceText } from '../host-files';
import { formatDiagnostic } from './format-diagnostic';
import { includeSearchPaths } from './include-paths';
import { parseAsmArgs, type AsmArgs, type MessageFormat } from './asm-options';
import { assemblerFlags, COMMAND_LINE } from './assembler-arguments';
import { asNasmPlaces } from './nasm-message-places';
import { asReported, includedFiles, nasmFileNames, nasmIncludeName } from './reported-places';
import { commandHelp, HELP, NASM_VERSION, VERSION, type Io } from './usage';

export function asmCommand(argv: readonly string[], io: Io): number {
  const args = parseAsmArgs(argv);
  // nasm: "NASM version 2.16.01", whatever else is on the line.
  if (args.help === true) { io.out(commandHelp('asm') ?? HELP); return 0; }
  if (args.version) { io.out(`Ringside version ${VERSION} (assembles as NASM version ${NASM_VERSION} -f bin)\n`); return 0; }
  // nasm reports its options' problems as it reads them, before it opens -Z's file: on standard
  // error, or on standard output once it has read -s (--limit-X's in its first reading of the
  // options, -w's in its second); then it stops on an error among them (measured).
  const early = (i: number): ((text: string) => void) => (args.stdoutFrom !== undefined && i >= args.stdoutFrom ? io.out : io.err);
  // (`ringside : warning:` in -X vc's shape, as nasm's `nasm : warning:`, once -X vc has been read: -w's are read after every -X.)
  args.optionWarnings.forEach((w, i) => early(i)(`${programPlace(args.optionWarningFormats[i])} warning: ${w}\n`));
  const optionProblems = commandLineWarnings(args.warnings);
  for (const p of optionProblems) early(Infinity)(`${programPlace(args.messageFormat)} ${p.verdict === 'error' ? `error: ${p.message} [-w+error=${p.warningClass}]` : `warning: ${p.message} [-w+${p.warningClass}]`}\n`);
  const messages = messageStream(args, io);
  if (messages === undefined) return 1;
  if (optionProblems.some((p) => p.verdict === 'error')) { messages.close(); return 1; }
  try {
    return assembleFile(args, { out: io.out, err: messages.write });
  } finally {
    messages.close();
  }
}

/**
 * Where messages go: standard error, standard output (-s) or the file -Z names, created even when
 * no message comes (measured). nasm: "a.asm: fatal: cannot open file `nodir/z' for error messages".
 */
function messageStream(args: AsmArgs, io: Io): { write: (text: string) => void; close: () => void } | undefined {
  const to = args.messagesTo;
  if (to === undefined) return { write: io.err, close: () => {} };
  if (to === 'stdout') return { write: io.out, close: () => {} };
  let fd: number;
  try { fd = fs.openSync(to.file, 'w'); } catch {
    io.err(`${fileLevel(args)} error: cannot open file \`${to.file}' for error messages\n`);
    return undefined;
  }
  return { write: (text) => { fs.writeSync(fd, encodeSource(text)); }, close: () => fs.closeSync(fd) };
}

function assembleFile(args: AsmArgs, io: Io): number {
  const file = path.resolve(args.file);
  const readFile = readSourceText;
  const readBinary = readIncbinBytes;
  // (With -X, in nasm's words and shape: "nasm: fatal: unable to open input file `a.asm' No such file or directory", measured.)
  const input = args.messageFormat === 'ringside'
    ? readInputFile(args.file, io.err)
    : readInputFile(args.file, io.err, (name, reason) => `${programPlace(args.messageFormat)} fatal: unable to open input file \`${name}' ${reason}\n`);
  if (input === undefined) { removeOutput(args); return 1; }
  const text = nasmSourceText(input);
  const cwd = process.cwd();
  const includePaths = searchPaths(args);
  const depend = args.depend?.only === true || args.depend?.alsoAssemble === true ? args.depend : undefined;
  // (`-M` wins over `-E`, as in nasm, whose -M sets its mode where -E and -MD add to it.)
  if (depend?.only === true) return dependenciesCommand(args, depend, file, text, readFile, io);
  if (args.preprocessOnly) return preprocessCommand(args, file, text, readFile, includePaths, io, depend);
  const outFile = outputName(args);
  if (!openOutput(args, outFile, 'error', io)) return 1;
  const result = assemble({ file, text, host: { readFile, readBinary }, ...assemblerFlags(args, includePaths), workingDirectory: cwd, fileName: nasmFileNames(file, args.file, args.includes, cwd) });
  const reported = new ReportedLines(result.lineDirectives);
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const shaped = nasmShaper(args);
  // nasm: "a.asm: fatal: unable to open output file `nodir/a.bin'", exit 1.
  const write = (what: string, target: string, data: Uint8Array | string): boolean => {
    try { fs.writeFileSync(target, typeof data === 'string' ? encodeSource(data) : data); return true; } catch (e) {
      io.err(`${fileLevel(args)} error: unable to open ${what} file \`${target}': ${fileErrorReason(e)}\n`);
      return false;
    }
  };
  // nasm opens the listing as its final pass begins, so a listing it cannot open is said before
  // that pass's messages, and is an error: the output is removed, exit 1 (measured with nasm
  // 2.16.01: "a.asm: error: unable to open listing file `nodir/a.lst'", then the warnings).
  let listed = true;
  if (args.list) {
    if (errors > 0) listingOfFailure(args.list, result.diagnostics, () => result.listing, write);
    else listed = write('listing', args.list, renderListing(result.listing));
  }
  const named = includedFiles(nasmFileNames(file, args.file, args.includes, cwd), result.includes);
  for (const d of result.printedMessages) io.err(formatDiagnostic(asReported(shaped(d), reported, named), args.messageFormat));
  if (errors > 0 || !listed) {
    removeOutput(args);
    return 1;
  }
  if (!write('output', outFile, result.image)) return 1;
  if (result.map) writeMap(result.map, args, outFile, io);
  if (depend === undefined) return 0;
  // The dependencies come from the preprocessor alone: it runs again, only for -MD.
  const pp = preprocess({ file, text, readFile, includePaths, defines: args.defines, limits: readingLimits(args), recordDependencies: true }, new DiagnosticSink());
  return writeDependencies(args, depend, dependencyFiles(pp, dependencyNames(args)), outFile, io);
}

/**
 * `-l FILE` after errors, as nasm 2.16.01 does (measured): the listing, its errors among its lines,
 * when they were all of nasm's final pass (listing-errors.ts); else no listing, and a FILE there
 * from before is removed (measured: nasm removes it).
 */
function listingOfFailure(file: string, diagnostics: readonly Diagnostic[], listing: () => readonly ListingLine[], write: (what: string, target: string, data: string) => boolean): void {
  if (listedDespiteErrors(diagnostics, listing)) write('listing', file, renderListing(listing()));
  else removeLeftover(file);
}

/**
 * Removes a file an earlier build left, as nasm does after errors; but only a file or a symbolic
 * link: nasm run as root removed /dev/null given as `-o /dev/null` (remove(3) unlinks any name),
 * and so did Ringside, which broke every later write to /dev/null on the machine. A device, FIFO
 * or socket was never the build's, and a directory cannot be removed either.
 */
function removeLeftover(file: string): void {
  try {
    const kind = fs.lstatSync(file);
    if (kind.isFile() || kind.isSymbolicLink()) fs.rmSync(file, { force: true });
  } catch { // (none there, or it cannot be removed)
  }
}

/**
 * With -X, each message placed as nasm places it: one from the lines run before the source (or a
 * file they include) at FILE with no line (measured: "ok.asm: warning: ..."), one from a macro as
 * asNasmPlaces says; else as it is. The source lines asNasmPlaces reads are read once per file
 * (a message on each line of a long file read it once per message: 4,000 refused lines took 45 s).
 */
function nasmShaper(args: AsmArgs): (d: Diagnostic) => Diagnostic {
  const files = new Map<string, string[] | undefined>();
  const lineText = (file: string, line: number): string | undefined => {
    if (!files.has(file)) {
      let lines: string[] | undefined;
      try { lines = nasmSourceText(fs.readFileSync(file)).split('\n'); } catch { lines = undefined; }
      files.set(file, lines);
    }
    return files.get(file)?.[line];
  };
  return (d) => {
    if (args.messageFormat === 'ringside') return d;
    if (args.preludeNeeded && [d.range, ...d.expansion ?? []].some((r) => r.file === COMMAND_LINE)) {
      const nowhere = { line: -1, col: 0 };
      return { ...d, range: { file: path.resolve(args.file), start: nowhere, end: nowhere }, expansion: undefined, related: undefined };
    }
    if (d.expansion === undefined || d.expansion.length === 0) return d;
    return asNasmPlaces(d, lineText);
  };
}

/**
 * The limits of a pass that reads the source without assembling it (-E, -M and -MD's list):
 * nasm counts the lines it assembles for --limit-lines, so those read on (measured with nasm
 * 2.16.01: -E and -M with --limit-lines=2 print every line, exit 0).
 */
function readingLimits(args: AsmArgs): ResolvedLimits {
  return resolveLimits({ ...args.limits, lines: Infinity });
}

/**
 * nasm opens its output (-o's, or -E's with -o) before it reads a line of the source, so one it
 * cannot open is its one message (measured with nasm 2.16.01: "a.asm: fatal: unable to open output
 * file `nodir/a.bin'", with no warning or error of the source before or after it, exit 1). Whether
 * `target` could be opened; it is then there, empty, as nasm's is, until the bytes come.
 */
function openOutput(args: AsmArgs, target: string, severity: 'error' | 'fatal', io: Io): boolean {
  try { fs.closeSync(fs.openSync(target, 'w')); return true; } catch (e) {
    io.err(`${fileLevel(args)} ${severity}: unable to open output file \`${target}': ${fileErrorReason(e)}\n`);
    return false;
  }
}

/** Where a message of the program's own says it is: `ringside:`, or `ringside :` in -X vc's shape (nasm's `nasm :`). */
function programPlace(format: MessageFormat): string {
  return format === 'vc' ? 'ringside :' : 'ringside:';
}

/**
 * Where a message about FILE as a whole says it is: `a.asm:`, or `a.asm :` in -X vc's shape (measured
 * with nasm 2.16.01: "a.asm : error: unable to open listing file `x.lst'").
 */
function fileLevel(args: AsmArgs): string {
  return args.messageFormat === 'vc' ? `${args.file} :` : `${args.file}:`;
}

/**
 * After errors nasm removes its output file, so that none from before is left for `make` to take
 * for new (measured with nasm 2.16.01: an error, a `%fatal`, an input file it cannot read; `-E`'s
 * OUT too; `-M` writes none and leaves it).
 */
function removeOutput(args: AsmArgs): void {
  if (args.depend?.only === true) return;
  const out = args.preprocessOnly ? args.out : outputName(args);
  if (out === undefined) return;
  removeLeftover(out);
}

/** The file `asm` writes: OUT, else FILE with `.bin` for its extension (FILE.bin when that is FILE). */
function outputName(args: AsmArgs): string {
  const out = args.out ?? args.file.replace(/\.[^./\\]*$/, '') + '.bin';
  return out === args.file ? `${out}.bin` : out;
}

/**
 * Diagnostics nasm's `-M` pass does not give: a missing `%include` is a dependency to list, a file
 * that includes itself until no file can be opened is listed once (nasm's dependency pass opens
 * them as optional), and `%error`/`%warning` speak only in a pass that assembles (measured with
 * nasm 2.16.01: `-M` of a file whose only line includes itself is `a : a.asm`, exit 0).
 */
const NOT_IN_DEPENDENCY_PASS: ReadonlySet<string> = new Set(['missing-include', 'include-cycle', 'user-error', 'user-warning']);

/**
 * `-M`/`-MG`: the dependencies alone, from the preprocessor, to standard output or `-MF FILE`.
 * nasm's messages of that pass come first; after an error (or a `%fatal`) nothing is written, exit 1.
 * With `-MG` nasm searches its working directory alone (a file found only elsewhere is one to be
 * generated, named as written), so Ringside's own last place, FILE's directory, is left out too.
 */
function dependenciesCommand(args: AsmArgs, request: DependencyRequest, file: string, text: string, readFile: (p: string) => string | undefined, io: Io): number {
  const cwd = process.cwd();
  const searched = request.missingOk ? { ...args, includes: [] } : args;
  const result = preprocessOnly({
    file, text, readFile, workingDirectory: cwd, includePaths: searchPaths(searched, request.missingOk), defines: args.defines,
    warnings: args.warnings, limits: readingLimits(args), recordDependencies: true,
    nameOf: nasmFileNames(file, args.file, searched.includes, cwd),
  });
  const files = dependencyFiles(result.pp, dependencyNames(searched, request.missingOk));
  const reported = new ReportedLines(result.pp.reported.directives);
  let errors = 0;
  const shaped = nasmShaper(args);
  const named = includedFiles(nasmFileNames(file, args.file, searched.includes, cwd), result.pp.includes);
  for (const d of result.printedMessages) {
    if (NOT_IN_DEPENDENCY_PASS.has(d.code)) continue;
    if (d.severity === 'error') errors++;
    io.err(formatDiagnostic(asReported(shaped(d), reported, named), args.messageFormat));
  }
  if (errors > 0) return 1;
  return writeDependencies(args, request, files, outputName(args), io);
}

/** The places searched after the working directory: `args`'s -I directories, then FILE's (not for `-MG`: see dependenciesCommand). */
function searchPaths(args: AsmArgs, missingOk = false): string[] {
  const includes = args.includes.map((d) => path.resolve(d));
  return missingOk ? includes : includeSearchPaths(includes, path.resolve(args.file));
}

/** Where the dependencies' files are and how nasm names them (nasmIncludeName), for `args`'s -I directories. */
function dependencyNames(args: AsmArgs, missingOk = false): DependencyNames {
  const cwd = process.cwd();
  return {
    mainFile: path.resolve(args.file), mainName: args.file, workingDirectory: cwd, searchPaths: searchPaths(args, missingOk),
    nameOf: (f, written) => nasmIncludeName(f, written, args.includes, cwd),
  };
}

/**
 * Writes the dependency rule (dependencies.ts) for `files`. Its target is `-MT`'s
 * (as written), `-MQ`'s (quoted), else the output file's name, quoted; nasm -E without -o has no
 * output name and prints `(null)`. It goes to `-MF`/`-MD`'s file, else with -MD to OUT.d when -o
 * was given and FILE.d (FILE's extension replaced) when not, else to standard output (measured).
 */
function writeDependencies(args: AsmArgs, request: DependencyRequest, files: readonly string[], output: string | undefined, io: Io): number {
  const quote = request.watcom ? quoteForWatcomMake : quoteForMake;
  const t = request.target;
  const target = t === undefined ? (output === undefined ? '(null)' : quote(output)) : t.quoted ? quote(t.name) : t.name;
  const text = renderDependencies(target, files, request);
  const to = request.file ?? (request.only ? undefined : args.out !== undefined ? `${args.out}.d` : args.file.replace(/\.[^./\\]*$/, '') + '.d');
  if (to === undefined || to === '-') { io.out(text); return 0; }
  try { fs.writeFileSync(to, encodeSource(text)); } catch {
    io.err(`${fileLevel(args)} error: unable to write dependency file \`${to}'\n`);
    return 1;
  }
  return 0;
}

/**
 * `-E`: the preprocessed source to standard output or `-o OUT`, as `nasm -E` prints it, and the
 * preprocessor's messages. nasm prints every line even after an error (exit 1, and an OUT it
 * wrote is removed); a fatal error stops it where it is (measured with nasm 2.16.01).
 */
function preprocessCommand(args: AsmArgs, file: string, text: string, readFile: (p: string) => string | undefined, includePaths: string[], io: Io, depend: DependencyRequest | undefined): number {
  if (args.out !== undefined && !openOutput(args, args.out, 'fatal', io)) return 1;
  const cwd = process.cwd();
  const result = preprocessOnly({
    file, text, readFile, workingDirectory: cwd, includePaths, defines: args.defines, warnings: args.warnings, limits: readingLimits(args), recordDependencies: depend !== undefined,
    nameOf: nasmFileNames(file, args.file, args.includes, cwd),
  });
  const reported = new ReportedLines(result.pp.reported.directives);
  const shaped = nasmShaper(args);
  const named = includedFiles(nasmFileNames(file, args.file, args.includes, cwd), result.pp.includes);
  for (const d of result.printedMessages) io.err(formatDiagnostic(asReported(shaped(d), reported, named), args.messageFormat));
  if (args.out === undefined) io.out(result.text);
  else if (result.errors === 0) {
    try { fs.writeFileSync(args.out, encodeSource(result.text)); } catch (e) {
      io.err(`${fileLevel(args)} fatal: unable to open output file \`${args.out}': ${fileErrorReason(e)}\n`);
      return 1;
    }
  }
  if (result.errors > 0) { removeOutput(args); return 1; }
  // (-E with -MD: the dependencies after the text; nasm's output name is -o's alone.)
  return depend === undefined ? 0 : writeDependencies(args, depend, dependencyFiles(result.pp, dependencyNames(args)), args.out, io);
}

/**
 * Writes the `[map]` file (NASM manual §8.1.4) after the output, as nasm does: to standard output
 * or error, or to the file named, relative to the working directory. nasm 2.16 says nothing when
 * it cannot open the file (measured); a warning here says why there is none.
 */
function writeMap(map: MapFile, args: AsmArgs, outputFile: string, io: Io): void {
  const text = renderMapFile(map, args.file, outputFile);
  const target = map.request.target;
  if (target === 'stdout') io.out(text);
  else if (target === 'stderr') io.err(text);
  else {
    try { fs.writeFileSync(target, encodeSource(text)); } catch (e) {
      io.err(`${fileLevel(args)} warning: unable to open map file \`${target}': ${fileErrorReason(e)}\n`);
    }
  }
}
