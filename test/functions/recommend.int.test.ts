import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FILES, fileKey } from '../../lib/artifacts/format';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { RecommendHandler } from '../../lib/http/recommend-app';
import { createRecommendHandler } from '../../lib/http/recommend-app';
import { createObservability } from '../../lib/http/observability';
import { ModelCache } from '../../lib/serving/model-cache';
import { startTestS3 } from '../helpers/s3';
import { httpEvent, lambdaContext, type EventInput } from '../../scripts/support/lambda-events';
import { bruteForceTop, buildFixture, publishFixture, ratedBy, userIdOf } from '../serving/fixture';

/**
 * The recommend handler in-process with API Gateway v2 events, against a real s3rver:
 * the real entry point (functions/recommend.ts) configured by env, every route, every
 * kind of bad input, and a property test over random requests.
 */
const BUCKET = 'recommend-fn-test';
let s3: Awaited<ReturnType<typeof startTestS3>>;
let handler: RecommendHandler;
const fixture = buildFixture({ nUsers: 40, nItems: 60, dim: 8, seed: 11 });

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: Record<string, any>;
}

async function call(h: RecommendHandler, event: APIGatewayProxyEventV2): Promise<Answer> {
  const res = await h(event, lambdaContext());
  const headers = Object.fromEntries(Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  expect(String(headers['content-type'])).toMatch(/^application\/json/);
  return { status: res.statusCode, headers, body: JSON.parse(res.body ?? 'null') };
}

const get = (path: string, input: EventInput = {}) => call(handler, httpEvent('GET', path, input));
const postJson = (body: unknown) =>
  call(handler, httpEvent('POST', '/reco', { body: typeof body === 'string' ? body : JSON.stringify(body), contentType: 'application/json' }));

beforeAll(async () => {
  s3 = await startTestS3(BUCKET);
  await publishFixture(s3.store, fixture, 'v1');
  process.env.MODEL_BUCKET = BUCKET;
  process.env.S3_ENDPOINT = s3.endpoint;
  process.env.MODEL_REFRESH_SECONDS = '60';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = (await import('../../functions/recommend')) as unknown as { handler: RecommendHandler });
});
afterAll(async () => s3?.close());

