import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLatest, verifyVersion } from '../../lib/artifacts/versions';
import { runLocalStateMachine } from '../../lib/distributed/local-run';
import { startTestS3 } from '../helpers/s3';
import { ROOT, run } from './process';

const BUCKET = 'image-bundle-test';

/**
 * The Dockerfile's build step (scripts/build/bundle-train.mjs) without Docker: the bundle
 * must run on plain node with no node_modules and no tsx, worker threads included.
 */
describe('the train container bundle', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let out: string;
  beforeAll(async () => {
    s3 = await startTestS3(BUCKET);
    out = await mkdtemp(join(tmpdir(), 'train-bundle-'));
  });
  afterAll(async () => {
    await s3.close();
    await rm(out, { recursive: true, force: true });
  });

  it('is what the Dockerfile builds and copies into the Lambda image', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM public\.ecr\.aws\/lambda\/nodejs:22\b/m);
    expect(dockerfile).toContain('RUN node scripts/build/bundle-train.mjs /build/dist/train');
    expect(dockerfile).toMatch(/COPY --from=build \/build\/dist\/train\/ \$\{LAMBDA_TASK_ROOT\}\//);
    expect(dockerfile).toMatch(/CMD \["train\.handler"\]/);
  });

  it('bundles train.mjs with its worker and trains + publishes with 2 threads', async () => {
    const built = await run(process.execPath, ['scripts/build/bundle-train.mjs', out], { timeoutMs: 60_000 });
    expect(built.code, built.stderr).toBe(0);
    const files = await readdir(out);
    expect(files).toEqual(expect.arrayContaining(['train.mjs', 'kernel-worker.mjs', 'parse-worker.mjs', 'package.json']));
    expect(files.some((f) => f === 'node_modules')).toBe(false);
    expect(existsSync(join(out, 'train.mjs.map'))).toBe(true);

    const invoked = await run(process.execPath, [join(ROOT, 'test/infra/invoke-bundle.mjs'), out, join(ROOT, 'events/synthetic-small.json')], {
      timeoutMs: 90_000,
      env: {
        S3_ENDPOINT: s3.endpoint,
        MODEL_BUCKET: BUCKET,
        TRAIN_THREADS: '2',
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'WARN',
        NODE_PATH: '',
      },
    });
    expect(invoked.code, invoked.stderr).toBe(0);
    const result = JSON.parse(invoked.stdout.split('\n').find((l) => l.startsWith('RESULT '))!.slice(7));
    expect(await readLatest(s3.store)).toBe(result.version);
    const manifest = await verifyVersion(s3.store, result.version);
    expect(manifest.nUsers).toBe(2000);
    expect(manifest.training.epochs).toBeGreaterThanOrEqual(1);
    expect(manifest.training.epochs).toBeLessThanOrEqual(8); // the event asks for 8 (early stopping may end sooner)
    expect(manifest.metrics.validationRmse).toBeGreaterThan(0);

    // The batch mode, from the same bundle: the model just published, every user's top 5.
    const batchEvent = join(out, 'batch-event.json');
    writeFileSync(batchEvent, JSON.stringify({ mode: 'batch', n: 5, out: `s3://${BUCKET}/batch/bundle/` }));
    const batch = await run(process.execPath, [join(ROOT, 'test/infra/invoke-bundle.mjs'), out, batchEvent], {
      timeoutMs: 60_000,
      env: { S3_ENDPOINT: s3.endpoint, MODEL_BUCKET: BUCKET, POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'WARN', NODE_PATH: '' },
    });
    expect(batch.code, batch.stderr).toBe(0);
    const batchManifest = JSON.parse((await s3.store.get('batch/bundle/manifest.json'))!.toString('utf8'));
    expect(batchManifest).toMatchObject({ model: { version: result.version }, n: 5, totalUsers: 2000 });
  }, 150_000);

  it('parses a large local file in ranges with the bundled parse worker, as one stream would', async () => {
    // Over the 64 MiB below which a file is read as one stream; distinct pairs, one bad line late in the file.
    const users = 20_000;
    const lines: string[] = [];
    for (let k = 0; k < 3_000_000; k++) lines.push(k === 2_900_000 ? 'not a rating line' : `${1 + (k % users)}::${1 + Math.floor(k / users)}::${1 + (k % 5)}::978300760`);
    const text = `${lines.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(64 << 20);
    const file = join(out, 'big.dat');
    writeFileSync(file, text);
    const event = join(out, 'big-event.json');
    writeFileSync(event, JSON.stringify({ source: file, model: 'popularity' }));
    const invoked = await run(process.execPath, [join(ROOT, 'test/infra/invoke-bundle.mjs'), out, event], {
      timeoutMs: 90_000,
      env: { S3_ENDPOINT: s3.endpoint, MODEL_BUCKET: BUCKET, POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'WARN', NODE_PATH: '', TRAIN_LOCAL_FILES: 'allow' },
    });
    expect(invoked.code, invoked.stderr).toBe(0);
    const result = JSON.parse(invoked.stdout.split('\n').find((l) => l.startsWith('RESULT '))!.slice(7));
    const manifest = await verifyVersion(s3.store, result.version);
    expect(manifest.dataset).toMatchObject({ nRatings: lines.length - 1, nUsers: users, sha256: createHash('sha256').update(text).digest('hex') });
  }, 150_000);
  it('runs the distributed state machine with every Task the bundle handler (what the image deploys)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { S3_ENDPOINT: s3.endpoint, MODEL_BUCKET: BUCKET, TRAIN_THREADS: '1', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' });
    try {
      const { handler } = (await import(pathToFileURL(join(out, 'train.mjs')).href)) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
      const context = { functionName: 'image-train', awsRequestId: 'image-distributed', getRemainingTimeInMillis: () => 900_000 };
      const { output } = await runLocalStateMachine(
        { config: { source: 'synthetic:users=500,movies=80,perUser=10,seed=2', model: 'ials', params: { epochs: 2, dim: 8 } }, shards: 3 },
        { invoke: (event) => handler(event, context), store: s3.store },
      );
      const version = (output as { version: string }).version;
      expect(await readLatest(s3.store)).toBe(version);
      expect((await verifyVersion(s3.store, version)).model.params).toMatchObject({ engine: 'distributed', shards: 3 });
    } finally {
      process.env = saved;
    }
  }, 60_000);
});
