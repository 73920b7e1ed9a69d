import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES, fileKey } from '../../lib/artifacts/format';
import { loadModelArtifacts } from '../../lib/artifacts/load';
import { recommendForUser, recommendForVisitor } from '../../lib/serving/recommender';
import { ServingModel } from '../../lib/serving/serving-model';
import { startOffline, type Offline } from '../../scripts/support/offline';
import { startTestS3 } from '../helpers/s3';
import { buildFixture, movieIdOf, publishFixture, ratedBy } from '../serving/fixture';

/**
 * Reasons (explain=true) over real HTTP: serverless-offline in front of the recommend
 * function, a real s3rver behind. The answers are checked against the same model loaded
 * in this process, and for the shape the API promises: at most three reasons, each one
 * of the user's rated movies, largest share first.
 */
const BUCKET = 'movie-reco-local';
let s3: Awaited<ReturnType<typeof startTestS3>>;
let offline: Offline;
const ials = buildFixture({ kind: 'ials', nUsers: 30, nItems: 50, dim: 6, seed: 31 });
const svd = buildFixture({ kind: 'svd', nUsers: 30, nItems: 50, dim: 6, seed: 32 });

async function request(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${offline.baseUrl}${path}`, init);
  return { status: res.status, body: await res.json() };
}

const post = (path: string, body: unknown) =>
  request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

interface Reason {
  id: number;
  title: string | null;
  share: number;
}

/** Every movie has reasons: at most three, among `rated`, titled, largest share first, shares in (0, 1] summing to at most 1. */
function expectReasons(movies: { reasons?: Reason[] }[], rated: Set<number | string>): number {
  let given = 0;
  for (const m of movies) {
    expect(Array.isArray(m.reasons)).toBe(true);
    const reasons = m.reasons!;
    expect(reasons.length).toBeLessThanOrEqual(3);
    given += reasons.length;
    for (const r of reasons) {
      expect(rated.has(r.id)).toBe(true);
      expect(r.title).toBe(`Movie ${(r.id - 1000) / 3} (${1990 + (((r.id - 1000) / 3) % 20)})`);
      expect(r.share).toBeGreaterThan(0);
      expect(r.share).toBeLessThanOrEqual(1);
    }
    for (let k = 1; k < reasons.length; k++) expect(reasons[k - 1]!.share).toBeGreaterThanOrEqual(reasons[k]!.share);
    expect(reasons.reduce((a, r) => a + r.share, 0)).toBeLessThanOrEqual(1.002);
  }
  return given;
}

async function waitForVersion(version: string): Promise<void> {
  for (let k = 0; k < 100; k++) {
    const health = await request('/health');
    if (health.body?.model?.version === version) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the recommend function never served ${version}`);
}

beforeAll(async () => {
  s3 = await startTestS3(BUCKET);
  offline = await startOffline({ s3Endpoint: s3.endpoint, env: { MODEL_REFRESH_SECONDS: '1', S3_MAX_ATTEMPTS: '1' } });
}, 90_000);

afterAll(async () => {
  await offline?.stop();
  await s3?.close();
});

describe('explain=true over HTTP (serverless-offline + s3rver)', () => {
  const u = 4;

  it('adds reasons to GET /reco: the user\'s rated movies, as the model computes them', async () => {
    await publishFixture(s3.store, ials, 'ials-v1');
    const res = await request(`/reco?UsrID=${ials.userId(u)}&n_recos=6&explain=true`);
    expect(res.status).toBe(200);
    expect(res.body.movies).toHaveLength(6);
    expect(expectReasons(res.body.movies, ratedBy(ials, u))).toBeGreaterThan(0);
    const local = new ServingModel(await loadModelArtifacts(s3.store, 'ials-v1'), s3.store);
    expect(res.body.movies).toEqual((await recommendForUser(local, ials.userId(u), 6, undefined, true)).movies);
    // The same list without explain, and no reasons field.
    const plain = await request(`/reco?UsrID=${ials.userId(u)}&n_recos=6&explain=false`);
    expect(plain.body.movies.map((m: { id: number }) => m.id)).toEqual(res.body.movies.map((m: { id: number }) => m.id));
    for (const m of plain.body.movies) expect(m).not.toHaveProperty('reasons');
  });

  it('adds reasons to POST /reco from the posted ratings, and empty lists to the popular fallback', async () => {
    const ratings = [0, 3, 7, 12, 20].map((i, k) => ({ movieId: movieIdOf(i), rating: 1 + k }));
    const res = await post('/reco?explain=true', { ratings, n: 5 });
    expect(res.status).toBe(200);
    expect(expectReasons(res.body.movies, new Set(ratings.map((r) => r.movieId)))).toBeGreaterThan(0);
    const local = new ServingModel(await loadModelArtifacts(s3.store, 'ials-v1'), s3.store);
    expect(res.body.movies).toEqual(recommendForVisitor(local, ratings, 5, undefined, true).movies);
    const unknown = await request('/reco?UsrID=31337&n_recos=3&explain=true');
    expect(unknown.body.fallback).toBe('popular');
    for (const m of unknown.body.movies) expect(m.reasons).toEqual([]);
  });

  it('answers explain=maybe (and a repeated explain) with a 400 in the JSON error shape', async () => {
    for (const res of [
      await request(`/reco?UsrID=${ials.userId(u)}&explain=maybe`),
      await request(`/reco?UsrID=${ials.userId(u)}&explain=true&explain=false`),
      await post('/reco?explain=maybe', { ratings: [{ movieId: movieIdOf(1), rating: 4 }] }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid-request', message: expect.stringMatching(/explain/) });
    }
  });

  it('serves a format-2 model (no stored ratings): known users get empty reasons, visitors still get theirs', async () => {
    await publishFixture(s3.store, svd, 'svd-old');
    const key = fileKey('svd-old', FILES.manifest);
    const manifest = JSON.parse((await s3.store.get(key))!.toString('utf8')) as { files: Record<string, unknown> };
    delete manifest.files[FILES.seenRatings];
    await s3.store.put(key, JSON.stringify({ ...manifest, formatVersion: 2 }));
    await waitForVersion('svd-old');
    const known = await request(`/reco?UsrID=${svd.userId(u)}&n_recos=5&explain=true`);
    expect(known.status).toBe(200);
    expect(known.body.movies).toHaveLength(5);
    for (const m of known.body.movies) expect(m.reasons).toEqual([]);
    const ratings = [2, 5, 9].map((i) => ({ movieId: movieIdOf(i), rating: 5 }));
    const visitor = await post('/reco?explain=true', { ratings, n: 5 });
    expect(expectReasons(visitor.body.movies, new Set(ratings.map((r) => r.movieId)))).toBeGreaterThan(0);
  });
});
