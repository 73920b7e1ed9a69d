import { describe, expect, it } from 'vitest';
import { parseBatchArgs } from '../../scripts/bench/batch';
import { benchErrorExit } from '../../scripts/bench/support/cli';

describe('bench batch flags', () => {
  it("defaults to the PoC's 1M-user set at dim 64, top 20, three runs", () => {
    expect(parseBatchArgs([])).toEqual({ users: 1_000_000, movies: 1000, perUser: 30, dim: 64, n: 20, partUsers: 100_000, runs: 3 });
    expect(parseBatchArgs(['--users', '5000', '--n', '5', '--json'])).toMatchObject({ users: 5000, n: 5, json: true });
  });

  it('turns a bad flag into one line and exit code 2', () => {
    let error: unknown;
    try {
      parseBatchArgs(['--n', '0']);
    } catch (e) {
      error = e;
    }
    expect(benchErrorExit('batch', error)).toEqual({ line: expect.stringMatching(/^bench batch: .*'--n <n>' argument '0' is invalid/), exitCode: 2 });
  });
});
