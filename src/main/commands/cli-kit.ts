import { Command, CommanderError, InvalidArgumentError } from 'commander';

/** Writes one line (the newline is added). */
export type Out = (line: string) => void;

/** Where a command writes: results on `out` (stdout), diagnostics and progress on `err` (stderr). */
export interface Io {
  readonly out: Out;
  readonly err: Out;
}

/** One parse of the command line: where it writes, and the exit code its action decided. */
export interface Cli {
  readonly io: Io;
  code: number;
}

/** Gives a command its dependencies for the length of one call and closes them afterwards (the CLI composes only here). */
export type Using<D> = <T>(use: (deps: D) => Promise<T>) => Promise<T>;

/** The same dependencies for every call: what tests and embedders pass. */
export const given =
  <D>(deps: D): Using<D> =>
  (use) =>
    use(deps);

export const HELP_HINT = '(run with --help for usage)';

/**
 * A root command whose subcommands (made with `.command()`, which copies these settings) write
 * through `io` and throw instead of exiting, so `runCli` owns the exit code.
 */
export const rootCommand = (name: string, io: Io): Command =>
  new Command(name)
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.replace(/\n$/, '')), writeErr: (text) => io.err(text.replace(/\n$/, '')) })
    .showHelpAfterError(HELP_HINT);

/**
 * Parses `argv` (the user's arguments, no node or script path) and runs the chosen action.
 * Exit codes: help and version 0, a usage error 2, otherwise what the action decided.
 * Anything else an action throws is the caller's to report.
 */
export const runCli = async (program: Command, cli: Cli, argv: readonly string[]): Promise<number> => {
  try {
    await program.parseAsync(argv, { from: 'user' });
    return cli.code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
};

/** An option argument that must be a time: its ISO-8601 form, or a usage error naming the option. */
export const isoTime = (value: string): string => {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidArgumentError('must be an ISO-8601 time, such as 2026-11-22T10:00:00Z');
  return new Date(t).toISOString();
};

/** The one JSON document a `--json` command prints. */
export const printJson = (io: Io, value: unknown): void => io.out(JSON.stringify(value));

/** A command's flag for machine-readable output. */
export const JSON_FLAG = ['--json', 'print one JSON document on stdout'] as const;

/** Where progress is drawn: only a terminal (stderr), never a pipe or a log file. */
export interface ProgressTarget {
  readonly isTTY?: boolean | undefined;
  write(text: string): unknown;
}
