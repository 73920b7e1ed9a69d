import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchJson, type JsonAnswer } from '../helpers/json-fetch';
import { startTestS3 } from '../helpers/s3';
import { bruteForceTop, buildFixture, movieIdOf, publishFixture, ratedBy, scoreOf, type Fixture } from '../serving/fixture';
import { startOffline, type Offline } from '../../scripts/support/offline';

/**
 * The recommend function over real HTTP: serverless-offline (stage local, the project's
 * serverless.yml) in front, a real s3rver behind. One offline process for the file; the
 * tests run in order: no model, every endpoint, a model swap under load, S3 going away.
 */
const BUCKET = 'movie-reco-local';
let s3: Awaited<ReturnType<typeof startTestS3>>;
let offline: Offline;
const v1 = buildFixture({ nUsers: 40, nItems: 60, dim: 8, seed: 21 });
const v2 = buildFixture({ nUsers: 40, nItems: 60, dim: 8, seed: 22 });

const request = (path: string, init: RequestInit = {}): Promise<JsonAnswer> => fetchJson(offline.baseUrl, path, init);

const ids = (body: { movies: { id: number }[] }) => body.movies.map((m) => m.id);

beforeAll(async () => {
  s3 = await startTestS3(BUCKET);
  offline = await startOffline({ s3Endpoint: s3.endpoint, env: { MODEL_REFRESH_SECONDS: '1', S3_MAX_ATTEMPTS: '1' } });
}, 90_000);

let s3Closed = false;
afterAll(async () => {
  await offline?.stop();
  if (!s3Closed) await s3?.close();
});

