/**
 * `npm run batch -- --out s3://bucket/prefix/ [--n 20] [--part-users 100000]
 *   [--genres A,B] [--exclude-genres C] [--exclude ID,ID] [--years 1990-1999] [--json]`
 *
 * The top n of every user of the live model as JSON Lines parts and a manifest under
 * --out (lib/batch/). The model comes from MODEL_BUCKET at S3_ENDPOINT (defaults: npm
 * start's local stack; S3_ENDPOINT= (empty) for real AWS S3); --out may name any bucket
 * the same endpoint holds.
 */
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { BATCH_MANIFEST_FILE } from '../lib/batch/batch-manifest';
import { outUrl } from '../lib/batch/out-location';
import { BatchRequestError } from '../lib/batch/errors';
import { parseBatchRequest, type BatchRequestInput, DEFAULT_BATCH_N, DEFAULT_PART_USERS } from '../lib/batch/request';
import { runBatch } from '../lib/batch/run-batch';
import { ObjectStore } from '../lib/storage/object-store';
import { createS3Client, s3SettingsFromEnv } from '../lib/storage/s3-client';
import { storeSettingsFromEnv } from './local-stack';

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`must be a whole number of at least 1, got ${v}`);
  return n;
};
const commaList = (v: string): string[] => v.split(',').map((s) => s.trim());

interface Flags {
  out: string;
  n: number;
  partUsers: number;
  genres?: string[];
  excludeGenres?: string[];
  exclude?: string[];
  years?: string;
  explain?: boolean;
  json?: boolean;
}

const program = new Command('batch')
  .description('Write the top n of every user of the live model as JSON Lines parts and a manifest.')
  .requiredOption('--out <s3url>', 'where: s3://bucket/prefix/')
  .option('--n <n>', 'movies per user', positiveInt, DEFAULT_BATCH_N)
  .option('--part-users <n>', 'users per part object', positiveInt, DEFAULT_PART_USERS)
  .option('--genres <list>', 'only movies of any of these genres', commaList)
  .option('--exclude-genres <list>', 'no movie of these genres', commaList)
  .option('--exclude <ids>', 'never these movie ids', commaList)
  .option('--years <range>', 'released in 1995 or 1990-1999')
  .option('--explain', "each movie's reasons too, as explain=true gives them")
  .option('--json', 'print the manifest as JSON')
  .showHelpAfterError();

async function main(): Promise<void> {
  const o = program.parse().opts<Flags>();
  const input: BatchRequestInput = {
    out: o.out,
    n: o.n,
    partUsers: o.partUsers,
    ...(o.genres ? { genres: o.genres } : {}),
    ...(o.excludeGenres ? { excludeGenres: o.excludeGenres } : {}),
    ...(o.exclude ? { exclude: o.exclude } : {}),
    ...(o.years !== undefined ? { years: o.years } : {}),
    ...(o.explain ? { explain: true } : {}),
  };
  const request = parseBatchRequest(input);
  const { bucket, endpoint } = storeSettingsFromEnv();
  const client = createS3Client({ ...s3SettingsFromEnv(), ...(endpoint ? { endpoint } : {}) });
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: ' {bar} {percentage}% | {value}/{total} users | {eta_formatted} left', hideCursor: true }, cliProgress.Presets.shades_classic)
    : undefined;
  const say = (line: string) => console.error(line);
  try {
    const started = Date.now();
    const manifest = await runBatch(request, new ObjectStore(bucket, client), {
      onModel: (m) => {
        say(`model ${m.version}: ${m.nUsers} users x ${m.nItems} movies, loaded in ${(m.loadMs / 1000).toFixed(1)} s`);
        bar?.start(m.nUsers, 0);
      },
      onProgress: (done) => bar?.update(done),
    }).finally(() => bar?.stop());
    const seconds = (Date.now() - started) / 1000;
    if (o.json) console.log(JSON.stringify(manifest));
    say(
      `wrote ${manifest.totalUsers} users in ${manifest.parts.length} parts (${(manifest.totalBytes / 1e6).toFixed(1)} MB) ` +
        `and ${outUrl(request.out, BATCH_MANIFEST_FILE)} in ${seconds.toFixed(1)} s`,
    );
  } finally {
    client.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(`batch: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof BatchRequestError ? 2 : 1);
});
