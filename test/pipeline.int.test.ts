import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_KEY, Manifest, fileKey, FILES } from '../lib/artifacts/format';
import { createRng } from '../lib/data/random';
import { parseTrainConfig } from '../lib/pipeline/config';
import { runTraining } from '../lib/pipeline/train-pipeline';
import { startTestS3 } from './helpers/s3';

const run = promisify(execFile);
const SOURCE = 'synthetic:users=300,movies=80,perUser=20,seed=3,mode=planted,dim=2';

describe('train config', () => {
  it('fills in defaults', () => {
    const c = parseTrainConfig({});
    expect(c).toMatchObject({ source: 'synthetic', model: 'ials', params: {}, seed: 1, split: [0.8, 0.1, 0.1] });
  });
  it('rejects unknown keys and bad values with a clear message', () => {
    expect(() => parseTrainConfig({ modle: 'svd' })).toThrow(/unknown key\(s\) "modle"/);
    expect(() => parseTrainConfig({ model: 'lstm' })).toThrow(/invalid training config: model/);
    expect(() => parseTrainConfig({ split: [0.5, 0.1, 0.1] })).toThrow(/add up to 1/);
    expect(() => parseTrainConfig({ threads: 0 })).toThrow(/threads/);
  });
});

describe('runTraining', () => {
  it('loads, splits 80/10/10, fits with early stopping on the test part, evaluates', async () => {
    const logged: string[] = [];
    const progress: number[] = [];
    const r = await runTraining(
      { source: SOURCE, model: 'svd', params: { dim: 4, epochs: 6, lr: 0.02 }, threads: 1, seed: 2 },
      { log: (m) => logged.push(m), onProgress: (p) => progress.push(p.epoch) },
    );
    const n = r.loaded.dataset.size;
    expect(r.train.size + r.test.size + r.validation.size).toBe(n);
    expect(r.train.size / n).toBeCloseTo(0.8, 1);
    expect(r.validation.size).toBeGreaterThan(0);
    expect(progress).toEqual(r.fit.curve.map((p) => p.epoch));
    expect(r.fit.curve[0]!.testError).toBeGreaterThan(0);
    expect(r.metrics.validationRmse).toBeGreaterThan(0);
    expect(r.metrics.validationRmse).toBeLessThan(1.5);
    expect(r.metrics.validationMae).toBeLessThanOrEqual(r.metrics.validationRmse!);
    expect(r.metrics.testRmse).toBeCloseTo(Math.min(...r.fit.curve.map((p) => p.testError)), 4);
    expect(Object.keys(r.timings)).toEqual(expect.arrayContaining(['load', 'split', 'fit', 'evaluate', 'total']));
    expect(logged).toEqual(['loaded', 'split', 'fitted', 'evaluated']);
  });

  it('trains nsvd through the registry and passes the deadline through', async () => {
    const r = await runTraining({ source: SOURCE, model: 'nsvd', params: { dim: 4, epochs: 100000, patience: 100000 }, threads: 1, deadlineMs: 300 });
    expect(r.fit.stoppedBy).toBe('deadline');
    expect(r.fit.factors.kind).toBe('nsvd');
    expect(r.metrics.validationRmse).toBeGreaterThan(0);
  });

  it('trains the default model (the ranker) and reports ranking metrics, not an RMSE of its scores', async () => {
    const r = await runTraining({ source: SOURCE, params: { dim: 4, epochs: 3 }, threads: 1 });
    expect(r.fit.factors.kind).toBe('ials');
    expect(r.metrics.validationRmse).toBeUndefined();
    expect(r.metrics['validation_ndcg@10']).toBeGreaterThan(0);
    expect(r.metrics['validation_ndcg@10']).toBeLessThanOrEqual(1);
  });

  it('rejects bad model params with the model\'s own message', async () => {
    await expect(runTraining({ source: SOURCE, model: 'svd', params: { dim: -1 } })).rejects.toThrow(/svd params: dim/);
  });
});

