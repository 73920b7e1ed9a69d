/**
 * Serving benchmark: `npm run -s bench -- serve --users 1000000 --movies 1000 --dim 64 [--json]`.
 *
 * Publishes a synthetic model (random factors, --per-user ratings per user, the real
 * publishModel) into a local s3rver it starts (kept under .bench/serve/ and reused when
 * the shape matches), then measures:
 * - coldStartMs: a fresh Node process importing the esbuild bundle of functions/recommend.ts
 *   (what Lambda runs), loading the model from S3 and answering one GET /reco, timed from
 *   process start (performance.now() in the child) — median of --cold-runs;
 * - cachedP50Ms / cachedP99Ms: the middy handler invoked in-process for users whose rows
 *   are cached; uncachedP50Ms: random users whose rows come by ranged GET; filteredP50Ms /
 *   filteredP99Ms: the same cached users with a genre filter (filteredToCachedP50: the ratio);
 *   explainedP50Ms / explainedP99Ms: the same cached users with explain=true (their ratings
 *   read on a first pass, as rows are; explainedToCachedP50: the ratio, target <= 2;
 *   reasonsPerMovie: how many reasons the answers gave, so an empty explanation shows);
 * - httpRps / httpErrors: autocannon (--connections, --duration) against serverless-offline
 *   (--offline-mode in-process: one shared model like one warm container; worker: a worker
 *   thread per concurrent request, each loading its own model).
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { Option } from 'commander';
import { build } from 'esbuild';
import { readManifest } from '../../lib/artifacts/versions';
import { startLocalS3 } from '../../lib/storage/local-s3';
import { ObjectStore } from '../../lib/storage/object-store';
import { createS3Client } from '../../lib/storage/s3-client';
import { httpEvent, lambdaContext } from '../support/lambda-events';
import { ensureRandomModel } from './support/random-model';
import { createRng } from '../../lib/data/random';
import { startOffline } from '../support/offline';
import { benchCommand, positiveInt } from './support/cli';
import { round } from './support/stats';

interface ServeOptions {
  users: number;
  movies: number;
  dim: number;
  perUser: number;
  samples: number;
  coldRuns: number;
  connections: number;
  duration: number;
  offlineMode: 'in-process' | 'worker';
  httpUsers: number;
  phases: string[];
  json: boolean;
}

const BUCKET = 'movie-reco-local';
const WORK_DIR = resolve('.bench/serve');

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Bundles functions/recommend.ts as serverless-esbuild would (ESM, node22, deps inlined). */
async function bundleHandler(): Promise<string> {
  const outfile = join(WORK_DIR, 'recommend.mjs');
  await build({
    entryPoints: ['functions/recommend.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    logLevel: 'error',
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return outfile;
}

/** One cold start: a fresh node process imports the bundle and answers one request. */
async function coldStart(bundle: string, endpoint: string, userId: number): Promise<{ answerMs: number; importMs: number; status: number }> {
  const script = join(WORK_DIR, 'cold.mjs');
  const event = httpEvent('GET', '/reco', { query: `UsrID=${userId}&n_recos=10` });
  await writeFile(
    script,
    `const t0 = performance.now();
const { handler } = await import(${JSON.stringify(bundle)});
const imported = performance.now();
const res = await handler(${JSON.stringify(event)}, { functionName: 'recommend', awsRequestId: 'cold', getRemainingTimeInMillis: () => 10000 });
const answerMs = performance.now();
process.stdout.write('\\nCOLD ' + JSON.stringify({ answerMs, importMs: imported - t0, status: res.statusCode }) + '\\n');
process.exit(0);
`,
  );
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      MODEL_BUCKET: BUCKET,
      S3_ENDPOINT: endpoint,
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_METRICS_NAMESPACE: 'Bench',
      NODE_NO_WARNINGS: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => child.once('exit', r));
  const line = out.split('\n').find((l) => l.startsWith('COLD '));
  if (!line) throw new Error(`cold-start run printed no result:\n${out.slice(-2000)}`);
  return JSON.parse(line.slice(5));
}

/** The genre the filtered requests ask for (about a tenth of the random model's movies have it). */
const FILTER_GENRE = 'Comedy';

async function inProcess(endpoint: string, o: ServeOptions) {
  process.env.MODEL_BUCKET = BUCKET;
  process.env.S3_ENDPOINT = endpoint;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
  process.env.MODEL_REFRESH_SECONDS = '3600';
  const { handler } = (await import('../../functions/recommend')) as unknown as {
    handler: (e: unknown, c: unknown) => Promise<{ statusCode: number; body?: string }>;
  };
  const context = lambdaContext();
  const rng = createRng(7);
  const users = Int32Array.from({ length: o.samples }, () => 1 + rng.nextInt(o.users));
  const events = Array.from(users, (u) => httpEvent('GET', '/reco', { query: `UsrID=${u}&n_recos=10` }));
  const first = await handler(events[0], context); // loads the model
  if (first.statusCode !== 200) throw new Error(`first answer was ${first.statusCode}`);

  const time = async (list: unknown[]): Promise<Float64Array> => {
    const out = new Float64Array(list.length);
    for (let k = 0; k < list.length; k++) {
      const t = performance.now();
      const res = await handler(list[k], context);
      out[k] = performance.now() - t;
      if (res.statusCode !== 200) throw new Error(`answer ${k} was ${res.statusCode}`);
    }
    return out.sort();
  };
  const uncached = await time(events.slice(1));
  const cached = await time(events);
  await time(events); // a second cached pass, after JIT warm-up, is the one reported
  const cachedWarm = await time(events);
  // The same cached users with a genre filter (its item mask is built on the first and cached).
  const filteredEvents = Array.from(users, (u) => httpEvent('GET', '/reco', { query: `UsrID=${u}&n_recos=10&genres=${FILTER_GENRE}` }));
  await time(filteredEvents);
  const filtered = await time(filteredEvents);
  // The same cached users with reasons; the first pass reads their ratings (ranged models) and warms up.
  const explainedEvents = Array.from(users, (u) => httpEvent('GET', '/reco', { query: `UsrID=${u}&n_recos=10&explain=true` }));
  await time(explainedEvents);
  const explained = await time(explainedEvents);
  const sample = JSON.parse((await handler(explainedEvents[0], context)).body ?? '{}') as { movies?: { reasons?: unknown[] }[] };
  const movies = sample.movies ?? [];
  return {
    uncachedP50Ms: percentile(uncached, 0.5),
    uncachedP99Ms: percentile(uncached, 0.99),
    cachedP50Ms: percentile(cachedWarm, 0.5),
    cachedP99Ms: percentile(cachedWarm, 0.99),
    firstCachedPassP50Ms: percentile(cached, 0.5),
    filteredP50Ms: percentile(filtered, 0.5),
    filteredP99Ms: percentile(filtered, 0.99),
    filteredToCachedP50: round(percentile(filtered, 0.5) / percentile(cachedWarm, 0.5), 2),
    filter: `genres=${FILTER_GENRE}`,
    explainedP50Ms: percentile(explained, 0.5),
    explainedP99Ms: percentile(explained, 0.99),
    explainedToCachedP50: round(percentile(explained, 0.5) / percentile(cachedWarm, 0.5), 2),
    reasonsPerMovie: round(movies.reduce((a, m) => a + (m.reasons?.length ?? 0), 0) / Math.max(1, movies.length), 2),
  };
}

async function httpLoad(endpoint: string, o: ServeOptions) {
  const offline = await startOffline({
    s3Endpoint: endpoint,
    env: { MODEL_REFRESH_SECONDS: '3600', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    args: o.offlineMode === 'in-process' ? ['--useInProcess'] : [],
    timeoutMs: 120_000,
  });
  try {
    const rng = createRng(11);
    const pool = Int32Array.from({ length: o.httpUsers }, () => 1 + rng.nextInt(o.users));
    const warm = await fetch(`${offline.baseUrl}/reco?UsrID=${pool[0]}&n_recos=10`);
    if (warm.status !== 200) throw new Error(`warm-up answered ${warm.status}: ${await warm.text()}`);
    let k = 0;
    const result = await autocannon({
      url: offline.baseUrl,
      connections: o.connections,
      duration: o.duration,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/reco?UsrID=${pool[k++ % pool.length]}&n_recos=10` }) }],
    });
    return {
      httpRps: round(result.requests.average, 1),
      httpErrors: result.errors + result.timeouts + result.non2xx,
      httpLatencyP50Ms: result.latency.p50,
      httpLatencyP99Ms: result.latency.p99,
      httpRequests: result.requests.total,
      offlineMode: o.offlineMode,
      httpUsers: o.httpUsers,
    };
  } finally {
    await offline.stop();
  }
}

export async function main(argv: string[]): Promise<void> {
  const program = benchCommand('serve')
    .option('--users <n>', 'users in the synthetic model', positiveInt, 1_000_000)
    .option('--movies <n>', 'movies', positiveInt, 1000)
    .option('--dim <n>', 'factor dimension', positiveInt, 64)
    .option('--per-user <n>', 'ratings per user', positiveInt, 30)
    .option('--samples <n>', 'in-process requests per measurement', positiveInt, 2000)
    .option('--cold-runs <n>', 'fresh-process cold starts (median reported)', positiveInt, 3)
    .option('--connections <n>', 'autocannon connections', positiveInt, 100)
    .option('--duration <s>', 'autocannon seconds', positiveInt, 10)
    .addOption(new Option('--offline-mode <mode>', 'serverless-offline handler mode').choices(['in-process', 'worker']).default('in-process'))
    .option('--http-users <n>', 'distinct random users the load test cycles through', positiveInt, 10_000)
    .option('--phases <list>', 'comma list of cold,local,http', (v: string) => v.split(',').map((x) => x.trim()), ['cold', 'local', 'http'])
    .option('--json', 'one JSON object on stdout', false);
  program.parse(argv, { from: 'user' });
  const o = program.opts<ServeOptions>();
  const say = (m: string) => {
    if (!o.json) console.error(m);
    else process.stderr.write(`${m}\n`);
  };

  await mkdir(WORK_DIR, { recursive: true });
  const s3 = await startLocalS3({ directory: join(WORK_DIR, `s3-${o.users}-${o.movies}-${o.dim}-${o.perUser}`) });
  const client = createS3Client({ endpoint: s3.endpoint });
  const store = new ObjectStore(BUCKET, client);
  try {
    await store.ensureBucket();
    const version = await ensureRandomModel(store, o, say);
    const manifest = await readManifest(store, version);
    const bundle = await bundleHandler();
    say(`bundle: ${bundle} (${Math.round((await readFile(bundle)).length / 1024)} KiB)`);

    const colds = [];
    if (o.phases.includes('cold')) {
      for (let r = 0; r < o.coldRuns; r++) colds.push(await coldStart(bundle, s3.endpoint, 1 + r * 7919));
      for (const c of colds) if (c.status !== 200) throw new Error(`cold start answered ${c.status}`);
      say(`cold starts (ms since process start): ${colds.map((c) => Math.round(c.answerMs)).join(', ')}`);
    }
    const coldSorted = Float64Array.from(colds, (c) => c.answerMs).sort();
    const local = o.phases.includes('local') ? await inProcess(s3.endpoint, o) : {};
    const http = o.phases.includes('http') ? await httpLoad(s3.endpoint, o) : {};
    const report = {
      users: o.users,
      movies: o.movies,
      dim: o.dim,
      ratings: manifest.nRatings,
      usersFileMiB: round((manifest.files['users.f32']?.bytes ?? 0) / 2 ** 20, 1),
      ...(colds.length
        ? {
            coldStartMs: round(percentile(coldSorted, 0.5), 1),
            coldStartImportMs: round(colds.map((c) => c.importMs).sort((a, b) => a - b)[Math.floor(colds.length / 2)]!, 1),
            coldStartMeasure: 'fresh node process, esbuild bundle of functions/recommend.ts, ms from process start to first answer',
          }
        : {}),
      ...Object.fromEntries(Object.entries(local as Record<string, number | string>).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])),
      ...http,
      node: process.version,
    };
    if (o.json) console.log(JSON.stringify(report));
    else console.table(report);
  } finally {
    client.destroy();
    await s3.close();
  }
}
