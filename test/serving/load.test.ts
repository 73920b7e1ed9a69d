import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES, fileKey } from '../../lib/artifacts/format';
import { loadModelArtifacts } from '../../lib/artifacts/load';
import { buildIdIndex } from '../../lib/serving/id-index';
import { ServingModel } from '../../lib/serving/serving-model';
import { startTestS3 } from '../helpers/s3';
import { buildFixture, publishFixture, ratedBy } from './fixture';

let s3: Awaited<ReturnType<typeof startTestS3>>;
const fixture = buildFixture({ nUsers: 30, nItems: 25, dim: 6 });

beforeAll(async () => {
  s3 = await startTestS3();
  await publishFixture(s3.store, fixture, 'v1');
});
afterAll(async () => s3?.close());

describe('loadModelArtifacts', () => {
  it('reads every array back exactly as published', async () => {
    const a = await loadModelArtifacts(s3.store, 'v1');
    expect(a.manifest.version).toBe('v1');
    expect(Array.from(a.Q)).toEqual(Array.from(fixture.factors.Q));
    expect(Array.from(a.itemBias!)).toEqual(Array.from(fixture.factors.itemBias!));
    expect(Array.from(a.userBias!)).toEqual(Array.from(fixture.factors.userBias!));
    expect(a.P?.kind).toBe('whole');
    if (a.P?.kind === 'whole') expect(Array.from(a.P.data)).toEqual(Array.from(fixture.factors.P!));
    expect(Array.from(a.userIds)).toEqual(Array.from(fixture.dataset.userIds.toArray()));
    expect(a.catalog[3]).toEqual({ title: 'Movie 3 (2001)', genres: ['Drama'] });
    expect(a.popular.length).toBe(25);
  });

  it('leaves per-user files in S3 above the threshold and reads rows by range identically', async () => {
    const whole = new ServingModel(await loadModelArtifacts(s3.store, 'v1'), s3.store);
    const ranged = new ServingModel(await loadModelArtifacts(s3.store, 'v1', { wholeUpToBytes: 0 }), s3.store);
    expect(whole.userRows.ranged).toBe(false);
    expect(ranged.userRows.ranged).toBe(true);
    const dim = fixture.factors.dim;
    for (let u = 0; u < fixture.factors.nUsers; u++) {
      expect(ranged.userRows.peek(u)).toBeUndefined();
      const r = await ranged.userRows.load(u);
      const w = whole.userRows.peek(u)!;
      expect(Array.from(r.vec!.subarray(r.offset, r.offset + dim))).toEqual(Array.from(w.vec!.subarray(w.offset, w.offset + dim)));
      expect(Array.from(r.seen)).toEqual(Array.from(w.seen));
      expect(r.bias).toBe(w.bias);
      const seenIds = new Set(Array.from(r.seen, (i) => whole.movieId(i)));
      expect(seenIds).toEqual(ratedBy(fixture, u));
    }
    expect(ranged.userRows.misses).toBe(fixture.factors.nUsers);
    await ranged.userRows.load(0);
    expect(ranged.userRows.hits).toBeGreaterThan(0);
  });

  it('refuses a version whose file does not match its sha256', async () => {
    await publishFixture(s3.store, fixture, 'v-bad');
    const key = fileKey('v-bad', FILES.items);
    const body = (await s3.store.get(key))!;
    body[0] = body[0]! ^ 0xff;
    await s3.store.put(key, body);
    await expect(loadModelArtifacts(s3.store, 'v-bad')).rejects.toThrow(/sha256/);
  });

  it('refuses a version without a manifest', async () => {
    await expect(loadModelArtifacts(s3.store, 'nope')).rejects.toThrow(/manifest/);
  });
});

describe('buildIdIndex', () => {
  it('finds every id, dense or sparse, and nothing else', () => {
    for (const ids of [Int32Array.from([5, 1, 9, 3]), Int32Array.from([2_000_000_000, 7, 1_500_000_000])]) {
      const index = buildIdIndex(ids);
      ids.forEach((id, i) => expect(index.indexOf(id)).toBe(i));
      for (const missing of [0, 2, 8, 10, 1_999_999_999, -1, 2.5]) expect(index.indexOf(missing)).toBe(-1);
    }
  });
});
