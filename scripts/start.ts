/**
 * `npm start`: the whole service on this machine, no AWS account, no network.
 *
 * 1. an embedded S3 (s3rver, its own process) on LOCAL_S3_PORT (default 4569), data in
 *    LOCAL_DATA_DIR (default .local/s3), bucket MODEL_BUCKET (default movie-reco-local);
 * 2. if no model is live yet, trains one on the default synthetic data set and publishes it;
 * 3. the API through serverless-offline on API_PORT (default 3000);
 * then prints the URL and stops everything on Ctrl-C / SIGTERM. s3rver and
 * serverless-offline write their output to .local/logs/; either one dying is reported and
 * stops the stack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishModel } from '../lib/artifacts/publish';
import { readLatest } from '../lib/artifacts/versions';
import { DEFAULT_SYNTHETIC } from '../lib/data/sources/spec';
import type { Progress } from '../lib/models/contract';
import { InteractionsFormatSchema, TrainConfigSchema, type InteractionsFormatInput } from '../lib/pipeline/config';
import { toPublishInput } from '../lib/pipeline/publish-input';
import { describeData, describeMetrics } from '../lib/pipeline/report';
import { runTraining } from '../lib/pipeline/train-pipeline';
import { ObjectStore } from '../lib/storage/object-store';
import { createS3Client } from '../lib/storage/s3-client';
import { freePort, LOCAL_API_PORT, LOCAL_BUCKET, LOCAL_DATA_DIR, LOCAL_S3_PORT, portIsFree } from './local-stack';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const env = process.env;
const s3Port = portFromEnv('LOCAL_S3_PORT', LOCAL_S3_PORT);
const apiPort = portFromEnv('API_PORT', LOCAL_API_PORT);
const dataDir = resolve(root, env.LOCAL_DATA_DIR || LOCAL_DATA_DIR);
const bucket = env.MODEL_BUCKET || LOCAL_BUCKET;
/** What the first model trains on: START_SOURCE (any source text), default parseSource's 'synthetic' (DEFAULT_SYNTHETIC). */
const source = env.START_SOURCE || 'synthetic';
/** The first model's training time limit: START_TRAIN_SECONDS, default 30 (the best epoch so far is kept). */
const trainSeconds = Number(env.START_TRAIN_SECONDS || 30);
/** The first model's kind: START_MODEL, default the service's default (the best ranker). */
const model = TrainConfigSchema.shape.model.parse(env.START_MODEL || undefined);
/** How to read START_SOURCE when it is a file: START_FORMAT, the train event's `format` as JSON ({"columns": [...], ...}). */
const format = formatFromEnv(env.START_FORMAT);
/** The x-api-key of POST /events: EVENTS_API_KEY, else a fresh random one for this run (printed below). */
const eventsApiKey = env.EVENTS_API_KEY || randomBytes(24).toString('base64url');

function formatFromEnv(raw: string | undefined): InteractionsFormatInput | undefined {
  if (!raw) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    fail(`START_FORMAT is not JSON: ${raw}`);
  }
  const parsed = InteractionsFormatSchema.safeParse(value);
  if (!parsed.success) fail(`START_FORMAT: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(format)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
if (!(trainSeconds > 0)) fail(`START_TRAIN_SECONDS must be a number of seconds > 0, got '${env.START_TRAIN_SECONDS}'`);

function portFromEnv(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`${name} must be a port number, got '${raw}'`);
  return port;
}

function fail(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

const formatProgress = (p: Progress): string =>
  `  epoch ${String(p.epoch).padStart(3)}  train ${p.batchError.toFixed(4)}  test ${p.testError.toFixed(4)}${p.best ? ' *' : '  '}  ${(p.elapsedMs / 1000).toFixed(1)}s`;

/** The PoC's per-epoch line, compactly: one line rewritten in place on a terminal, else every 10th epoch. */
function progressPrinter(): { onProgress: (p: Progress) => void; done: () => void } {
  const tty = process.stdout.isTTY;
  let last: Progress | undefined;
  return {
    onProgress: (p) => {
      last = p;
      if (tty) process.stdout.write(`\r${formatProgress(p)}`);
      else if (p.epoch % 10 === 0) console.log(formatProgress(p));
    },
    done: () => {
      if (tty) process.stdout.write('\n');
      else if (last && last.epoch % 10 !== 0) console.log(formatProgress(last));
    },
  };
}

async function trainFirstModel(store: ObjectStore): Promise<void> {
  const d = DEFAULT_SYNTHETIC as { users?: number; movies?: number };
  const what = source === 'synthetic' ? `the default synthetic set (${d.users} users x ${d.movies} movies)` : source;
  console.log(`No model published yet: training ${model} on ${what} (at most ${trainSeconds}s)`);
  const progress = progressPrinter();
  const run = await runTraining(
    { source, model, ...(format ? { format } : {}), deadlineMs: Math.max(1, Math.round(trainSeconds * 1000)) },
    { onProgress: progress.onProgress, onLoaded: (report) => describeData(report).forEach((line) => console.log(`  ${line}`)) },
  );
  progress.done();
  console.log(`  trained in ${run.timings.total?.toFixed(1)}s${run.fit.stoppedBy ? ` (stopped by ${run.fit.stoppedBy})` : ''}`);
  for (const line of describeMetrics(run.metrics)) console.log(`  ${line}`);
  const manifest = await publishModel(store, toPublishInput(run));
  console.log(`  published model ${manifest.version}`);
}

/** Polls `url` until it answers with any HTTP status, or throws after `timeoutMs`. */
async function waitForHttp(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${url}: its process exited while starting`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(`the API did not answer at ${url} within ${timeoutMs / 1000}s`);
}

