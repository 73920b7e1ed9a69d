import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES } from '../../lib/artifacts/format';
import { readLatest, readManifest } from '../../lib/artifacts/versions';
import { runRefresh } from '../../lib/pipeline/refresh';
import { startOffline, type Offline } from '../../scripts/support/offline';
import { fetchJson, type JsonAnswer } from '../helpers/json-fetch';
import { startTestS3 } from '../helpers/s3';
import { buildFixture, publishFixture, ratedBy } from '../serving/fixture';

/**
 * POST /events over real HTTP (serverless-offline running the project's serverless.yml,
 * the key authorizer included) against a real s3rver, then a refresh and what /reco
 * answers after it. The tests run in order and share the bucket.
 */
const BUCKET = 'movie-reco-local';
const KEY = 'test-events-key-0123456789';
let s3: Awaited<ReturnType<typeof startTestS3>>;
let offline: Offline;
const fixture = buildFixture({ kind: 'ials', nUsers: 30, nItems: 50, dim: 6, seed: 5 });

const call = (path: string, init: RequestInit = {}): Promise<JsonAnswer> => fetchJson(offline.baseUrl, path, init);

const post = (body: unknown, headers: Record<string, string> = {}) =>
  call('/events', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** GET /reco until the recommend function serves `version` (it re-checks LATEST every second here). */
async function recoFrom(version: string, userId: number): Promise<any> {
  for (;;) {
    const res = await call(`/reco?UsrID=${userId}&n_recos=5`);
    if (res.body.model?.version === version) return res.body;
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  s3 = await startTestS3(BUCKET);
  await publishFixture(s3.store, fixture, 'v1');
  offline = await startOffline({ s3Endpoint: s3.endpoint, env: { EVENTS_API_KEY: KEY, MODEL_REFRESH_SECONDS: '1' } });
}, 90_000);

afterAll(async () => {
  await offline?.stop();
  await s3?.close();
});

const u = 4;
const userId = fixture.userId(u);
let postedMovie: number;

describe('POST /events over HTTP (authorizer + s3rver)', () => {
  it('answers 401 in our JSON shape without a key, with a wrong key, and with an authorizer override header', async () => {
    const events = [{ userId, movieId: fixture.movieId(1), rating: 5 }];
    const none = await post(events);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'unauthorized', message: expect.stringMatching(/x-api-key/) });
    const wrong = await post(events, { 'x-api-key': `${KEY}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: 'unauthorized', message: expect.stringMatching(/not hold a valid key/) });
    const forged = await post(events, { 'sls-offline-authorizer-override': JSON.stringify({ lambda: { apiKey: 'valid' } }) });
    expect(forged.status).toBe(401);
    expect(await s3.store.list('events/')).toEqual([]);
  });

  it('answers 400 naming the entry and field for bad input, and for more than 100 events; nothing is written', async () => {
    const tooMany = await post(Array.from({ length: 101 }, () => ({ userId, movieId: fixture.movieId(1) })), { 'x-api-key': KEY });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ error: 'invalid-request', message: expect.stringMatching(/at most 100/) });
    const badRating = await post([{ userId, movieId: fixture.movieId(1), rating: 3 }, { userId, movieId: fixture.movieId(2), rating: 9 }], { 'x-api-key': KEY });
    expect(badRating.status).toBe(400);
    expect(badRating.body.message).toMatch(/^events\[1\]\.rating: .*scale 1\.\.5/);
    const stringId = await post([{ userId: 'u4', movieId: fixture.movieId(1) }], { 'x-api-key': KEY });
    expect(stringId.status).toBe(400);
    expect(stringId.body.message).toMatch(/events\[0\]\.userId: .*number/);
    expect(await s3.store.list('events/')).toEqual([]);
  });

  it('with the key: writes one object holding the events before answering 202 {accepted, key}', async () => {
    const before = await call(`/reco?UsrID=${userId}&n_recos=5`);
    expect(before.body.model.version).toBe('v1');
    postedMovie = before.body.movies[0].id;
    const events = [
      { userId, movieId: postedMovie, rating: 5 },
      { userId, movieId: fixture.movieId(7), event: 'view', timestamp: 1_700_000_000 },
      { userId: 9999, movieId: postedMovie, rating: 4 },
    ];
    const res = await post(events, { 'x-api-key': KEY });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 3, key: expect.stringMatching(/^events\/\d{4}\/\d{2}\/\d{2}\/\d{13}-[0-9a-f-]{36}\.jsonl$/) });
    expect(await s3.store.list('events/')).toEqual([res.body.key]);
    const lines = (await s3.store.get(res.body.key))!.toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ userId, movieId: postedMovie, rating: 5, timestamp: expect.any(Number) });
    expect(lines[1]).toEqual({ userId, movieId: fixture.movieId(7), event: 'view', timestamp: 1_700_000_000 });
  });

  it('a refresh re-solves that user against the same item files, and /reco then excludes the posted movie', async () => {
    const before = await call(`/reco?UsrID=${userId}&n_recos=5`);
    const result = await runRefresh(s3.store, {}, { until: Date.now() + 1000 });
    expect(result).toMatchObject({ published: true, from: 'v1', events: 3, users: 2, newUsers: 1 });
    const version = result.version!;
    expect(await readLatest(s3.store)).toBe(version);

    const [v1, v2] = [await readManifest(s3.store, 'v1'), await readManifest(s3.store, version)];
    expect(v2.refresh).toMatchObject({ from: 'v1', itemsFrom: 'v1', users: 2, newUsers: 1 });
    for (const file of [FILES.items, FILES.itemIds, FILES.popular, FILES.catalog]) expect(v2.files[file]).toEqual(v1.files[file]);
    expect(v2.files[FILES.users]!.sha256).not.toBe(v1.files[FILES.users]!.sha256);
    expect(v2.nUsers).toBe(v1.nUsers + 1);

    const after = await recoFrom(version, userId);
    const ids = after.movies.map((m: { id: number }) => m.id);
    expect(ids).not.toContain(postedMovie);
    expect(ids).not.toContain(fixture.movieId(7));
    expect(ids).not.toEqual(before.body.movies.map((m: { id: number }) => m.id));
    for (const id of ratedBy(fixture, u)) expect(ids).not.toContain(id);
    const rated = await call(`/users/${userId}/rated?n=100`);
    expect(rated.body.movies.map((m: { id: number }) => m.id)).toEqual(expect.arrayContaining([postedMovie, fixture.movieId(7)]));

    // The new user is now a known user with personal recommendations, not the popular fallback.
    const newcomer = await call('/reco?UsrID=9999&n_recos=5');
    expect(newcomer.body.fallback).toBeUndefined();
    expect(newcomer.body.movies.map((m: { id: number }) => m.id)).not.toContain(postedMovie);
  });

  it('a refresh with no new events publishes nothing', async () => {
    const live = await readLatest(s3.store);
    const result = await runRefresh(s3.store, {}, { until: Date.now() + 1000 });
    expect(result).toMatchObject({ published: false, reason: 'no new events', from: live });
    expect(await readLatest(s3.store)).toBe(live);
  });
});
