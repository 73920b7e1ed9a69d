import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelArtifacts } from '../../lib/artifacts/load';
import { publishModel } from '../../lib/artifacts/publish';
import { buildUserCsr } from '../../lib/data/csr';
import { randomSplit } from '../../lib/data/splits';
import { generateSynthetic } from '../../lib/data/synthetic';
import type { Dataset } from '../../lib/data/dataset';
import type { UserState } from '../../lib/math/factors';
import { getModel, MODEL_KINDS } from '../../lib/models/registry';
import { recommendForUser, recommendForVisitor, similarMovies, type MovieScore } from '../../lib/serving/recommender';
import type { ItemMask } from '../../lib/serving/item-filter';
import { ServingModel } from '../../lib/serving/serving-model';
import { startTestS3 } from '../helpers/s3';

/**
 * Every registered kind, with its default params, through the whole contract: fit ->
 * publish -> load -> recommend for a known user, fold in a visitor, similar movies. A new
 * kind in the registry is covered here without touching this file.
 */
const data = generateSynthetic({ users: 120, movies: 80, perUser: 25, seed: 11, mode: 'planted' }).dataset;
const [train, test] = randomSplit(data, [0.9, 0.1], 3) as [Dataset, Dataset];
const N = 10;

let s3: Awaited<ReturnType<typeof startTestS3>>;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => s3?.close());

function expectSortedDescending(movies: MovieScore[]): void {
  for (let k = 1; k < movies.length; k++) expect(movies[k - 1]!.score!).toBeGreaterThanOrEqual(movies[k]!.score!);
}

function pearson(a: Float32Array, b: Float32Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  // Two constant vectors (up to float32 rounding: a bias-only or non-personal kind) order items alike.
  return aa / n < 1e-8 && bb / n < 1e-8 ? 1 : ab / Math.sqrt(aa * bb);
}

