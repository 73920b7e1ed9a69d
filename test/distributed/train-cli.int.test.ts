import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLatest, verifyVersion } from '../../lib/artifacts/versions';
import { DISTRIBUTED_PREFIX } from '../../lib/distributed/run-layout';
import { writeEvents } from '../../lib/events/store';
import { startTestS3 } from '../helpers/s3';

const run = promisify(execFile);
const BUCKET = 'distributed-cli';

describe('npm run train -- --distributed', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    s3 = await startTestS3(BUCKET);
    env = { ...process.env, MODEL_BUCKET: BUCKET, S3_ENDPOINT: s3.endpoint };
  });
  afterAll(() => s3.close());

  const train = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'scripts/train.ts', ...args], { cwd: process.cwd(), encoding: 'utf8', env }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('runs the state machine locally with N shards, publishes the model and prints one JSON object', async () => {
    await writeEvents(s3.store, [{ userId: 100_000, movieId: 1, rating: 5, timestamp: Math.floor(Date.now() / 1000) - 60 }], Date.now() - 60_000);
    const out = await train(['--distributed', '--shards', '3', '--dataset', 'synthetic:users=600,movies=120,perUser=12,seed=4', '--epochs', '2', '-d', '8', '--eval-users', '50', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report).toMatchObject({ engine: 'distributed', model: 'ials', shards: 3, version: expect.any(String) });
    expect(report.iterationSeconds).toHaveLength(2);
    // The posted event (a new user) was merged, as `--publish` merges them.
    expect(report.events).toEqual({ merged: 1 });
    expect(report.metrics['validation_ndcg@10']).toBeGreaterThan(0);
    expect(await readLatest(s3.store)).toBe(report.version);
    const manifest = await verifyVersion(s3.store, report.version);
    expect(manifest.model.kind).toBe('ials');
    expect(manifest.model.params).toMatchObject({ engine: 'distributed', shards: 3, dim: 8, epochs: 2, evalUsers: 50 });
    const shards = (await s3.store.list(DISTRIBUTED_PREFIX)).filter((k) => k.includes('/shards/'));
    expect(shards).toHaveLength(6);
  }, 90_000);

  it('refuses bad flags with one line before reading any data', async () => {
    for (const [args, message] of [
      [['--distributed', '-M', 'svd'], /--distributed trains iALS only, not svd/],
      [['--shards', '4'], /--shards, --max-concurrency and --eval-users go with --distributed/],
      [['--distributed', '--shards', '0'], /must be at least 1/],
      [['--distributed', '--deadline-ms', '1000'], /--deadline-ms does not go with --distributed/],
      [['--distributed', '-p', '/nonexistent/ratings.csv', '--shards', '20000'], /--shards must be at most 10000/],
    ] as const) {
      const out = await train([...args]);
      expect(out.code, args.join(' ')).not.toBe(0);
      // One line saying what is wrong (commander's own refusals add the usage after it).
      expect(out.stderr.split('\n')[0]).toMatch(message);
    }
  }, 90_000);
});