describe('npm run train (the CLI)', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'train-cli-'));
    file = join(dir, 'u.data');
    const rng = createRng(1);
    const lines: string[] = [];
    for (let u = 1; u <= 120; u++) {
      for (let k = 0; k < 15; k++) lines.push(`${u}\t${1 + rng.nextInt(60)}\t${1 + rng.nextInt(5)}\t88125${u}`);
    }
    await writeFile(file, `${lines.join('\n')}\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const train = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
    run(process.execPath, ['--import', 'tsx', 'scripts/train.ts', ...args], { cwd: process.cwd(), encoding: 'utf8', env });

  it('prints the PoC table, the duration, validation RMSE/MAE and a 10-user table', async () => {
    const { stdout } = await train(['-p', file, '-i', '--epochs', '3', '-d', '4', '-l', '0.01', '--threads', '1']);
    const lines = stdout.split('\n');
    const header = lines.indexOf('step\tbatch_error\ttest_error\telapsed_time');
    expect(header).toBeGreaterThanOrEqual(0);
    const rows = lines.slice(header + 1, header + 4);
    for (const [k, row] of rows.entries()) expect(row).toMatch(new RegExp(`^${k + 1}\\t\\d+\\.\\d{6}\\t\\d+\\.\\d{6}\\*?\\t\\d+\\.\\d{2}s$`));
    expect(rows[0]).toContain('*');
    expect(stdout).toMatch(/^duration: \d+\.\d+s/m);
    expect(stdout).toMatch(/^validation RMSE: \d\.\d{4} {2}MAE: \d\.\d{4}$/m);
    const table = lines.indexOf('user\tmovie:real/predicted ...');
    expect(table).toBeGreaterThan(header);
    const users = lines.slice(table + 1).filter((l) => /^\d+\t/.test(l));
    expect(users).toHaveLength(10);
    expect(users[0]).toMatch(/^\d+\t\d+:\d\.0\/\d\.\d\d/);
  }, 120_000);

  it('--publish puts the model on S3 and points LATEST at it', async () => {
    const s3 = await startTestS3('cli-models');
    try {
      const env = { ...process.env, MODEL_BUCKET: 'cli-models', S3_ENDPOINT: s3.endpoint };
      const { stdout } = await train(['-p', file, '--epochs', '2', '-d', '4', '--threads', '1', '--publish'], env);
      const version = /published model (\S+) to s3:\/\/cli-models\/models\//.exec(stdout)?.[1];
      expect(version).toBeDefined();
      expect((await s3.store.get(LATEST_KEY))?.toString('utf8').trim()).toBe(version);
      const manifest = Manifest.parse(JSON.parse((await s3.store.get(fileKey(version!, FILES.manifest)))!.toString('utf8')));
      expect(manifest.model).toMatchObject({ kind: 'svd', params: { dim: 4, epochs: 2, lr: 0.007 } });
      expect(manifest.metrics.validationRmse).toBeGreaterThan(0);
    } finally {
      await s3.close();
    }
  }, 120_000);

  it('fails with a one-line message (exit 1, no stack) on bad flags', async () => {
    const err = await train(['-e', '7']).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toMatch(/-e must be 1, 10 or 20/);
    expect((err as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
    // Checked before any data is read (the path does not exist), in the CLI's own names.
    const missing = join(dir, 'no-such-file.csv');
    const stderrOf = async (args: string[]) => ((await train(args).catch((e: { stderr: string }) => e)) as { stderr: string }).stderr;
    expect(await stderrOf(['-p', missing, '-M', 'ials', '-b', '10'])).toMatch(/-b sets batch, which ials does not have; it is a parameter of svd, nsvd \(pass -M svd\)/);
    expect(await stderrOf(['-p', missing, '-S', 'max'])).toMatch(/-S sets size, which svd does not have; it is a parameter of nsvd/);
    expect(await stderrOf(['-p', missing, '-M', 'nsvd', '-S', 'huge'])).toMatch(/-S \(nsvd size\): Invalid option/);
    expect(await stderrOf(['-p', missing, '-s', '0'])).toMatch(/must be at least 1/);
  }, 120_000);

  it('-i on a ranking model shows each user\'s top 10 with the held-out items marked, and --json prints one report', async () => {
    const { stdout } = await train(['-p', file, '-M', 'ials', '-i', '--epochs', '2', '-d', '4', '--threads', '1']);
    expect(stdout).toMatch(/^1\t/m);
    expect(stdout).not.toMatch(/^0\t/m);
    const table = stdout.split('\n').filter((l) => /^\d+\t(\d+\*? ){9}\d+\*?  \(\d+\/\d+ held out\)$/.test(l));
    expect(table).toHaveLength(10);
    const json = await train(['-p', file, '--epochs', '2', '-d', '4', '--threads', '1', '--json', '--scale', '1:5']);
    const report = JSON.parse(json.stdout) as { data: Record<string, any>; metrics: Record<string, number> };
    expect(report.data).toMatchObject({ users: 120, feedback: 'explicit', scale: { min: 1, max: 5, from: 'declared' } });
    // 15 random movies of 60 per user repeat some: each repeat is resolved to one rating and counted.
    expect(report.data.duplicates.pairs).toBeGreaterThan(0);
    expect(report.data.ratings).toBe(1800 - report.data.duplicates.dropped);
    expect(report.data.columns).toMatch(/^user,item,rating,timestamp \(by position/);
    expect(report.metrics.validationRmse).toBeGreaterThan(0);
  }, 120_000);
});