describe('recommend over HTTP (serverless-offline + s3rver)', () => {
  it('answers 503 with a clear JSON message while no model is published', async () => {
    const res = await request('/reco?UsrID=107&n_recos=5');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: 'no-model', message: expect.stringMatching(/no model/i) });
  });

  it('serves GET /reco in the PoC form and with aliases, once a model is published', async () => {
    await publishFixture(s3.store, v1, 'v1');
    const u = 3;
    const res = await request(`/reco?UsrID=${v1.userId(u)}&n_recos=5`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.body.model.version).toBe('v1');
    expect(ids(res.body)).toEqual(bruteForceTop(v1, u, 5).map((m) => m.id));
    const alias = await request(`/reco?userId=${v1.userId(u)}&n=5`);
    expect(alias.body.movies).toEqual(res.body.movies);
  });

  it('answers the PoC curl form (GET with a form body) with a clear 400: serverless-offline drops GET bodies', async () => {
    // curl localhost:PORT/reco -d "UsrID=40" -d "n_recos=5" -X GET. API Gateway passes the body
    // (the in-process tests cover that); serverless-offline's hapi routes never read it.
    const { hostname, port } = new URL(offline.baseUrl);
    const body = `UsrID=${v1.userId(3)}&n_recos=5`;
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        { hostname, port, path: '/reco', method: 'GET', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'invalid-request', message: expect.stringMatching(/UsrID/) });
  });

  it('falls back to popular movies for an unknown user', async () => {
    const res = await request('/reco?UsrID=31337&n_recos=3');
    expect(res.status).toBe(200);
    expect(res.body.fallback).toBe('popular');
    expect(res.body.movies).toHaveLength(3);
  });

  it('serves POST /reco, similar movies and health', async () => {
    const ratings = [{ movieId: v1.movieId(2), rating: 5 }, { movieId: v1.movieId(9), rating: 1 }];
    const post = await request('/reco', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ratings, n: 6 }),
    });
    expect(post.status).toBe(200);
    expect(post.body.movies).toHaveLength(6);
    expect(ids(post.body)).not.toContain(v1.movieId(2));

    const similar = await request(`/movies/${v1.movieId(5)}/similar?n=4`);
    expect(similar.status).toBe(200);
    expect(similar.body.movies).toHaveLength(4);

    const filtered = await request(`/reco?UsrID=${v1.userId(3)}&n_recos=4&genres=Drama&years=1990-1999`);
    expect(filtered.status).toBe(200);
    expect(filtered.body.movies).toHaveLength(4);
    for (const m of filtered.body.movies as Array<{ genres: string[]; year: number }>) {
      expect(m.genres).toContain('Drama');
      expect(m.year).toBeLessThanOrEqual(1999);
    }

    const health = await request('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', warm: true, model: { version: 'v1' } });
  });

  it('serves a user\'s rated movies, those the model scores highest first, and the popular movies', async () => {
    const u = 3;
    const seen = ratedBy(v1, u);
    const res = await request(`/users/${v1.userId(u)}/rated?n=5`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: v1.userId(u), n: 5, rated: seen.size, model: { version: 'v1' } });
    const movies = res.body.movies as Array<{ id: number; title: string; genres: string[]; score: number }>;
    expect(movies).toHaveLength(Math.min(5, seen.size));
    // svd predicts ratings: scores clip to the scale, 1..5.
    const expected = (id: number) => Math.min(5, Math.max(1, scoreOf(v1, u, (id - movieIdOf(0)) / 3)));
    for (const m of movies) {
      expect(seen.has(m.id)).toBe(true);
      expect(m.title).toEqual(expect.any(String));
      expect(m.score).toBeCloseTo(expected(m.id), 4);
    }
    const lowestListed = Math.min(...movies.map((m) => m.score));
    for (const id of seen) if (!movies.some((m) => m.id === id)) expect(expected(id as number)).toBeLessThanOrEqual(lowestListed + 1e-4);

    expect((await request('/users/31337/rated')).body).toMatchObject({ error: 'unknown-user' });
    expect((await request('/users/31337/rated')).status).toBe(404);
    expect((await request('/users/abc/rated')).status).toBe(400);

    const popular = await request('/movies/popular?n=4');
    expect(popular.status).toBe(200);
    const fallback = await request('/reco?UsrID=31337&n_recos=4');
    expect(popular.body.movies).toEqual(fallback.body.movies);
    const dramas = await request('/movies/popular?n=4&genres=Drama');
    expect(dramas.body.movies).toHaveLength(4);
    expect(dramas.body.filtered).toBeGreaterThan(0);
    for (const m of dramas.body.movies as Array<{ genres: string[] }>) expect(m.genres).toContain('Drama');
  });

  it('answers malformed requests with 4xx JSON errors', async () => {
    for (const path of ['/reco', '/reco?UsrID=abc', '/reco?UsrID=1&UsrID=2', '/reco?UsrID=107&n_recos=0', '/reco?UsrID=107&n_recos=101']) {
      const res = await request(path);
      expect(res.status, path).toBe(400);
      expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    const notJson = await request('/reco', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(notJson.status).toBe(400);
    const unknown = await request('/reco', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ratings: [{ movieId: 4, rating: 3 }] }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('unknown-movie');
    expect((await request('/movies/4/similar')).status).toBe(404);
  });

  it('answers unknown routes, wrong methods and HEAD itself, through API Gateway\'s catch-all route', async () => {
    // `/` is the demo page (test/web/demo-page.int.test.ts).
    for (const path of ['/nope', '/reco/extra', '/users/121']) {
      const res = await request(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).toMatchObject({ error: 'not-found', message: expect.stringMatching(/no such route/) });
    }
    const wrong = await request('/reco', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST, HEAD');
    const head = await fetch(`${offline.baseUrl}/reco?UsrID=${v1.userId(1)}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('swaps to a newly published model while requests run: every answer is wholly v1 or v2', async () => {
    // serverless-offline runs one worker (a "container") per concurrent request; warm CLIENTS of
    // them first so the swap is measured on warm functions, not on cold starts of a loaded machine.
    const CLIENTS = 3;
    for (let round = 0; round < 3; round++) {
      const warm = await Promise.all(Array.from({ length: CLIENTS }, () => request(`/reco?UsrID=${v1.userId(1)}`)));
      if (warm.every((r) => r.status === 200)) break;
    }
    const expected = (f: Fixture, u: number) => bruteForceTop(f, u, 5).map((m) => m.id);
    const seen = new Set<string>();
    let publishing = true;
    const publish = publishFixture(s3.store, v2, 'v2').then(async () => {
      // Keep the load going until every worker has had time to pick v2 up.
      await new Promise((r) => setTimeout(r, 2500));
      publishing = false;
    });
    const failures: string[] = [];
    let answers = 0;
    const client = async (c: number) => {
      for (let k = 0; publishing; k++) {
        const u = (c * 7 + k) % 40;
        const res = await request(`/reco?UsrID=${v1.userId(u)}&n_recos=5`);
        answers++;
        const version = res.body?.model?.version as string | undefined;
        const fixture = version === 'v1' ? v1 : version === 'v2' ? v2 : undefined;
        if (res.status !== 200 || !fixture) failures.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        else if (JSON.stringify(ids(res.body)) !== JSON.stringify(expected(fixture, u))) failures.push(`mixed answer from ${version}`);
        else seen.add(version!);
      }
    };
    await Promise.all([publish, ...Array.from({ length: CLIENTS }, (_, c) => client(c))]);
    expect(failures).toEqual([]);
    expect(answers).toBeGreaterThan(CLIENTS);
    expect(seen).toEqual(new Set(['v1', 'v2']));
    const after = await request('/health');
    expect(after.body.model.version, JSON.stringify(after.body)).toBe('v2');
  });

  it('keeps answering from the loaded model when S3 goes away', async () => {
    await s3.close();
    s3Closed = true;
    await new Promise((r) => setTimeout(r, 1200)); // past MODEL_REFRESH_SECONDS: the next request tries S3
    for (let k = 0; k < 5; k++) {
      const res = await request(`/reco?UsrID=${v2.userId(k)}&n_recos=5`);
      expect(res.status).toBe(200);
      expect(res.body.model.version).toBe('v2');
      expect(ids(res.body)).toEqual(bruteForceTop(v2, k, 5).map((m) => m.id));
    }
    const health = await request('/health');
    expect(health.status).toBe(200);
    // A fixed code, never the raw error (no host, port or file name in a public answer).
    expect(health.body.refreshProblem).toBe('storage-unreachable');
    expect(JSON.stringify(health.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{4,5}/);
  });
});
