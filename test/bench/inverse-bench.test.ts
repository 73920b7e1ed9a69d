import { describe, expect, it } from 'vitest';
import { main, parseInverseArgs } from '../../scripts/bench/inverse';
import { BenchError } from '../../scripts/bench/support/cli';

describe('bench inverse', () => {
  it("defaults to ml-latest-small's shape on 2 threads and refuses more items per user than items", () => {
    expect(parseInverseArgs([])).toMatchObject({ items: 9742, users: 610, perUser: 165, reg: 600, threads: 2, seed: 1 });
    expect(() => parseInverseArgs(['--items', '10', '--per-user', '11'])).toThrow(BenchError);
  });

  it.each([[[]], [['--reference']]])('inverts a small Gram matrix and reports its residual (%j)', async (extra) => {
    let out = '';
    await main(['--items', '260', '--users', '40', '--per-user', '30', '--threads', '2', '--json', ...extra], (t) => void (out += t));
    const report = JSON.parse(out);
    expect(report).toMatchObject({ items: 260, path: extra.length ? 'reference' : 'blocked', threads: extra.length ? 1 : 2 });
    expect(report.seconds).toBeGreaterThan(0);
    expect(report.maxResidual).toBeLessThan(1e-9);
  }, 60_000);
});
