import { execFile } from 'node:child_process';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_MANIFEST_FILE, BatchManifest } from '../../lib/batch/batch-manifest';
import { BatchRequestError } from '../../lib/batch/errors';
import { loadLiveModel } from '../../lib/batch/live-model';
import { parseBatchRequest, type BatchRequestInput } from '../../lib/batch/request';
import { runBatch } from '../../lib/batch/run-batch';
import type { ExternalId } from '../../lib/data/external-id';
import { NoModelError } from '../../lib/serving/errors';
import { recommendForUser } from '../../lib/serving/recommender';
import type { ServingModel } from '../../lib/serving/serving-model';
import { ObjectStore } from '../../lib/storage/object-store';
import { startTestS3 } from '../helpers/s3';
import { buildFixture, movieIdOf, publishFixture, ratedBy, userIdOf } from '../serving/fixture';

/** An ObjectStore that notes each object once S3 has all of it, in that order. */
class RecordingStore extends ObjectStore {
  readonly written: string[] = [];
  override async put(key: string, body: Buffer | Uint8Array | string, contentType?: string): Promise<void> {
    await super.put(key, body, contentType);
    this.written.push(key);
  }
  override async upload(key: string, body: Buffer | Uint8Array | Readable, contentType?: string): Promise<void> {
    await super.upload(key, body, contentType);
    this.written.push(key);
  }
}

interface Line {
  userId: ExternalId;
  items: ExternalId[];
  scores: number[];
}

const BUCKET = 'batch-test';
const N_USERS = 250;
const svd = buildFixture({ nUsers: N_USERS, nItems: 60, dim: 8, seed: 21 });
const ials = buildFixture({ nUsers: 120, nItems: 40, dim: 6, seed: 22, kind: 'ials' });

let s3: Awaited<ReturnType<typeof startTestS3>>;
let store: RecordingStore;
let model: ServingModel;

const request = (input: Partial<BatchRequestInput> & { prefix: string }) => {
  const { prefix, ...rest } = input;
  return parseBatchRequest({ n: 7, partUsers: 100, out: `s3://${BUCKET}/${prefix}`, ...rest });
};

async function readManifestAt(prefix: string): Promise<BatchManifest> {
  const body = await store.get(prefix + BATCH_MANIFEST_FILE);
  expect(body, `${prefix}${BATCH_MANIFEST_FILE}`).toBeDefined();
  return BatchManifest.parse(JSON.parse(body!.toString('utf8')));
}

/** Every part the manifest lists, as parsed lines, checking each part's bytes and line count against it. */
async function readParts(target: ObjectStore, prefix: string, manifest: BatchManifest): Promise<Line[][]> {
  const parts: Line[][] = [];
  for (const part of manifest.parts) {
    const body = (await target.get(prefix + part.file))!;
    expect(body.length).toBe(part.bytes);
    const text = body.toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines).toHaveLength(part.users);
    parts.push(lines);
  }
  return parts;
}

/** The lines agree with what /reco answers for each user: the same movies in the same order, the same float32 scores. */
async function expectRecommenderLists(lines: Line[], n: number, served: ServingModel, mask?: Parameters<typeof recommendForUser>[3]): Promise<void> {
  for (const line of lines) {
    const reco = await recommendForUser(served, line.userId, n, mask);
    expect(reco.fallback).toBeUndefined();
    expect(line.items).toEqual(reco.movies.map((m) => m.id));
    expect(line.scores.map((s) => Math.fround(s))).toEqual(reco.movies.map((m) => m.score));
  }
}

const keysUnder = async (prefix: string) => (await store.list(prefix)).sort();

beforeAll(async () => {
  s3 = await startTestS3(BUCKET);
  store = new RecordingStore(BUCKET, s3.client);
  await publishFixture(store, svd, 'v1');
  model = await loadLiveModel(store);
});
afterAll(async () => s3?.close());