describe('GET /reco', () => {
  it('answers the PoC query form with the best unseen movies, with titles, genres and the model version', async () => {
    const u = 5;
    const { status, body, headers } = await get('/reco', { query: `UsrID=${fixture.userId(u)}&n_recos=5` });
    expect(status).toBe(200);
    expect(body.user).toBe(fixture.userId(u));
    expect(body.model.version).toBe('v1');
    expect(typeof body.model.trainedAt).toBe('string');
    expect(body.fallback).toBeUndefined();
    expect(body.movies.map((m: { id: number }) => m.id)).toEqual(bruteForceTop(fixture, u, 5).map((m) => m.id));
    expect(body.movies[0]).toMatchObject({ title: expect.stringMatching(/^Movie/), genres: expect.any(Array), score: expect.any(Number) });
    const seen = ratedBy(fixture, u);
    for (const m of body.movies) expect(seen.has(m.id)).toBe(false);
    expect(headers['access-control-allow-origin']).toBe('*');
    expect(headers['x-content-type-options']).toBe('nosniff');
  });

  it('accepts the friendly aliases userId and n', async () => {
    const a = await get('/reco', { query: `userId=${fixture.userId(7)}&n=3` });
    const b = await get('/reco', { query: `UsrID=${fixture.userId(7)}&n_recos=3` });
    expect(a.status).toBe(200);
    expect(a.body.movies).toEqual(b.body.movies);
    expect(a.body.movies).toHaveLength(3);
  });

  it('accepts the parameters as a urlencoded GET body, as the PoC curl sends them', async () => {
    const viaBody = await get('/reco', {
      body: `UsrID=${fixture.userId(9)}&n_recos=4`,
      contentType: 'application/x-www-form-urlencoded',
    });
    const viaQuery = await get('/reco', { query: `UsrID=${fixture.userId(9)}&n_recos=4` });
    expect(viaBody.status).toBe(200);
    expect(viaBody.body.movies).toEqual(viaQuery.body.movies);
  });

  it('gives an unknown user a labelled popularity list', async () => {
    const { status, body } = await get('/reco', { query: 'UsrID=424242&n_recos=4' });
    expect(status).toBe(200);
    expect(body.fallback).toBe('popular');
    expect(body.movies).toHaveLength(4);
  });

  it.each([
    ['', /UsrID/],
    ['UsrID=abc', /digits/],
    ['UsrID=-1', /digits/],
    ['UsrID=1.5', /digits/],
    ['UsrID=1e3', /digits/],
    ['UsrID=', /digits/],
    ['UsrID=99999999999', /digits|most/],
    ['UsrID=4294967296', /at most/],
    ['UsrID=1&UsrID=2', /more than once/],
    ['UsrID=1&userId=1', /more than once/],
    ['UsrID=107&n_recos=0', /at least 1/],
    ['UsrID=107&n_recos=-3', /digits/],
    ['UsrID=107&n_recos=101', /at most 100/],
    ['UsrID=107&n_recos=ten', /digits/],
    ['UsrID=107&n_recos=5&n=5', /more than once/],
  ])('rejects ?%s with a 400 JSON error', async (query, message) => {
    const { status, body } = await get('/reco', { query });
    expect(status).toBe(400);
    expect(body.error).toEqual(expect.any(String));
    expect(body.message).toMatch(message);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('rejects a parameter given both in the query and the body', async () => {
    const { status, body } = await get('/reco', {
      query: 'UsrID=107',
      body: 'UsrID=114',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(status).toBe(400);
    expect(body.message).toMatch(/more than once/);
  });
});

describe('POST /reco', () => {
  it('recommends for a visitor from posted ratings, never a posted movie', async () => {
    const ratings = [0, 1, 2, 3].map((i) => ({ movieId: fixture.movieId(i), rating: 5 - i }));
    const { status, body } = await postJson({ ratings, n: 8 });
    expect(status).toBe(200);
    expect(body.user).toBeNull();
    expect(body.movies).toHaveLength(8);
    for (const m of body.movies) expect(ratings.map((r) => r.movieId)).not.toContain(m.id);
    const alias = await postJson({ ratings, n_recos: 3 });
    expect(alias.body.movies).toEqual(body.movies.slice(0, 3));
  });

  it.each([
    ['not json {', 400, /JSON/],
    [{ ratings: [] }, 400, /at least one/],
    [{ ratings: [{ movieId: 5, rating: 3 }] }, 400, /not in the model/],
    [{ ratings: [{ movieId: 1000, rating: 30 }] }, 400, /outside the scale/],
    [{ ratings: [{ movieId: 1000, rating: 3 }], n: 0 }, 400, /n/],
    [{ ratings: 'lots' }, 400, /ratings/],
    [[1, 2, 3], 400, /object/],
    [{ ratings: [{ movieId: 1000, rating: 3 }], extra: 1 }, 400, /extra/],
    [{ ratings: [{ movieId: 1000, rating: 3 }], n: 3, n_recos: 3 }, 400, /not both/],
  ])('rejects %j with %i', async (body, status, message) => {
    const res = await postJson(body);
    expect(res.status).toBe(status);
    expect(res.body.message).toMatch(message);
  });

  it('rejects bodies over 64 KB with 413, and other content types with 415', async () => {
    const big = { ratings: Array.from({ length: 5000 }, (_, k) => ({ movieId: 1000, rating: 3, pad: k })) };
    expect((await postJson(big)).status).toBe(413);
    const res = await call(handler, httpEvent('POST', '/reco', { body: 'hello', contentType: 'text/plain' }));
    expect(res.status).toBe(415);
    expect(res.body.error).toBe('unsupported-media-type');
    const none = await call(handler, httpEvent('POST', '/reco'));
    expect(none.status).toBe(400);
  });
});

describe('GET /movies/{id}/similar and /health', () => {
  it('lists similar movies, 404s unknown ones and 400s bad ids', async () => {
    const ok = await get(`/movies/${fixture.movieId(4)}/similar`, { query: 'n=5' });
    expect(ok.status).toBe(200);
    expect(ok.body.movies).toHaveLength(5);
    expect(ok.body.movies.map((m: { id: number }) => m.id)).not.toContain(fixture.movieId(4));
    expect((await get('/movies/777/similar')).status).toBe(404);
    expect((await get('/movies/abc/similar')).status).toBe(400);
    expect((await get(`/movies/${fixture.movieId(4)}/similar`, { query: 'n=1000' })).status).toBe(400);
  });

  it('reports the live version, its age and that the container is warm', async () => {
    const { status, body } = await get('/health');
    expect(status).toBe(200);
    expect(body.model.version).toBe('v1');
    expect(body.model.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(body.warm).toBe(true);
  });

  it('404s unknown routes and 405s wrong methods (with Allow), in our JSON', async () => {
    const a = await get('/nope');
    expect(a.status).toBe(404);
    expect(a.body).toMatchObject({ error: 'not-found', message: expect.stringMatching(/no such route: GET \/nope/) });
    // `/` is the demo page (test/web/): another method on it is a 405 in our JSON too.
    expect((await call(handler, httpEvent('POST', '/'))).headers.allow).toBe('GET, HEAD');
    const b = await call(handler, httpEvent('DELETE', '/reco'));
    expect(b.status).toBe(405);
    expect(b.headers.allow).toBe('GET, POST, HEAD');
    expect(b.body).toMatchObject({ error: 'method-not-allowed' });
    expect((await call(handler, httpEvent('PUT', `/movies/${fixture.movieId(1)}/similar`))).headers.allow).toBe('GET, HEAD');
  });

  it('answers HEAD as GET, without a body', async () => {
    const res = await handler(httpEvent('HEAD', '/reco', { query: `UsrID=${fixture.userId(2)}` }), lambdaContext());
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(String(res.headers?.['Content-Type'] ?? res.headers?.['content-type'])).toMatch(/application\/json/);
  });
});

describe('with no model published', () => {
  it('answers 503 with a clear message until a model is published', async () => {
    const empty = await startTestS3('empty-bucket');
    try {
      const { logger, metrics } = createObservability();
      const h = createRecommendHandler({ cache: new ModelCache(empty.store), logger, metrics });
      const first = await call(h, httpEvent('GET', '/health'));
      expect(first.status).toBe(503);
      expect(first.body).toMatchObject({ error: 'no-model', message: expect.stringMatching(/no model/) });
      const reco = await call(h, httpEvent('GET', '/reco', { query: 'UsrID=1' }));
      expect(reco.status).toBe(503);
      await publishFixture(empty.store, fixture, 'first');
      const health = await call(h, httpEvent('GET', '/health'));
      expect(health.status).toBe(200);
      expect(health.body.model.version).toBe('first');
    } finally {
      await empty.close();
    }
  });
});

describe('filters on every list endpoint', () => {
  const u = 5;
  type Listed = { id: number; genres: string[]; year?: number };
  const movies = (body: Record<string, any>) => body.movies as Listed[];

  it('keeps n movies of the asked genres, counts what the filter removed, and matches the best unseen that pass', async () => {
    const { status, body } = await get('/reco', { query: `UsrID=${fixture.userId(u)}&n_recos=5&genres=drama` });
    expect(status).toBe(200);
    expect(body.filtered).toBe(30); // the fixture's even movies are Comedy, Action
    expect(movies(body)).toHaveLength(5);
    for (const m of movies(body)) expect(m.genres).toContain('Drama');
    const best = bruteForceTop(fixture, u, 60).filter((m) => (m.id - 1000) / 3 % 2 === 1).slice(0, 5);
    expect(movies(body).map((m) => m.id)).toEqual(best.map((m) => m.id));
    const unfiltered = await get('/reco', { query: `UsrID=${fixture.userId(u)}&n_recos=5` });
    expect(unfiltered.body.filtered).toBeUndefined();
  });

  it('excludes genres, listed movies and years outside a range, all together', async () => {
    const top = bruteForceTop(fixture, u, 2).map((m) => m.id);
    const { status, body } = await get('/reco', {
      query: `UsrID=${fixture.userId(u)}&n_recos=20&excludeGenres=Action&exclude=${top.join(',')}&years=1991-1995`,
    });
    expect(status).toBe(200);
    expect(movies(body).length).toBeGreaterThan(0);
    for (const m of movies(body)) {
      expect(m.genres).not.toContain('Action');
      expect(top).not.toContain(m.id);
      expect(m.year).toBeGreaterThanOrEqual(1991);
      expect(m.year).toBeLessThanOrEqual(1995);
    }
  });

  it('gives an empty list with the count when nothing passes, and filters visitors, similar movies and the popular fallback', async () => {
    const none = await get('/reco', { query: `UsrID=${fixture.userId(u)}&genres=Drama&excludeGenres=Drama` });
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ filtered: 60, movies: [] });
    const visitor = await postJson({ ratings: [{ movieId: fixture.movieId(1), rating: 5 }], n: 4, genres: ['Comedy'], exclude: [fixture.movieId(0)] });
    expect(visitor.status).toBe(200);
    expect(movies(visitor.body)).toHaveLength(4);
    for (const m of movies(visitor.body)) expect(m.genres).toContain('Comedy');
    expect(movies(visitor.body).map((m) => m.id)).not.toContain(fixture.movieId(0));
    const similar = await get(`/movies/${fixture.movieId(3)}/similar`, { query: 'n=3&years=2000-2009' });
    expect(similar.status).toBe(200);
    expect(similar.body.filtered).toBe(30);
    for (const m of movies(similar.body)) expect(m.year).toBeGreaterThanOrEqual(2000);
    const popular = await get('/reco', { query: 'UsrID=999999&n_recos=3&genres=Action' });
    expect(popular.body.fallback).toBe('popular');
    for (const m of movies(popular.body)) expect(m.genres).toContain('Action');
  });

  it('answers a bad filter with a 400 that says what to pass', async () => {
    const cases: Array<[string, RegExp]> = [
      ['genres=Comdy', /unknown genre "Comdy"; this model's genres are Action, Comedy, Drama/],
      ['years=90s', /years must be a year or a range such as 1990-1999/],
      ['years=1999-1990', /the first year is after the last/],
      ['genres=Drama,,Comedy', /genres has an empty entry/],
      ['exclude=abc', /movie id must be a whole number/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await get('/reco', { query: `UsrID=${fixture.userId(u)}&${query}` });
      expect(status, query).toBe(400);
      expect(body, query).toEqual({ error: 'invalid-request', message: expect.stringMatching(message) });
    }
    const posted = await postJson({ ratings: [{ movieId: fixture.movieId(1), rating: 5 }], exclude: ['1003'] });
    expect(posted.status).toBe(400);
    expect(posted.body.message).toMatch(/must be a number/);
  });
});

describe('a large model read by range', () => {
  it('answers a user whose stored block fails its checksum with a 503 in our JSON, counts it, and serves users of sound blocks', async () => {
    const big = await startTestS3('ranged-bucket');
    try {
      // 3000 users x dim 8 x 4 bytes: users.f32 spans two 64 KiB blocks (users 0-2047, 2048-2999).
      const large = buildFixture({ nUsers: 3000, nItems: 60, dim: 8, seed: 12 });
      await publishFixture(big.store, large, 'v-ranged');
      const key = fileKey('v-ranged', FILES.users);
      const users = (await big.store.get(key))!;
      users.writeFloatLE(users.readFloatLE(10 * 8 * 4) + 0.125, 10 * 8 * 4); // user 10, a plausible value
      await big.store.put(key, users);
      const { logger, metrics } = createObservability();
      const counted: Record<string, number> = {};
      vi.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
        counted[name] = (counted[name] ?? 0) + value;
        return metrics;
      });
      const h = createRecommendHandler({ cache: new ModelCache(big.store, { wholeUpToBytes: 0 }), logger, metrics });
      const bad = await call(h, httpEvent('GET', '/reco', { query: `UsrID=${userIdOf(2047)}` }));
      expect(bad.status).toBe(503);
      expect(bad.body).toEqual({ error: 'storage-unavailable', message: "this user's stored data failed its checks; try again later" });
      expect(counted.corruptUserRows).toBe(1);
      const good = await call(h, httpEvent('GET', '/reco', { query: `UsrID=${userIdOf(2048)}&n_recos=3` }));
      expect(good.status).toBe(200);
      expect(good.body.movies.map((m: { id: number }) => m.id)).toEqual(bruteForceTop(large, 2048, 3).map((m) => m.id));
      expect(counted.corruptUserRows).toBe(1);
    } finally {
      await big.close();
    }
  });
});

describe('property: any request gets a 200 or a 4xx JSON error, never a 5xx', () => {
  const names = fc.constantFrom('UsrID', 'userId', 'n_recos', 'n', 'x', 'UsrID[]', '');
  const values = fc.oneof(
    fc.integer({ min: -5, max: 500 }).map(String),
    fc.constantFrom('107', '114', '1e2', '0x10', '1.0', ' 107', '9'.repeat(30), ''),
    fc.string({ maxLength: 12 }),
  );
  const query = fc.oneof(
    fc.array(fc.tuple(names, values), { maxLength: 4 }).map((pairs) => new URLSearchParams(pairs).toString()),
    fc.string({ maxLength: 40 }),
  );
  const body = fc.oneof(
    fc.constant(undefined),
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 40 }),
    fc
      .record({
        ratings: fc.array(
          fc.record({
            movieId: fc.oneof(fc.constantFrom(1000, 1003, 1006, 1009), fc.integer()),
            rating: fc.oneof(fc.double(), fc.integer({ min: 0, max: 6 })),
          }),
          { maxLength: 5 },
        ),
        n: fc.oneof(fc.integer({ min: -2, max: 120 }), fc.constant(undefined)),
      })
      .map((b) => JSON.stringify(b)),
  );
  const route = fc.constantFrom(
    ['GET', '/reco'],
    ['POST', '/reco'],
    ['GET', '/movies/1003/similar'],
    ['GET', '/movies/%20/similar'],
    ['GET', '/health'],
    ['PUT', '/reco'],
  );
  const contentType = fc.constantFrom(undefined, 'application/json', 'application/x-www-form-urlencoded', 'text/plain');

  it('holds for random query strings, bodies and content types', async () => {
    await fc.assert(
      fc.asyncProperty(route, query, body, contentType, async ([method, path], q, b, ct) => {
        const res = await handler(
          httpEvent(method!, path!, { query: q, ...(b !== undefined ? { body: b } : {}), ...(ct ? { contentType: ct } : {}) }),
          lambdaContext(),
        );
        const parsed = JSON.parse(res.body ?? '');
        if (res.statusCode === 200) {
          expect(Array.isArray(parsed.movies) || parsed.status === 'ok').toBe(true);
        } else {
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expect(res.statusCode).toBeLessThan(500);
          expect(typeof parsed.error).toBe('string');
          expect(typeof parsed.message).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });
});
