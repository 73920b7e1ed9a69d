import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../lib/data/random';
import { main, parseArgs, parseParam } from '../../scripts/bench/accuracy';

let dir: string;
let ratingsFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'accuracy-bench-'));
  ratingsFile = join(dir, 'ratings.tsv');
  const rng = createRng(11);
  const lines: string[] = [];
  for (let u = 1; u <= 40; u++) {
    for (let i = 1; i <= 30; i++) if (rng.next() < 0.4) lines.push(`${u}\t${i}\t${1 + rng.nextInt(5)}\t${1000 + u * i}`);
  }
  await writeFile(ratingsFile, `${lines.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  process.exitCode = 0;
});

async function run(argv: string[]) {
  let out = '';
  let err = '';
  await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { out, err };
}

describe('accuracy benchmark arguments', () => {
  it('has defaults and accepts repeated and comma-separated models', () => {
    const o = parseArgs(['--data', 'x', '--model', 'baseline,popularity', '--model', 'baseline']);
    expect(o).toMatchObject({ data: 'x', protocol: 'kfold', folds: 5, testRatio: 0.25, k: 10, seeds: [1], json: false });
    expect(o.models).toEqual(['baseline', 'popularity']);
    expect(parseArgs(['--data', 'x', '--model', 'all']).models).toEqual(expect.arrayContaining(['baseline', 'popularity']));
  });

  it('converts --param values and seeds', () => {
    const o = parseArgs(['--data', 'x', '--param', 'epochs=3', '--param', 'name=abc', '--param', 'flag=true', '--seeds', '4,5']);
    expect(o.params).toEqual({ epochs: 3, name: 'abc', flag: true });
    expect(o.seeds).toEqual([4, 5]);
    expect(() => parseParam('novalue', {})).toThrow(/key=value/);
  });

  it('rejects unknown models, protocols and bad numbers', () => {
    expect(() => parseArgs(['--data', 'x', '--model', 'nope'])).toThrow(/unknown model "nope"/);
    expect(() => parseArgs(['--data', 'x', '--protocol', 'loo'])).toThrow(/protocol/);
    expect(() => parseArgs(['--data', 'x', '--k', '0'])).toThrow(/--k/);
    expect(() => parseArgs([])).toThrow(/--data/);
  });
});

describe('accuracy benchmark runs', () => {
  it('prints one JSON object per model with rating metrics averaged over folds', async () => {
    const { out, err } = await run(['--data', ratingsFile, '--model', 'baseline,popularity', '--folds', '3', '--json']);
    expect(err).toBe('');
    const rows = out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(rows.map((r) => r['model'])).toEqual(['baseline', 'popularity']);
    for (const row of rows) {
      expect(row).toMatchObject({ protocol: 'kfold', folds: 3, seeds: [1] });
      expect(typeof row['dataset']).toBe('string');
      for (const key of ['rmse', 'mae', 'seconds', 'ndcg@10', 'coverage']) expect(Number.isFinite(row[key])).toBe(true);
      const folds = row['perSeed'][0].folds as Array<{ metrics: Record<string, number> }>;
      expect(folds).toHaveLength(3);
      expect(row['rmse']).toBeCloseTo(folds.reduce((s, f) => s + f.metrics['rmse']!, 0) / 3, 10);
    }
    expect(rows[0]!['rmse']).toBeLessThan(1.6);
  });

  it('averages the stratified ranking metrics over seeds, keeping each seed', async () => {
    const { out } = await run(['--data', ratingsFile, '--model', 'popularity', '--protocol', 'stratified', '--seeds', '1,2', '--k', '5', '--json']);
    const row = JSON.parse(out.trim()) as Record<string, any>;
    expect(row['protocol']).toBe('stratified');
    expect(row['perSeed'].map((s: { seed: number }) => s.seed)).toEqual([1, 2]);
    for (const key of ['ndcg@5', 'precision@5', 'recall@5', 'map@5', 'coverage']) {
      const perSeed = row['perSeed'].map((s: { metrics: Record<string, number> }) => s.metrics[key]);
      expect(row[key]).toBeCloseTo((perSeed[0] + perSeed[1]) / 2, 10);
    }
  });

  it('prints an aligned table without --json', async () => {
    const { out } = await run(['--data', ratingsFile, '--model', 'baseline', '--protocol', 'holdout', '--param', 'epochs=2']);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^dataset\s+protocol\s+model\s+rmse\s+mae\s+ndcg@10/);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/holdout\s+baseline\s+\d\.\d{4}/);
    expect(lines[2]!.length).toBe(lines[0]!.length);
  });

  it('gives each kfold metric with its standard deviation over the folds', async () => {
    const { out } = await run(['--data', ratingsFile, '--model', 'baseline', '--folds', '3', '--param', 'epochs=2']);
    const row = out.trim().split('\n')[2]!;
    const [, mean, std] = /kfold\s+baseline\s+(\d\.\d{4}) ± (\d\.\d{4})/.exec(row) ?? [];
    expect(Number(mean)).toBeGreaterThan(0.5);
    expect(Number(std)).toBeGreaterThan(0);
    expect(Number(std)).toBeLessThan(Number(mean));
  });

  it('runs Surprise only on kfold folds and says how to build it when it is not built', async () => {
    let r = await run(['--data', ratingsFile, '--model', 'baseline', '--protocol', 'holdout', '--vs', 'surprise', '--peers', dir]);
    expect(r.err).toMatch(/^accuracy: --vs surprise compares RMSE on kfold folds/);
    expect(process.exitCode).toBe(2);
    r = await run(['--data', ratingsFile, '--model', 'baseline', '--vs', 'surprise', '--peers', dir]);
    expect(r.err).toContain(`Surprise is not built in ${dir}: from the peers folder run build-surprise.sh ${join(dir, 'surprise')}`);
    expect(r.out).toBe('');
  });

  it('prints its usage on --help and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.out).toMatch(/^Usage: accuracy /);
    expect(r.out).toContain('--data <source>');
    expect(r.err).toBe('');
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('reports bad arguments, bad params and unreadable data on stderr with an exit code', async () => {
    let r = await run(['--data', ratingsFile, '--protocol', 'nope']);
    expect(r.err).toMatch(/^accuracy: .*protocol/);
    expect(process.exitCode).toBe(2);
    r = await run(['--data', join(dir, 'missing.tsv'), '--model', 'baseline']);
    expect(r.err).toMatch(/^accuracy: cannot load/);
    expect(process.exitCode).toBe(1);
    r = await run(['--data', ratingsFile, '--model', 'baseline', '--param', 'epochs=-1']);
    expect(r.err).toMatch(/epochs/);
    expect(process.exitCode).toBe(2);
    expect(r.out).toBe('');
  });
});