describe('a batch export', () => {
  it('writes every user exactly once, in parts of partUsers, each line the list /reco gives that user', async () => {
    store.written.length = 0;
    const manifest = await runBatch(request({ prefix: 'exports/all/' }), store);

    expect(manifest.parts.map((p) => [p.file, p.users])).toEqual([
      ['part-00000.jsonl', 100],
      ['part-00001.jsonl', 100],
      ['part-00002.jsonl', 50],
    ]);
    const lines = (await readParts(store, 'exports/all/', manifest)).flat();
    expect(lines.map((l) => l.userId)).toEqual(Array.from({ length: N_USERS }, (_, u) => userIdOf(u)));
    await expectRecommenderLists(lines, 7, model);
    for (const [u, line] of lines.entries()) {
      expect(line.items).toHaveLength(7);
      const seen = ratedBy(svd, u);
      for (const id of line.items) expect(seen.has(id)).toBe(false);
    }
  });

  it('gives each movie its reasons with explain, as explain=true answers them', async () => {
    const manifest = await runBatch(request({ prefix: 'exports/explained/', n: 5, explain: true }), store);
    expect(manifest.explain).toBe(true);
    const lines = (await readParts(store, 'exports/explained/', manifest)).flat() as Array<Line & { reasons: { id: number; share: number }[][] }>;
    let given = 0;
    for (const line of lines) {
      const reco = await recommendForUser(model, line.userId, 5, undefined, true);
      expect(line.items).toEqual(reco.movies.map((m) => m.id));
      expect(line.reasons).toEqual(reco.movies.map((m) => m.reasons!.map(({ id, share }) => ({ id, share }))));
      given += line.reasons.flat().length;
    }
    expect(given).toBeGreaterThan(0);
    // Without explain, no reasons field.
    const plain = await runBatch(request({ prefix: 'exports/plain/', n: 5 }), store);
    expect(plain.explain).toBe(false);
    for (const line of (await readParts(store, 'exports/plain/', plain)).flat()) expect(line).not.toHaveProperty('reasons');
  });

  it('writes the manifest last, and it says what was written', async () => {
    store.written.length = 0;
    const manifest = await runBatch(request({ prefix: 'exports/m/', n: 5 }), store);
    expect(store.written).toEqual(['exports/m/part-00000.jsonl', 'exports/m/part-00001.jsonl', 'exports/m/part-00002.jsonl', 'exports/m/manifest.json']);

    expect(await readManifestAt('exports/m/')).toEqual(manifest);
    expect(manifest).toMatchObject({
      format: 1,
      model: { version: 'v1', kind: 'svd', nUsers: N_USERS, nItems: 60 },
      n: 5,
      filters: {},
      filteredItems: 0,
      totalUsers: N_USERS,
    });
    for (const part of manifest.parts) expect((await store.head(`exports/m/${part.file}`))!.size).toBe(part.bytes);
    expect(manifest.totalBytes).toBe(manifest.parts.reduce((s, p) => s + p.bytes, 0));
    expect(Date.parse(manifest.startedAt)).toBeLessThanOrEqual(Date.parse(manifest.finishedAt));
  });

  it("applies the API's filters inside each user's top-N", async () => {
    const filter = { genres: ['comedy'], exclude: [movieIdOf(0), movieIdOf(2)], years: '1992-2005' };
    const manifest = await runBatch(request({ prefix: 'exports/comedy/', ...filter }), store);
    const mask = model.masks.mask({ genres: ['comedy'], exclude: [movieIdOf(0), movieIdOf(2)], years: { from: 1992, to: 2005 } });
    expect(manifest.filters).toEqual({ genres: ['comedy'], exclude: [1000, 1006], years: { from: 1992, to: 2005 } });
    expect(manifest.filteredItems).toBe(mask!.removed);

    const lines = (await readParts(store, 'exports/comedy/', manifest)).flat();
    expect(lines).toHaveLength(N_USERS);
    await expectRecommenderLists(lines, 7, model, mask);
    for (const line of lines) {
      expect(line.items.length).toBeGreaterThan(0);
      for (const id of line.items) {
        const entry = svd.dataset.catalog!.get(id)!;
        expect(entry.genres).toContain('Comedy');
        expect(entry.year).toBeGreaterThanOrEqual(1992);
        expect(entry.year).toBeLessThanOrEqual(2005);
        expect([1000, 1006]).not.toContain(id);
      }
    }
  });

  it('reads movie ids given as text (the CLI) as the model does, and a filter nothing passes gives empty lists', async () => {
    const asText = await runBatch(request({ prefix: 'exports/text/', exclude: ['1000', '1006'] }), store);
    expect(asText.filters.exclude).toEqual([1000, 1006]);
    const none = await runBatch(request({ prefix: 'exports/none/', genres: ['Drama'], excludeGenres: ['Drama'] }), store);
    const lines = (await readParts(store, 'exports/none/', none)).flat();
    expect(lines).toHaveLength(N_USERS);
    for (const line of lines) expect(line).toMatchObject({ items: [], scores: [] });
  });

  it("rewrites a prefix: the old manifest goes first, the old run's extra parts after the new parts", async () => {
    await runBatch(request({ prefix: 'exports/again/', partUsers: 50 }), store);
    expect(await keysUnder('exports/again/')).toHaveLength(6);
    store.written.length = 0;
    const manifest = await runBatch(request({ prefix: 'exports/again/', partUsers: 200 }), store);
    expect(manifest.parts.map((p) => p.users)).toEqual([200, 50]);
    expect(await keysUnder('exports/again/')).toEqual(['exports/again/manifest.json', 'exports/again/part-00000.jsonl', 'exports/again/part-00001.jsonl']);
    expect((await readParts(store, 'exports/again/', manifest)).flat()).toHaveLength(N_USERS);
  });

  it('ranks with a ranking model too (iALS scores, unclipped)', async () => {
    const other = await startTestS3('batch-ials');
    try {
      await publishFixture(other.store, ials, 'i1');
      const manifest = await runBatch(parseBatchRequest({ n: 4, out: 's3://batch-ials/top4/' }), other.store);
      expect(manifest.model.kind).toBe('ials');
      const lines = (await readParts(other.store, 'top4/', manifest)).flat();
      expect(lines).toHaveLength(120);
      await expectRecommenderLists(lines, 4, await loadLiveModel(other.store));
    } finally {
      await other.close();
    }
  });

  it.each([
    ['an unknown genre', { genres: ['Western'] }, /filter: unknown genre "Western"; this model's genres are Action, Comedy, Drama/],
    ['a movie id of the wrong kind', { exclude: ['abc'] }, /filter: .*movie id/],
    ['an empty years range', { years: '2005-1990' }, /filter: years 2005-1990: the first year is after the last/],
    ['a malformed years range', { years: 'nineties' }, /filter: years must be a year or a range/],
    ['the models/ folder', { out: `s3://${BUCKET}/models/batch/` }, /inside models\/ in the model bucket/],
    ['a bucket that does not exist', { out: 's3://no-such-bucket/x/' }, /bucket no-such-bucket does not exist/],
  ])('refuses %s with a BatchRequestError and writes nothing', async (_what, fields, message) => {
    const prefix = 'exports/all/';
    const before = await keysUnder('');
    const manifestBefore = await readManifestAt(prefix);
    store.written.length = 0;
    const err = await runBatch(request({ prefix, ...fields }), store).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatchRequestError);
    expect((err as Error).message).toMatch(message);
    expect(store.written).toEqual([]);
    expect(await keysUnder('')).toEqual(before);
    expect(await readManifestAt(prefix)).toEqual(manifestBefore);
  });

  it('says so when no model is live', async () => {
    const empty = new ObjectStore('batch-empty', s3.client);
    await empty.ensureBucket();
    await expect(runBatch(parseBatchRequest({ out: `s3://${BUCKET}/exports/empty/` }), empty)).rejects.toThrow(NoModelError);
    await expect(runBatch(parseBatchRequest({ out: `s3://${BUCKET}/exports/empty/` }), empty)).rejects.toThrow(/no model is live in s3:\/\/batch-empty\/models\//);
    expect(await keysUnder('exports/empty/')).toEqual([]);
  });
});

describe('npm run batch', () => {
  // Asynchronous: the s3rver it talks to runs in this process.
  const cli = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const env = { ...process.env, S3_ENDPOINT: s3.endpoint, MODEL_BUCKET: BUCKET, NODE_NO_WARNINGS: '1' };
      const child = execFile(process.execPath, ['--import', 'tsx', 'scripts/batch.ts', ...args], { env, timeout: 60_000 }, (_err, stdout, stderr) =>
        resolve({ status: child.exitCode, stdout, stderr }),
      );
    });

  it('exports the live model with the flags, filters included, and prints the manifest with --json', async () => {
    const run = await cli('--out', `s3://${BUCKET}/cli/top3`, '--n', '3', '--part-users', '120', '--genres', 'Drama,Action', '--exclude', '1003', '--json');
    expect(run.stderr).toMatch(/wrote 250 users in 3 parts .* and s3:\/\/batch-test\/cli\/top3\/manifest\.json/);
    expect(run.status).toBe(0);
    const manifest = BatchManifest.parse(JSON.parse(run.stdout));
    expect(manifest).toMatchObject({ n: 3, totalUsers: N_USERS, filters: { genres: ['Drama', 'Action'], exclude: [1003] } });
  });

  it('refuses a bad --out in one line with exit code 2, writing nothing', async () => {
    const before = await keysUnder('');
    const run = await cli('--out', 'bucket/prefix', '--n', '3');
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('batch: --out / out must be s3://bucket/prefix/: "bucket/prefix" is not an s3:// URL');
    expect(await keysUnder('')).toEqual(before);
  });
});