let s3: ChildProcess | undefined;
let offline: ChildProcess | undefined;
let stopping: Promise<void> | undefined;

/** Stops serverless-offline (its whole process group) and s3rver; safe to call twice. */
function stop(): Promise<void> {
  stopping ??= (async () => {
    // The API first (it uses S3), then S3.
    for (const child of [offline, s3]) await stopGroup(child);
  })();
  return stopping;
}

/** Stops a child's whole process group: SIGTERM, SIGKILL after 5 s, then anything left. */
async function stopGroup(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  killGroup(child.pid, 'SIGTERM');
  const hard = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(hard);
  killGroup(child.pid, 'SIGKILL');
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('\nstopping...');
    void stop().then(() => process.exit(0));
  });
}
// If this process dies some other way, leave nothing behind.
process.once('exit', () => {
  for (const child of [offline, s3]) if (child?.pid && child.exitCode === null) killGroup(child.pid, 'SIGKILL');
});

/** Where the children write: LOCAL_LOG_DIR (default .local/logs)/<name>.log. */
const logDir = resolve(root, env.LOCAL_LOG_DIR || '.local/logs');

/**
 * A child in its own process group (so stop() ends it and all of its children) writing
 * to its log file; its dying while the stack runs is reported, with its log's last lines,
 * and stops everything.
 */
function startChild(name: string, command: string, args: string[], childEnv: NodeJS.ProcessEnv): ChildProcess {
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `${name}.log`);
  const log = openSync(logPath, 'w');
  const child = spawn(command, args, { cwd: root, detached: true, stdio: ['ignore', log, log], env: { ...env, ...childEnv } });
  closeSync(log);
  child.once('exit', (code, signal) => {
    if (stopping) return;
    const tail = readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n');
    console.error(`${tail}\n${name} exited (${signal ?? code}); stopping (its log: ${logPath})`);
    void stop().then(() => process.exit(1));
  });
  return child;
}

async function startS3(): Promise<string> {
  const port = s3Port || (await freePort());
  const child = startChild('s3rver', process.execPath, ['--import', 'tsx', resolve(root, 'scripts/support/s3rver-process.ts')], {
    LOCAL_S3_PORT: String(port),
    LOCAL_DATA_DIR: dataDir,
  });
  s3 = child;
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForHttp(`${endpoint}/`, 30_000, child);
  return endpoint;
}

async function startOffline(s3Endpoint: string): Promise<ChildProcess> {
  const lambdaPort = await freePort();
  return startChild('serverless-offline', resolve(root, 'node_modules/.bin/sls'), ['offline', 'start', '--stage', 'local'], {
    S3_ENDPOINT: s3Endpoint,
    MODEL_BUCKET: bucket,
    API_PORT: String(apiPort),
    OFFLINE_LAMBDA_PORT: String(lambdaPort),
    AWS_REGION: env.AWS_REGION ?? 'us-east-1',
    EVENTS_API_KEY: eventsApiKey,
  });
}

/** Both ports, before anything starts or trains: a busy one is named by its variable, in one line. */
async function checkPorts(): Promise<void> {
  for (const [name, port] of [['LOCAL_S3_PORT', s3Port], ['API_PORT', apiPort]] as const) {
    if (port !== 0 && !(await portIsFree(port))) fail(`port ${port} (${name}) is in use: stop what holds it, or set ${name} to a free port`);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  await checkPorts();
  const s3Endpoint = await startS3();
  console.log(`S3 (s3rver)   ${s3Endpoint}  bucket ${bucket}  data in ${dataDir}  (logs in ${logDir})`);
  const client = createS3Client({ endpoint: s3Endpoint, maxAttempts: 3 });
  const store = new ObjectStore(bucket, client);
  await store.ensureBucket();
  const live = await readLatest(store);

  // The API starts (bundling takes a while) while the first model trains.
  offline = await startOffline(s3Endpoint);
  if (live) console.log(`live model    ${live}`);
  else await trainFirstModel(store);
  if (stopping) return;

  const base = `http://localhost:${apiPort}`;
  console.log('waiting for the API (serverless-offline)...');
  await waitForHttp(`http://127.0.0.1:${apiPort}/health`, 120_000, offline);
  console.log(`\nAPI ready at ${base}  (started in ${((Date.now() - started) / 1000).toFixed(1)}s)`);
  console.log(`  demo page: ${base}/?user=40`);
  console.log(`  curl "${base}/reco?UsrID=40&n_recos=5"`);
  console.log(`  curl "${base}/movies/1/similar"`);
  console.log(`  curl "${base}/health"`);
  console.log(`events API key (x-api-key)${env.EVENTS_API_KEY ? ' from EVENTS_API_KEY' : ', generated for this run (set EVENTS_API_KEY to keep one)'}: ${eventsApiKey}`);
  console.log(`  curl -X POST "${base}/events" -H "x-api-key: ${eventsApiKey}" -H "content-type: application/json" -d '[{"userId":40,"movieId":1,"rating":5}]'`);
  console.log('  npm run refresh    (takes the posted events into the live model)');
  console.log('Ctrl-C stops everything.');
}

main().catch(async (err: unknown) => {
  console.error(`npm start failed: ${(err as Error).message}`);
  await stop();
  process.exit(1);
});
