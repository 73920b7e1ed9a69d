/**
 * Training speed: `npm run -s bench -- train [--input FILE | --shape ml20m | --users N --movies N --per-user N]
 *   [--model svd|nsvd] [--dim 64] [--epochs 3] [--threads 2] [--seed 1] [--json]`
 * Trains on the whole set (no test split, so every epoch is pure training) and prints
 * secondsPerEpoch (median), ratingsPerSecond, peakRssMB (whole process, loading
 * included), and the setup. Defaults: the PoC's synthetic set, 1M users x 1,000
 * movies x 30 ratings, uniform; `--shape ml20m` the ML-20M-shaped Zipf set of
 * support/zipf-set.ts.
 */
import { createReadStream } from 'node:fs';
import { Command } from 'commander';
import type { Dataset } from '../../lib/data/dataset';
import { parseRatings } from '../../lib/data/parse';
import { generateSynthetic } from '../../lib/data/synthetic';
import { fitModel, getModel } from '../../lib/models/registry';
import { zipfDataset } from './support/zipf-set';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
  return n;
};

export async function main(argv: string[]): Promise<void> {
  const o = new Command('bench train')
    .option('--input <file>', 'ratings file (.dat, u.data, csv)')
    .option('--shape <name>', 'a generated shape instead of the PoC set: ml20m')
    .option('--users <n>', 'synthetic users', int, 1_000_000)
    .option('--movies <n>', 'synthetic movies', int, 1000)
    .option('--per-user <n>', 'synthetic ratings per user', int, 30)
    .option('--model <kind>', 'model', 'svd')
    .option('--dim <n>', 'factors', int, 64)
    .option('--epochs <n>', 'epochs', int, 3)
    .option('--threads <n>', 'threads', int, 2)
    .option('--seed <n>', 'seed', int, 1)
    .option('--json', 'print JSON only')
    .exitOverride()
    .parse(argv, { from: 'user' })
    .opts<{ input?: string; shape?: string; users: number; movies: number; perUser: number; model: string; dim: number; epochs: number; threads: number; seed: number; json?: boolean }>();

  const loadStart = performance.now();
  let data: Dataset;
  if (o.shape !== undefined && o.shape !== 'ml20m') throw new Error(`--shape: unknown shape "${o.shape}"; pass ml20m`);
  if (o.input) data = (await parseRatings(createReadStream(o.input))).dataset;
  else if (o.shape) data = zipfDataset();
  else data = generateSynthetic({ users: o.users, movies: o.movies, perUser: o.perUser, seed: o.seed, mode: 'uniform' }).dataset;
  const loadSeconds = (performance.now() - loadStart) / 1000;

  // Epoch times from the curve's clock, which starts after setup (blocking, workers).
  const epochSeconds: number[] = [];
  let lastMs = 0;
  const fitStart = performance.now();
  const model = getModel(o.model);
  // No test set is passed, so nothing stops early: every epoch runs.
  await fitModel(
    model,
    data,
    model.training.resolve({ dim: o.dim, epochs: o.epochs }),
    {
      threads: o.threads,
      seed: o.seed,
      onProgress: (p) => {
        epochSeconds.push((p.elapsedMs - lastMs) / 1000);
        lastMs = p.elapsedMs;
        if (!o.json) console.error(`epoch ${epochSeconds.length}: ${epochSeconds.at(-1)!.toFixed(2)} s`);
      },
    },
  );
  const fitSeconds = (performance.now() - fitStart) / 1000;
  const sorted = [...epochSeconds].sort((a, b) => a - b);
  const secondsPerEpoch = sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
  const result = {
    model: o.model,
    dataset: data.name,
    ratings: data.size,
    dim: o.dim,
    threads: o.threads,
    epochs: epochSeconds.length,
    secondsPerEpoch: Math.round(secondsPerEpoch * 1e6) / 1e6,
    ratingsPerSecond: Math.round(data.size / secondsPerEpoch),
    setupSeconds: round(fitSeconds - epochSeconds.reduce((a, b) => a + b, 0)),
    loadSeconds: round(loadSeconds),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(o.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
}

const round = (x: number) => Math.round(x * 1000) / 1000;
