/**
 * Serving under faults: `npm run -s bench -- faults [--json]`.
 *
 * The recommend handler in-process, with the S3 client settings serverless.yml deploys
 * (one attempt, 1 s to connect, 2 s of silence), reading a real s3rver through a TCP
 * proxy that counts S3's bytes and can hang. Each scenario is a fresh container (a new
 * model cache) and reports what a client saw:
 * - hungWarm: a loaded model, LATEST checked on every request, S3 hung: latency of 20 requests;
 * - hungRanged: a large model (rows by ranged GET), S3 hung: latency of 10 uncached users;
 * - corruptOnly: the live version damaged, nothing older: 100 requests, their statuses and
 *   the MB pulled from S3 (against the model's size);
 * - corruptWithOlder: the same with 9 verified older versions beside it;
 * - corruptRows: a large model with a user row of NaN, of 1e30 and of a plausible wrong value;
 * - leaks: answers, of all the above, that name a host, port, file, hash or stack.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FILES, LATEST_KEY, fileKey } from '../../lib/artifacts/format';
import { publishModel } from '../../lib/artifacts/publish';
import { createObservability } from '../../lib/http/observability';
import { createRecommendHandler, type RecommendHandler } from '../../lib/http/recommend-app';
import { ModelCache, type ModelCacheOptions } from '../../lib/serving/model-cache';
import { startLocalS3 } from '../../lib/storage/local-s3';
import { ObjectStore } from '../../lib/storage/object-store';
import { createS3Client } from '../../lib/storage/s3-client';
import { httpEvent, lambdaContext } from '../support/lambda-events';
import { startS3Proxy, type S3Proxy } from '../support/s3-proxy';
import { benchCommand } from './support/cli';
import { randomModel } from './support/random-model';
import { median } from './support/stats';

/** What serverless.yml gives the recommend function. */
const DEPLOYED_S3 = { maxAttempts: 1, connectTimeoutMs: 1000, idleTimeoutMs: 2000 };
const SHAPE = { users: 20_000, movies: 1_000, perUser: 10, dim: 32 };
const INTERNAL = /127\.0\.0\.1|localhost:\d|ECONN|\.f32|\.idx|sha256|\n\s+at /;

interface Answer {
  status: number;
  ms: number;
  body: string;
}

interface Container {
  handler: RecommendHandler;
  proxy: S3Proxy;
  close(): Promise<void>;
}

const round = (x: number) => Math.round(x * 10) / 10;
const statuses = (answers: Answer[]) => {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
};

async function ask(handler: RecommendHandler, path: string, query = ''): Promise<Answer> {
  const started = performance.now();
  const res = await handler(httpEvent('GET', path, { query }), lambdaContext());
  return { status: res.statusCode, ms: performance.now() - started, body: res.body ?? '' };
}

/** A fresh container: its own S3 client (through a new proxy) and model cache. */
async function container(s3Endpoint: string, bucket: string, cache: ModelCacheOptions = {}): Promise<Container> {
  const proxy = await startS3Proxy(s3Endpoint);
  const client = createS3Client({ endpoint: proxy.endpoint, ...DEPLOYED_S3 });
  const { logger, metrics } = createObservability();
  const handler = createRecommendHandler({ cache: new ModelCache(new ObjectStore(bucket, client), cache), logger, metrics });
  return {
    handler,
    proxy,
    async close() {
      client.destroy();
      await proxy.close();
    },
  };
}

async function flipByte(store: ObjectStore, key: string, at: number): Promise<void> {
  const body = (await store.get(key))!;
  body[at] = body[at]! ^ 0x01;
  await store.put(key, body);
}

async function setFloat(store: ObjectStore, key: string, at: number, value: (old: number) => number): Promise<void> {
  const body = (await store.get(key))!;
  body.writeFloatLE(value(body.readFloatLE(at)), at);
  await store.put(key, body);
}

