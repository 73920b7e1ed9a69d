/**
 * Publishing speed and memory: `npm run -s bench -- publish [--users 1000000] [--movies 1000]
 *   [--per-user 30] [--dim 64] [--json]`
 * Builds a model of that size (random factors over a uniform synthetic data set, no
 * training), publishes it to an embedded s3rver in a temp folder (multipart for the
 * big files, read-back verification included), and prints seconds, MB written and
 * peak RSS before and after publishing: publishing should add little beyond the seen
 * CSR (factor files are uploaded from views of the model's own memory).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { publishModel } from '../../lib/artifacts/publish';
import { nItems, nUsers } from '../../lib/data/dataset';
import { generateSynthetic } from '../../lib/data/synthetic';
import { startLocalS3 } from '../../lib/storage/local-s3';
import { ObjectStore } from '../../lib/storage/object-store';
import { createS3Client } from '../../lib/storage/s3-client';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive integer: ${v}`);
  return n;
};
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

function randomFloats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = a / 4294967296 - 0.5;
  }
  return out;
}

export async function main(argv: string[]): Promise<void> {
  const o = new Command('bench publish')
    .option('--users <n>', 'users', int, 1_000_000)
    .option('--movies <n>', 'movies', int, 1000)
    .option('--per-user <n>', 'ratings per user', int, 30)
    .option('--dim <n>', 'factors', int, 64)
    .option('--json', 'print JSON only')
    .exitOverride()
    .parse(argv, { from: 'user' })
    .opts<{ users: number; movies: number; perUser: number; dim: number; json?: boolean }>();

  const { dataset } = generateSynthetic({ users: o.users, movies: o.movies, perUser: o.perUser, seed: 1, mode: 'uniform' });
  const nu = nUsers(dataset);
  const ni = nItems(dataset);
  const factors = {
    kind: 'svd' as const,
    scoring: 'rating' as const,
    dim: o.dim,
    nUsers: nu,
    nItems: ni,
    mu: 3,
    scale: dataset.scale,
    userBias: randomFloats(nu, 1),
    itemBias: randomFloats(ni, 2),
    P: randomFloats(nu * o.dim, 3),
    Q: randomFloats(ni * o.dim, 4),
  };
  const rssBefore = peakRssMb();

  const dir = await mkdtemp(join(tmpdir(), 'bench-publish-'));
  const s3 = await startLocalS3({ directory: dir });
  const client = createS3Client({ endpoint: s3.endpoint });
  try {
    const store = new ObjectStore('bench-publish', client);
    await store.ensureBucket();
    const started = performance.now();
    const manifest = await publishModel(store, {
      factors,
      dataset,
      params: { dim: o.dim },
      metrics: {},
      timings: {},
      curve: [],
      epochs: 0,
      source: { name: 'bench', source: 'synthetic', sha256: '0'.repeat(64) },
    });
    const seconds = (performance.now() - started) / 1000;
    const mb = Object.values(manifest.files).reduce((s, f) => s + f.bytes, 0) / 1e6;
    const result = {
      users: nu,
      movies: ni,
      ratings: dataset.size,
      dim: o.dim,
      files: Object.keys(manifest.files).length + 1,
      megabytes: Math.round(mb),
      seconds: Math.round(seconds * 10) / 10,
      megabytesPerSecond: Math.round(mb / seconds),
      peakRssBeforePublishMB: rssBefore,
      peakRssAfterPublishMB: peakRssMb(),
    };
    if (o.json) console.log(JSON.stringify(result));
    else {
      console.log(`published ${result.megabytes} MB in ${result.files} files in ${result.seconds}s (${result.megabytesPerSecond} MB/s, upload + read-back verify)`);
      console.log(`model: ${nu} users x ${ni} movies x dim ${o.dim}, ${dataset.size} ratings`);
      console.log(`peak RSS: ${rssBefore} MB before publishing, ${result.peakRssAfterPublishMB} MB after`);
    }
  } finally {
    client.destroy();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
}
