/**
 * Batch export speed: `npm run -s bench -- batch [--users 1000000] [--movies 1000]
 *   [--per-user 30] [--dim 64] [--n 20] [--part-users 100000] [--runs 3] [--json]`
 *
 * Publishes a random model of that shape (support/random-model.ts) to an s3rver in its own
 * process (data under .bench/batch/, the model reused while the shape matches), then runs
 * the batch export (lib/batch/run-batch.ts, as `npm run batch` and the train function's
 * batch mode do) --runs times to the same prefix. Prints users per second of the export
 * (median; model loading apart), the model's load time, parts, bytes and peak RSS.
 */
import { resolve } from 'node:path';
import type { BatchManifest } from '../../lib/batch/batch-manifest';
import { parseBatchRequest } from '../../lib/batch/request';
import { runBatch } from '../../lib/batch/run-batch';
import { ObjectStore } from '../../lib/storage/object-store';
import { createS3Client } from '../../lib/storage/s3-client';
import { benchCommand, positiveInt } from './support/cli';
import { ensureRandomModel } from './support/random-model';
import { startS3rverChild } from './support/s3rver-child';
import { median, round } from './support/stats';

const BUCKET = 'movie-reco-local';
const OUT_PREFIX = 'batch/bench/';
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

interface BatchBenchOptions {
  users: number;
  movies: number;
  perUser: number;
  dim: number;
  n: number;
  partUsers: number;
  runs: number;
  json?: boolean;
}

export function parseBatchArgs(argv: string[]): BatchBenchOptions {
  return benchCommand('batch')
    .option('--users <n>', 'users', positiveInt, 1_000_000)
    .option('--movies <n>', 'movies', positiveInt, 1000)
    .option('--per-user <n>', 'ratings per user (the seen movies each list skips)', positiveInt, 30)
    .option('--dim <n>', 'factors', positiveInt, 64)
    .option('--n <n>', 'movies per user', positiveInt, 20)
    .option('--part-users <n>', 'users per part', positiveInt, 100_000)
    .option('--runs <n>', 'exports to time', positiveInt, 3)
    .option('--json', 'print JSON only')
    .parse(argv, { from: 'user' })
    .opts<BatchBenchOptions>();
}

export async function main(argv: string[]): Promise<void> {
  const o = parseBatchArgs(argv);
  const say = (m: string) => (o.json ? console.error(m) : console.log(m));

  const s3 = await startS3rverChild(resolve('.bench/batch/s3'));
  const client = createS3Client({ endpoint: s3.endpoint });
  try {
    const store = new ObjectStore(BUCKET, client);
    await store.ensureBucket();
    await ensureRandomModel(store, o, say);
    const request = parseBatchRequest({ n: o.n, partUsers: o.partUsers, out: `s3://${BUCKET}/${OUT_PREFIX}` });

    const runs: Array<{ loadSeconds: number; writeSeconds: number; manifest: BatchManifest }> = [];
    for (let run = 0; run < o.runs; run++) {
      const t0 = performance.now();
      let loaded = t0;
      const manifest = await runBatch(request, store, { onModel: () => (loaded = performance.now()) });
      const t1 = performance.now();
      runs.push({ loadSeconds: (loaded - t0) / 1000, writeSeconds: (t1 - loaded) / 1000, manifest });
      say(`run ${run + 1}: model ${round((loaded - t0) / 1000, 1)} s, export ${round((t1 - loaded) / 1000, 1)} s (${Math.round(manifest.totalUsers / ((t1 - loaded) / 1000))} users/s)`);
    }
    await store.deleteMany(await store.list(OUT_PREFIX));

    const last = runs.at(-1)!.manifest;
    const writeSeconds = median(runs.map((r) => r.writeSeconds));
    const result = {
      users: o.users,
      movies: o.movies,
      dim: o.dim,
      n: o.n,
      runs: o.runs,
      usersPerSecond: Math.round(median(runs.map((r) => r.manifest.totalUsers / r.writeSeconds))),
      exportSeconds: round(writeSeconds, 1),
      modelLoadSeconds: round(median(runs.map((r) => r.loadSeconds)), 1),
      parts: last.parts.length,
      megabytes: round(last.totalBytes / 1e6, 1),
      bytesPerUser: Math.round(last.totalBytes / last.totalUsers),
      peakRssMB: peakRssMb(),
    };
    if (o.json) console.log(JSON.stringify(result));
    else {
      console.log(`${result.usersPerSecond} users/s (median of ${o.runs}): ${o.users} users x ${o.movies} movies x dim ${o.dim}, top ${o.n}, in ${result.exportSeconds} s after a ${result.modelLoadSeconds} s model load`);
      console.log(`${result.parts} parts, ${result.megabytes} MB (${result.bytesPerUser} bytes a user); peak RSS ${result.peakRssMB} MB`);
    }
  } finally {
    client.destroy();
    await s3.close();
  }
}
