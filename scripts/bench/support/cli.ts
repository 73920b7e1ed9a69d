/**
 * What every benchmark's command line shares: a commander Command that throws instead of
 * exiting and prints nothing itself, number parsers, and the error a bench throws for a
 * failure it can explain. scripts/bench/index.ts turns both kinds of error into one line on
 * stderr and an exit code (`benchErrorExit`); anything else is a bug and keeps its stack.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';

/**
 * A failure the bench can explain in one line: a request it cannot run (exit code 2;
 * the message says what to pass or do) or a child that failed (exit code 1).
 */
export class BenchError extends Error {
  override name = 'BenchError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}

/** A Command for `bench <name>`: errors are thrown (see benchErrorExit), help goes to stdout. */
export function benchCommand(name: string): Command {
  return new Command(`bench ${name}`)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
}

/** What to print (one line, or nothing) and the exit code for an error a bench threw; undefined for a bug (rethrow it). */
export function benchErrorExit(name: string, error: unknown): { line: string; exitCode: number } | undefined {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return { line: '', exitCode: 0 };
    return { line: `bench ${name}: ${error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')}`, exitCode: 2 };
  }
  if (error instanceof BenchError) return { line: `bench ${name}: ${error.message}`, exitCode: error.exitCode };
  return undefined;
}

export const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('Expected a positive integer.');
  return n;
};

export const nonNegativeInt = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0) throw new InvalidArgumentError('Expected a non-negative integer.');
  return n;
};
