import { describe, expect, it } from 'vitest';
import { parseIngestArgs } from '../../scripts/bench/ingest';
import { BenchError, benchErrorExit, nonNegativeInt, positiveInt } from '../../scripts/bench/support/cli';
import { parseTrainArgs } from '../../scripts/bench/train';
import { parseDistributedArgs } from '../../scripts/bench/distributed';

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
};

describe('bench command lines', () => {
  it('ingest takes --json and typed flags', () => {
    expect(parseIngestArgs(['--json', '--lines', '1000', '--ids', 'string', '--size-hint', '0'])).toMatchObject({
      json: true,
      lines: 1000,
      ids: 'string',
      sizeHint: 0,
      runs: 3,
      hugePages: 'off',
    });
    expect(parseIngestArgs([]).sizeHint).toBe('auto');
  });

  it('turns an unknown flag into one line and exit code 2, with commander\'s suggestion on the same line', () => {
    expect(benchErrorExit('ingest', thrown(() => parseIngestArgs(['--bogus'])))).toEqual({
      line: "bench ingest: unknown option '--bogus'",
      exitCode: 2,
    });
    const suggested = benchErrorExit('train', thrown(() => parseTrainArgs(['--jsno'])))!;
    expect(suggested.line).toMatch(/^bench train: unknown option '--jsno' \(Did you mean --json\?\)$/);
    expect(suggested.exitCode).toBe(2);
  });

  it('names the flag of a bad value', () => {
    expect(benchErrorExit('train', thrown(() => parseTrainArgs(['--epochs', '1.5'])))!.line).toMatch(/'--epochs <n>' argument '1.5' is invalid/);
    expect(benchErrorExit('ingest', thrown(() => parseIngestArgs(['--ids', 'uuid'])))!.line).toMatch(/--ids.*int, string/);
    expect(benchErrorExit('ingest', thrown(() => parseIngestArgs(['--size-hint', 'lots'])))!.line).toMatch(/--size-hint.*'auto'/);
  });

  it('keeps --vs, --peers and --runs together, on a file or a generated set', () => {
    expect(parseTrainArgs(['--input', 'f', '--vs', 'libmf', '--peers', 'd', '--runs', '5'])).toMatchObject({ vs: 'libmf', peers: 'd', runs: 5 });
    expect(parseTrainArgs(['--shape', 'ml20m', '--vs', 'implicit'])).toMatchObject({ vs: 'implicit', shape: 'ml20m', runs: 3 });
    expect(thrown(() => parseTrainArgs(['--runs', '3']))).toBeInstanceOf(BenchError);
    expect(thrown(() => parseTrainArgs(['--peers', 'd']))).toBeInstanceOf(BenchError);
    expect(benchErrorExit('train', thrown(() => parseTrainArgs(['--input', 'f', '--vs', 'surprise'])))!.line).toMatch(/libmf, implicit/);
  });

  it('leaves other errors to propagate, and gives BenchError its own exit code', () => {
    expect(benchErrorExit('train', new TypeError('bug'))).toBeUndefined();
    expect(benchErrorExit('train', new BenchError('peer failed', 1))).toEqual({ line: 'bench train: peer failed', exitCode: 1 });
  });

  it('distributed: 32 shards and children in processes by default, --children process|inline only', () => {
    expect(parseDistributedArgs([])).toMatchObject({ shards: 32, children: 'process', concurrency: 2 });
    expect(parseDistributedArgs(['--shards', '4', '--children', 'inline', '--compare'])).toMatchObject({ shards: 4, children: 'inline', compare: true });
    expect(benchErrorExit('distributed', thrown(() => parseDistributedArgs(['--children', 'threads'])))!.line).toMatch(/process or inline/);
    expect(benchErrorExit('distributed', thrown(() => parseDistributedArgs(['--shards', '0'])))!.line).toMatch(/--shards/);
  });

  it('parses integers strictly', () => {
    expect(positiveInt('7')).toBe(7);
    for (const bad of ['0', '-1', '2.5', 'x', '']) expect(() => positiveInt(bad)).toThrow(/positive integer/);
    expect(nonNegativeInt('0')).toBe(0);
    for (const bad of ['-1', '', ' ', '1e-3']) expect(() => nonNegativeInt(bad)).toThrow(/non-negative integer/);
  });
});