export async function main(argv: string[]): Promise<void> {
  const o = benchCommand('faults').option('--json', 'print one JSON object').parse(argv, { from: 'user' }).opts<{ json?: boolean }>();
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const say = (m: string) => o.json || console.log(m);
  const dir = await mkdtemp(join(tmpdir(), 'bench-faults-'));
  const s3 = await startLocalS3({ directory: dir });
  const direct = createS3Client({ endpoint: s3.endpoint, maxAttempts: 2 });
  const storeOf = async (bucket: string) => {
    const store = new ObjectStore(bucket, direct);
    await store.ensureBucket();
    return store;
  };
  const all: Answer[] = [];
  const record = (answers: Answer[]) => (all.push(...answers), answers);
  const results: Record<string, unknown> = {};
  try {
    const input = randomModel(SHAPE);
    const good = await storeOf('good');
    const manifest = await publishModel(good, input, { version: 'v1' });
    const modelMB = Object.values(manifest.files).reduce((sum, f) => sum + f.bytes, 0) / 2 ** 20;
    say(`model: ${SHAPE.users} users x ${SHAPE.movies} movies, dim ${SHAPE.dim}, ${round(modelMB)} MB`);

    {
      const c = await container(s3.endpoint, 'good', { refreshSeconds: 0 });
      await ask(c.handler, '/reco', 'UsrID=1');
      c.proxy.hang();
      const answers: Answer[] = [];
      for (let k = 0; k < 20; k++) answers.push(await ask(c.handler, '/reco', `UsrID=${k + 2}`));
      record(answers);
      results.hungWarm = { statuses: statuses(answers), medianMs: round(median(answers.map((a) => a.ms))), maxMs: round(Math.max(...answers.map((a) => a.ms))) };
      await c.close();
    }
    {
      const c = await container(s3.endpoint, 'good', { wholeUpToBytes: 0 });
      await ask(c.handler, '/reco', 'UsrID=1');
      c.proxy.hang();
      const answers: Answer[] = [];
      for (let k = 0; k < 10; k++) answers.push(await ask(c.handler, '/reco', `UsrID=${100 + k * 997}`));
      record(answers);
      results.hungRanged = { statuses: statuses(answers), medianMs: round(median(answers.map((a) => a.ms))), maxMs: round(Math.max(...answers.map((a) => a.ms))) };
      await c.close();
    }

    const hundred = async (bucket: string) => {
      const c = await container(s3.endpoint, bucket);
      const answers: Answer[] = [];
      for (let k = 0; k < 100; k++) answers.push(await ask(c.handler, '/reco', `UsrID=${k + 1}`));
      const healthAnswer = await ask(c.handler, '/health');
      record([...answers, healthAnswer]);
      const health = JSON.parse(healthAnswer.body) as Record<string, unknown>;
      const mb = c.proxy.bytesFromS3 / 2 ** 20;
      await c.close();
      return { statuses: statuses(answers), mbFromS3: round(mb), modelReadsEquivalent: round(mb / modelMB), health };
    };
    {
      const only = await storeOf('corrupt-only');
      await publishModel(only, input, { version: 'v1' });
      await flipByte(only, fileKey('v1', FILES.items), 100);
      const r = await hundred('corrupt-only');
      results.corruptOnly = { statuses: r.statuses, mbFromS3: r.mbFromS3, modelReadsEquivalent: r.modelReadsEquivalent };
    }
    {
      const older = await storeOf('corrupt-with-older');
      for (let v = 1; v <= 10; v++) await publishModel(older, input, { version: `v${String(v).padStart(2, '0')}`, keep: 10 });
      await flipByte(older, fileKey('v10', FILES.items), 100);
      await older.put(LATEST_KEY, 'v10');
      const r = await hundred('corrupt-with-older');
      const health = r.health as { model?: { version?: string }; degraded?: boolean; degradedReason?: string };
      results.corruptWithOlder = { ...r, health: undefined, servedVersion: health.model?.version, degraded: health.degraded, degradedReason: health.degradedReason };
    }
    {
      const rows = await storeOf('corrupt-rows');
      await publishModel(rows, input, { version: 'v1' });
      const usersKey = fileKey('v1', FILES.users);
      const rowAt = (u: number) => u * SHAPE.dim * 4;
      // Users 11, 21, 31 (index = id - 1) share users.f32's first 64 KiB block; user 15001 lies in another.
      await setFloat(rows, usersKey, rowAt(10), () => Number.NaN);
      await setFloat(rows, usersKey, rowAt(20) + 4, () => 1e30);
      await setFloat(rows, usersKey, rowAt(30), (x) => x * 0.5 + 0.01);
      const c = await container(s3.endpoint, 'corrupt-rows', { wholeUpToBytes: 0 });
      const ask1 = async (id: number) => record([await ask(c.handler, '/reco', `UsrID=${id}`)])[0]!.status;
      results.corruptRows = { nanRow: await ask1(11), hugeRow: await ask1(21), plausibleRow: await ask1(31), otherBlock: await ask1(15_001) };
      await c.close();
    }
    results.leaks = { answers: all.length, naming: all.filter((a) => INTERNAL.test(a.body)).length };
  } finally {
    direct.destroy();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
  if (o.json) console.log(JSON.stringify(results));
  else for (const [name, r] of Object.entries(results)) console.log(`${name}: ${JSON.stringify(r)}`);
}
