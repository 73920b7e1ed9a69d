import { readFileSync } from 'node:fs';
import { lambdaContext } from '../../scripts/support/lambda-events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '../../functions/train';
import { BATCH_MANIFEST_FILE, BatchManifest } from '../../lib/batch/batch-manifest';
import { parseTrainEvent } from '../../lib/pipeline/train-event';
import { startTestS3 } from '../helpers/s3';
import { buildFixture, publishFixture } from '../serving/fixture';

const BUCKET = 'batch-handler-test';
const example = JSON.parse(readFileSync(new URL('../../events/batch.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const schedule = JSON.parse(readFileSync(new URL('../../events/schedule.json', import.meta.url), 'utf8')) as Record<string, unknown>;


const trainContext = (remainingMs = 900_000) => lambdaContext({ functionName: 'movie-reco-test-train', remainingMs });

describe('the train function in batch mode', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let train: typeof import('../../functions/train');
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    s3 = await startTestS3(BUCKET);
    await publishFixture(s3.store, buildFixture({ nUsers: 90, nItems: 40, dim: 4, seed: 31 }), 'v1');
    Object.assign(process.env, {
      S3_ENDPOINT: s3.endpoint,
      MODEL_BUCKET: BUCKET,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_DEV: 'false',
    });
    train = await import('../../functions/train');
  });
  afterAll(async () => {
    process.env = savedEnv;
    await s3.close();
  });

  it('reads the example event as a batch export, and anything without a mode as training', () => {
    expect(parseTrainEvent(example)).toEqual({
      mode: 'batch',
      request: { n: 20, partUsers: 100_000, explain: false, out: { bucket: 'movie-reco-local', prefix: 'batch/top20/' }, filter: { excludeGenres: ['Horror'] } },
    });
    expect(parseTrainEvent({ ...schedule, detail: { mode: 'batch', out: 's3://b-1/x/' } })).toMatchObject({ mode: 'batch', request: { n: 10 } });
    expect(parseTrainEvent({ mode: 'train', model: 'svd' })).toMatchObject({ mode: 'train', config: { model: 'svd' } });
    expect(parseTrainEvent(schedule).mode).toBe('train');
    const refresh = JSON.parse(readFileSync(new URL('../../events/refresh.json', import.meta.url), 'utf8')) as unknown;
    expect(parseTrainEvent(refresh)).toEqual({ mode: 'refresh', request: { duplicates: 'last' } });
  });

  it('runs the refresh mode: with no posted events it publishes nothing and says so', async () => {
    const summary = await train.handler({ mode: 'refresh' }, trainContext());
    expect(summary).toMatchObject({ mode: 'refresh', published: false, reason: 'no new events', from: 'v1' });
    expect((await s3.store.get('models/LATEST'))!.toString()).toBe('v1');
  });

  it('writes every user of the live model and answers with a summary', async () => {
    const event = { ...example, out: `s3://${BUCKET}/batch/top20/`, excludeGenres: ['Drama'], partUsers: 40 };
    const summary = (await train.handler(event, trainContext())) as BatchSummary;
    expect(summary).toMatchObject({ mode: 'batch', version: 'v1', manifest: `s3://${BUCKET}/batch/top20/${BATCH_MANIFEST_FILE}`, users: 90, parts: 3 });
    const manifest = BatchManifest.parse(JSON.parse((await s3.store.get(`batch/top20/${BATCH_MANIFEST_FILE}`))!.toString('utf8')));
    expect(manifest).toMatchObject({ n: 20, totalUsers: 90, totalBytes: summary.bytes, filters: { excludeGenres: ['Drama'] } });
    expect((await s3.store.list('batch/top20/')).sort()).toEqual([
      'batch/top20/manifest.json',
      'batch/top20/part-00000.jsonl',
      'batch/top20/part-00001.jsonl',
      'batch/top20/part-00002.jsonl',
    ]);
  });

  it.each([
    ['a bad out', { mode: 'batch', out: 's3://x' }, /--out \/ out must be s3:\/\/bucket\/prefix\/: "s3:\/\/x" does not name a valid bucket/],
    ['an unknown field', { mode: 'batch', out: `s3://${BUCKET}/batch/bad/`, top: 5 }, /unknown key\(s\) "top"/],
    ['an unknown genre', { mode: 'batch', out: `s3://${BUCKET}/batch/bad/`, genres: ['Noir'] }, /unknown genre "Noir"/],
    ['an unknown mode', { mode: 'retrain' }, /mode must be "train", "batch" or "refresh", got "retrain"/],
    ['a bad refresh', { mode: 'refresh', duplicates: 'error' }, /invalid refresh request: duplicates/],
  ])('fails the invocation on %s and writes nothing', async (_what, event, message) => {
    const before = (await s3.store.list('')).sort();
    await expect(train.handler(event, trainContext())).rejects.toThrow(message);
    expect((await s3.store.list('')).sort()).toEqual(before);
  });

  it('fails, without a manifest, when the invocation runs out of time', async () => {
    await expect(train.handler({ mode: 'batch', out: `s3://${BUCKET}/batch/late/` }, trainContext(1000))).rejects.toThrow(
      /out of time after 0 of 90 users; no manifest written/,
    );
    expect(await s3.store.get(`batch/late/${BATCH_MANIFEST_FILE}`)).toBeUndefined();
  });
});
