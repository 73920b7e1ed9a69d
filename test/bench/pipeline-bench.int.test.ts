import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('bench pipeline', () => {
  it('runs the bundled train function on an event in a measured process and reports each run and the medians', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/bench/index.ts', 'pipeline', '--event', 'events/synthetic-small.json', '--runs', '1', '--json'], {
      encoding: 'utf8',
    });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(report).toMatchObject({ event: 'events/synthetic-small.json', model: 'svd', threads: 2 });
    expect(report.runs).toHaveLength(1);
    const [only] = report.runs;
    // The event asks for 8 epochs of SVD; the handler's own time is inside the process's.
    expect(only.epochs).toBe(8);
    expect(only.handlerSeconds).toBeGreaterThan(0);
    expect(only.handlerSeconds).toBeLessThanOrEqual(only.seconds);
    expect(only.peakRssMB).toBeGreaterThan(40);
    expect(report.medianPeakRssMB).toBe(only.peakRssMB);
  }, 120_000);
});
