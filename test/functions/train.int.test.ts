import { readFileSync } from 'node:fs';
import { lambdaContext } from '../../scripts/support/lambda-events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES, MODELS_PREFIX, fileKey } from '../../lib/artifacts/format';
import { listVersions, readLatest, readManifest, verifyVersion } from '../../lib/artifacts/versions';
import { configFromEvent, invocationDeadline } from '../../lib/pipeline/train-event';
import type { TrainSummary } from '../../functions/train';
import { startTestS3 } from '../helpers/s3';

const BUCKET = 'train-handler-test';
const TINY = 'synthetic:users=200,movies=40,perUser=10,seed=3';

const trainContext = (remainingMs = 900_000) => lambdaContext({ functionName: 'movie-reco-test-train', remainingMs });
const event = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8'));


describe('the train Lambda handler', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let train: typeof import('../../functions/train');
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    s3 = await startTestS3(BUCKET);
    Object.assign(process.env, {
      S3_ENDPOINT: s3.endpoint,
      MODEL_BUCKET: BUCKET,
      TRAIN_SOURCE: TINY,
      TRAIN_MODEL: 'svd',
      TRAIN_PARAMS: '{"epochs":5}',
      TRAIN_THREADS: '1',
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

  const versionFolders = async () => (await listVersions(s3.store)).map((v) => v.version).sort();

  it('reads a scheduled event as "the env defaults", and a config event over them', () => {
    const scheduled = configFromEvent(event('schedule.json'));
    expect(scheduled).toMatchObject({ source: TINY, model: 'svd', params: { epochs: 5 }, threads: 1 });
    const direct = configFromEvent({ model: 'baseline', params: {} });
    expect(direct).toMatchObject({ source: TINY, model: 'baseline', params: {} });
    const detail = configFromEvent({ ...(event('schedule.json') as object), detail: { source: 'ml-100k' } });
    expect(detail.source).toBe('ml-100k');
    expect(configFromEvent(event('synthetic-30m.json')).source).toMatch(/users=1000000,movies=1000,perUser=30/);
    // Your own click log: its format and catalogue travel in the event.
    expect(configFromEvent(event('clicks-s3.json'))).toMatchObject({
      items: expect.stringMatching(/^s3:\/\/.*items\.csv$/),
      format: { columns: ['user', 'item', 'event', '-'], header: true, eventWeights: { view: 1, cart: 3, purchase: 5 } },
    });
  });

  it('rejects a malformed event with a readable message', () => {
    expect(() => configFromEvent([1, 2])).toThrow(/must be a JSON object, got an array/);
    expect(() => configFromEvent({ modle: 'svd' })).toThrow(/unknown key.*"modle"/);
    expect(() => configFromEvent({ model: 'deep-magic' })).toThrow(/model/);
    const config = configFromEvent({});
    expect(() => invocationDeadline(config, 0, 60_000, { TRAIN_PUBLISH_MARGIN_SECONDS: 'soon' })).toThrow(/TRAIN_PUBLISH_MARGIN_SECONDS.*"soon"/);
    expect(invocationDeadline(config, 1000, 60_000, { TRAIN_PUBLISH_MARGIN_SECONDS: '20' })).toBe(41_000);
    expect(invocationDeadline({ ...config, deadline: 5000 }, 1000, 600_000, {})).toBe(5000);
  });

  it('trains on the scheduled defaults, publishes, and returns a summary', async () => {
    const summary = (await train.handler(event('schedule.json'), trainContext())) as TrainSummary;
    expect(summary.version).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(summary.mode).toBe('train');
    expect(summary.model).toBe('svd');
    expect(summary.epochs).toBe(5);
    expect(summary.dataset.nUsers).toBe(200);
    expect(summary.metrics.validationRmse).toBeGreaterThan(0);
    expect(await readLatest(s3.store)).toBe(summary.version);
    const manifest = await verifyVersion(s3.store, summary.version);
    expect(manifest.model.params).toMatchObject({ epochs: 5, dim: expect.any(Number) }); // defaults filled in
    expect(manifest.metrics).toEqual(summary.metrics);
    expect(manifest.files[FILES.catalog]).toBeDefined();
  });

  it('refuses a model bucket that does not exist before it trains, in one line', async () => {
    process.env.MODEL_BUCKET = 'no-such-model-bucket';
    try {
      await expect(train.handler(event('schedule.json'), trainContext())).rejects.toThrow(
        /^bucket no-such-model-bucket does not exist: create it .* or set MODEL_BUCKET$/,
      );
    } finally {
      process.env.MODEL_BUCKET = BUCKET;
    }
  });

  it('stops at the Lambda deadline (remaining time minus the publish margin) and says so', async () => {
    process.env.TRAIN_PUBLISH_MARGIN_SECONDS = '60';
    try {
      const summary = (await train.handler({ params: { epochs: 50 } }, trainContext(30_000))) as TrainSummary;
      expect(summary.stoppedBy).toBe('deadline');
      expect(summary.epochs).toBeLessThan(50);
      const manifest = await readManifest(s3.store, summary.version);
      expect(manifest.training.stoppedBy).toBe('deadline');
    } finally {
      delete process.env.TRAIN_PUBLISH_MARGIN_SECONDS;
    }
  });

  it.each([
    ['an unknown data set', { source: 'ml-99z' }, /unknown MovieLens data set 'ml-99z'/],
    ['a missing S3 object', { source: `s3://${BUCKET}/data/missing.csv` }, /missing\.csv.*no such object/],
    // What failed and how many lines, never the data (the quoted lines are in the log only).
    ['too many bad lines', { source: `s3://${BUCKET}/data/bad.csv` }, /^reading s3:\/\/.*bad\.csv failed: 30 bad lines; the function's log has the details/],
    ['a local path', { source: '/etc/passwd' }, /does not read local paths.*TRAIN_LOCAL_FILES=allow/],
    ['a malformed event', { model: 'svd', epochs: 3 }, /unknown key.*"epochs"/],
  ])('fails on %s and publishes nothing', async (_what, evt, message) => {
    const lines = ['userId,movieId,rating', '1,10,4', ...Array.from({ length: 30 }, (_, k) => `oops;${k};x`)];
    await s3.store.put('data/bad.csv', lines.join('\n'));
    const live = await readLatest(s3.store);
    const before = await versionFolders();
    const err = await train.handler(evt, trainContext()).catch((e: Error) => e);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toMatch(/oops|root:/);
    expect(await readLatest(s3.store)).toBe(live);
    expect(await versionFolders()).toEqual(before);
    expect(await s3.store.list(`${MODELS_PREFIX}`)).toContain(fileKey(live!, FILES.manifest));
  });
});