describe.each(MODEL_KINDS)('the %s kind', (kind) => {
  let model: ServingModel;
  const rows = buildUserCsr(data);
  const user = 7;
  const userItems = rows.items.subarray(rows.offsets[user]!, rows.offsets[user + 1]!);
  const userRatings = rows.ratings.subarray(rows.offsets[user]!, rows.offsets[user + 1]!);

  beforeAll(async () => {
    const { training } = getModel(kind);
    const params = training.resolve();
    const fit = await training.fit(train, params, { test, seed: 1, threads: 1 });
    expect(fit.factors.kind).toBe(kind);
    expect(fit.resolvedParams).toEqual(params);
    const manifest = await publishModel(
      s3.store,
      {
        factors: { ...fit.factors, nUsers: data.userIds.size },
        dataset: data,
        params: fit.resolvedParams,
        metrics: {},
        timings: {},
        curve: fit.curve,
        epochs: fit.curve.at(-1)?.epoch ?? 0,
        source: { name: data.name, source: 'synthetic', sha256: '0'.repeat(64) },
      },
      { version: `contract-${kind}`, keep: 100 },
    );
    expect(manifest.model.params).toEqual(params);
    model = new ServingModel(await loadModelArtifacts(s3.store, manifest.version), s3.store);
  });

  it('recommends n movies for a known user, best first, none the user rated', async () => {
    const got = await recommendForUser(model, data.userIds.external(user), N);
    expect(got.movies).toHaveLength(N);
    expectSortedDescending(got.movies);
    const rated = new Set(Array.from(userItems, (i) => data.itemIds.external(i)));
    for (const m of got.movies) expect(rated.has(m.id)).toBe(false);
  });

  it("folds in a training user's own ratings to about the scores training gave that user", async () => {
    const known = model.userRows.peek(user) ?? (await model.userRows.load(user));
    // scoreAll's buffer is the scorer's own, overwritten by its next call: copies.
    const trained = model.scorer.scoreAll(known).slice();
    const visitor: UserState = model.scorer.foldIn(Int32Array.from(userItems), Float32Array.from(userRatings));
    const folded = model.scorer.scoreAll(visitor).slice();
    // Against what fold-in adds over a user with no ratings, so shared item biases cannot carry the match.
    const nobody = model.scorer.scoreAll(model.scorer.foldIn(new Int32Array(0), new Float32Array(0))).slice();
    const personal = (scores: Float32Array) => scores.map((s, i) => s - nobody[i]!);
    expect(pearson(personal(trained), personal(folded))).toBeGreaterThan(0.8);

    const posted = Array.from(userItems, (i, k) => ({ movieId: data.itemIds.external(i), rating: userRatings[k]! }));
    const got = recommendForVisitor(model, posted.reverse(), N);
    expect(got.movies).toHaveLength(N);
    // A kind without personal scores answers with the popular list (most rated first, whatever its scores).
    expect(got.fallback).toBe(model.part.personal ? undefined : 'popular');
    if (model.part.personal) expectSortedDescending(got.movies);
    const postedIds = new Set(posted.map((p) => p.movieId));
    for (const m of got.movies) expect(postedIds.has(m.id)).toBe(false);
  });

  it('filters inside the top-N pass: n that pass come back, exactly the best of the unfiltered ranking that pass', async () => {
    const genre = model.artifacts.catalog.find((e) => e?.genres.length)!.genres[0]!;
    const excluded = data.itemIds.external(0);
    const mask = model.masks.mask({ genres: [genre.toUpperCase()], exclude: [excluded] })!;
    const passes = (m: MovieScore) => m.genres.includes(genre) && m.id !== excluded;
    expect(mask.removed).toBeGreaterThan(0);
    const all = model.itemSide.nItems;
    // Each endpoint as (mask, n); unfiltered with n = every item, it is the whole ranking.
    const endpoints: Array<[string, (mask: ItemMask | undefined, n: number) => Promise<MovieScore[]>]> = [
      ['reco', async (m, n) => (await recommendForUser(model, data.userIds.external(user), n, m)).movies],
      ['unknown user', async (m, n) => (await recommendForUser(model, 'nobody-known', n, m)).movies],
      ['visitor', async (m, n) => recommendForVisitor(model, [{ movieId: data.itemIds.external(5), rating: 4 }], n, m).movies],
      ['similar', async (m, n) => similarMovies(model, data.itemIds.external(3), n, m)],
    ];
    for (const [name, list] of endpoints) {
      const got = await list(mask, N);
      const want = (await list(undefined, all)).filter(passes).slice(0, N);
      expect(got.every(passes), name).toBe(true);
      // Scores, not ids: items of equal score may come in either order.
      expect(got.map((m) => m.score), name).toEqual(want.map((m) => m.score));
      expect(got.length, name).toBe(want.length);
    }
    // A filter nothing passes gives an empty list, not an error.
    const none = model.masks.mask({ genres: [genre], excludeGenres: [genre] })!;
    expect(none.removed).toBe(all);
    expect((await recommendForUser(model, data.userIds.external(user), N, none)).movies).toEqual([]);
  });

  it('explains with its optional Scorer.explain: at most three of the rated movies a movie, largest share first; none without it', async () => {
    const rated = new Set(Array.from(userItems, (i) => data.itemIds.external(i)));
    const posted = Array.from(userItems, (i, k) => ({ movieId: data.itemIds.external(i), rating: userRatings[k]! }));
    const known = await recommendForUser(model, data.userIds.external(user), N, undefined, true);
    const visitor = recommendForVisitor(model, posted, N, undefined, true);
    const plain = await recommendForUser(model, data.userIds.external(user), N);
    // Reasons change nothing else of the answer.
    expect(known.movies.map(({ reasons: _r, ...m }) => m)).toEqual(plain.movies);
    for (const movies of [known.movies, visitor.movies]) {
      let given = 0;
      for (const m of movies) {
        expect(m.reasons!.length).toBeLessThanOrEqual(3);
        given += m.reasons!.length;
        for (const r of m.reasons!) {
          expect(rated.has(r.id)).toBe(true);
          expect(r.share).toBeGreaterThan(0);
          expect(r.share).toBeLessThanOrEqual(1);
        }
        for (let k = 1; k < m.reasons!.length; k++) expect(m.reasons![k - 1]!.share).toBeGreaterThanOrEqual(m.reasons![k]!.share);
      }
      if (model.scorer.explain) expect(given).toBeGreaterThan(0);
      else expect(given).toBe(0);
    }
  });

  it('finds similar movies: at most n, best first, never the movie itself', () => {
    const movieId = data.itemIds.external(3);
    const got = similarMovies(model, movieId, N);
    expect(got.length).toBeLessThanOrEqual(N);
    // Kinds with item rows or item-item weights always find n; bias-only kinds have nothing to compare.
    if (model.itemSide.dim > 0) expect(got).toHaveLength(N);
    expectSortedDescending(got);
    expect(got.map((m) => m.id)).not.toContain(movieId);
  });
});
