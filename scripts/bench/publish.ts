/**
 * Publishing speed and memory: `npm run -s bench -- publish [--users 1000000] [--movies 1000]
 *   [--per-user 30] [--dim 64] [--json]`
 * Builds a model of that size (random factors, no training: support/random-model.ts),
 * publishes it to an embedded s3rver in a temp folder (multipart for the
 * big files, read-back verification included), and prints seconds, MB written and
 * peak RSS before and after publishing: publishing should add little beyond the seen
 * CSR (factor files are uploaded from views of the model's own memory).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishModel } from '../../lib/artifacts/publish';
import { startLocalS3 } from '../../lib/storage/local-s3';
import { ObjectStore } from '../../lib/storage/object-store';
import { createS3Client } from '../../lib/storage/s3-client';
import { benchCommand, positiveInt } from './support/cli';
import { randomModel } from './support/random-model';

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

export async function main(argv: string[]): Promise<void> {
  const o = benchCommand('publish')
    .option('--users <n>', 'users', positiveInt, 1_000_000)
    .option('--movies <n>', 'movies', positiveInt, 1000)
    .option('--per-user <n>', 'ratings per user', positiveInt, 30)
    .option('--dim <n>', 'factors', positiveInt, 64)
    .option('--json', 'print JSON only')
    .parse(argv, { from: 'user' })
    .opts<{ users: number; movies: number; perUser: number; dim: number; json?: boolean }>();

  const input = randomModel({ users: o.users, movies: o.movies, perUser: o.perUser, dim: o.dim });
  const rssBefore = peakRssMb();

  const dir = await mkdtemp(join(tmpdir(), 'bench-publish-'));
  const s3 = await startLocalS3({ directory: dir });
  const client = createS3Client({ endpoint: s3.endpoint });
  try {
    const store = new ObjectStore('bench-publish', client);
    await store.ensureBucket();
    const started = performance.now();
    const manifest = await publishModel(store, input);
    const seconds = (performance.now() - started) / 1000;
    const mb = Object.values(manifest.files).reduce((s, f) => s + f.bytes, 0) / 1e6;
    const result = {
      users: o.users,
      movies: o.movies,
      ratings: input.dataset.size,
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
      console.log(`model: ${o.users} users x ${o.movies} movies x dim ${o.dim}, ${input.dataset.size} ratings`);
      console.log(`peak RSS: ${rssBefore} MB before publishing, ${result.peakRssAfterPublishMB} MB after`);
    }
  } finally {
    client.destroy();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
}
