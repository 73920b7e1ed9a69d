import type { ExternalId } from '../../lib/data/external-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelArtifacts } from '../../lib/artifacts/load';
import { UnknownMovieError, InvalidRequestError } from '../../lib/serving/errors';
import { ridgeFoldIn } from '../../lib/math/ridge-fold-in';
import { popularMovies, recommendForUser, recommendForVisitor, similarMovies } from '../../lib/serving/recommender';
import { ServingModel } from '../../lib/serving/serving-model';
import { startTestS3 } from '../helpers/s3';
import { bruteForceTop, buildFixture, publishFixture, ratedBy, type Fixture } from './fixture';

let s3: Awaited<ReturnType<typeof startTestS3>>;
const svd = buildFixture({ nUsers: 40, nItems: 60, dim: 8, seed: 3 });
const ials = buildFixture({ nUsers: 30, nItems: 50, dim: 6, seed: 4, kind: 'ials' });
const baseline = buildFixture({ nUsers: 20, nItems: 30, seed: 5, kind: 'baseline' });
let svdModel: ServingModel;
let rangedModel: ServingModel;

async function serve(f: Fixture, version: string, wholeUpToBytes?: number): Promise<ServingModel> {
  await publishFixture(s3.store, f, version);
  const a = await loadModelArtifacts(s3.store, version, wholeUpToBytes === undefined ? {} : { wholeUpToBytes });
  return new ServingModel(a, s3.store);
}

beforeAll(async () => {
  s3 = await startTestS3();
  svdModel = await serve(svd, 'svd');
  rangedModel = new ServingModel(await loadModelArtifacts(s3.store, 'svd', { wholeUpToBytes: 0 }), s3.store);
});
afterAll(async () => s3?.close());

describe('recommendForUser', () => {
  it('matches a brute-force ranking of unseen movies, whole or ranged, for every user', async () => {
    for (let u = 0; u < svd.factors.nUsers; u++) {
      const expected = bruteForceTop(svd, u, 7);
      for (const model of [svdModel, rangedModel]) {
        const got = await recommendForUser(model, svd.userId(u), 7);
        expect(got.fallback).toBeUndefined();
        expect(got.movies.map((m) => m.id)).toEqual(expected.map((m) => m.id));
        got.movies.forEach((m, k) => expect(m.score).toBeCloseTo(Math.min(5, Math.max(1, expected[k]!.score)), 4));
        const seen = ratedBy(svd, u);
        for (const m of got.movies) expect(seen.has(m.id)).toBe(false);
      }
    }
  });

  it('gives an unknown user the popular list, labelled as such', async () => {
    const got = await recommendForUser(svdModel, 99_999, 5);
    expect(got.fallback).toBe('popular');
    expect(got.movies.map((m) => m.id)).toEqual(Array.from(svdModel.artifacts.popular.subarray(0, 5), (i) => svd.movieId(i)));
    expect(got.movies[0]!.title).toMatch(/^Movie \d+/);
  });
});

describe('recommendForVisitor', () => {
  it('recovers a user vector from ratings it generated (ridge fold-in)', () => {
    const { factors: f } = svd;
    const truth = Float32Array.from({ length: f.dim }, (_, k) => 0.3 * Math.sin(k + 1));
    const items = Int32Array.from({ length: 40 }, (_, k) => k);
    const ratings = Float32Array.from(items, (i) => {
      let s = f.mu + 0.2 + f.itemBias![i]!;
      for (let k = 0; k < f.dim; k++) s += truth[k]! * f.Q[i * f.dim + k]!;
      return s;
    });
    const v = ridgeFoldIn(svdModel.itemSide, items, ratings, 1e-6);
    for (let k = 0; k < f.dim; k++) expect(v.vec![k]).toBeCloseTo(truth[k]!, 2);
    expect(v.bias).toBeCloseTo(0.2, 2);
  });

  it('never recommends a posted movie and ranks best first', () => {
    const posted = [0, 1, 2, 5, 8].map((i) => ({ movieId: svd.movieId(i), rating: 1 + (i % 5) }));
    const got = recommendForVisitor(svdModel, posted, 20);
    expect(got.movies).toHaveLength(20);
    const postedIds = new Set<ExternalId>(posted.map((p) => p.movieId));
    for (const m of got.movies) expect(postedIds.has(m.id)).toBe(false);
    for (let k = 1; k < got.movies.length; k++) expect(got.movies[k - 1]!.score!).toBeGreaterThanOrEqual(got.movies[k]!.score!);
  });

  it('folds in iALS visitors and baseline visitors', async () => {
    const ialsModel = await serve(ials, 'ials');
    const posted = [3, 4, 9].map((i) => ({ movieId: ials.movieId(i), rating: 5 }));
    const got = recommendForVisitor(ialsModel, posted, 10);
    expect(got.movies).toHaveLength(10);
    expect(got.movies.map((m) => m.id)).not.toContain(ials.movieId(3));
    // Baseline has no factors: a visitor's list is the item-bias order minus what they posted.
    const baselineModel = await serve(baseline, 'baseline');
    const b = recommendForVisitor(baselineModel, [{ movieId: baseline.movieId(0), rating: 4 }], 5);
    expect(b.movies).toHaveLength(5);
    const byBias = Array.from({ length: 30 }, (_, i) => i)
      .filter((i) => i !== 0)
      .sort((x, y) => baseline.factors.itemBias![y]! - baseline.factors.itemBias![x]!)
      .slice(0, 5)
      .map((i) => baseline.movieId(i));
    expect(b.movies.map((m) => m.id)).toEqual(byBias);
  });

  it('folds in NSVD visitors with the user-vector rule of the model', async () => {
    const nsvd = buildFixture({ nUsers: 20, nItems: 40, dim: 5, seed: 6, kind: 'nsvd' });
    const model = await serve(nsvd, 'nsvd');
    const postedItems = [1, 4, 6];
    const got = recommendForVisitor(model, postedItems.map((i) => ({ movieId: nsvd.movieId(i), rating: 4 })), 6);
    const { Y, Q, dim, nItems, itemBias } = nsvd.factors;
    const p = new Float64Array(dim);
    for (const i of postedItems) for (let k = 0; k < dim; k++) p[k] += Y![i * dim + k]! / Math.sqrt(postedItems.length);
    const dotQ = (i: number) => p.reduce((s, v, k) => s + v * Q[i * dim + k]!, 0);
    const expected = Array.from({ length: nItems }, (_, i) => i)
      .filter((i) => !postedItems.includes(i))
      .sort((a, b) => itemBias![b]! + dotQ(b) - (itemBias![a]! + dotQ(a)))
      .slice(0, 6)
      .map((i) => nsvd.movieId(i));
    expect(got.movies.map((m) => m.id)).toEqual(expected);
  });

  it('rejects unknown movies, repeated movies and ratings outside the scale', () => {
    expect(() => recommendForVisitor(svdModel, [{ movieId: 5, rating: 3 }], 5)).toThrow(UnknownMovieError);
    const id = svd.movieId(1);
    expect(() => recommendForVisitor(svdModel, [{ movieId: id, rating: 3 }, { movieId: id, rating: 4 }], 5)).toThrow(InvalidRequestError);
    expect(() => recommendForVisitor(svdModel, [{ movieId: id, rating: 9 }], 5)).toThrow(/outside the scale/);
  });
});

describe('similarMovies', () => {
  it('matches brute-force cosine over item factors', () => {
    const { Q, dim, nItems } = svd.factors;
    const cos = (a: number, b: number) => {
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let k = 0; k < dim; k++) {
        ab += Q[a * dim + k]! * Q[b * dim + k]!;
        aa += Q[a * dim + k]! ** 2;
        bb += Q[b * dim + k]! ** 2;
      }
      return ab / Math.sqrt(aa * bb);
    };
    const target = 7;
    const expected = Array.from({ length: nItems }, (_, i) => i)
      .filter((i) => i !== target)
      .sort((a, b) => cos(target, b) - cos(target, a))
      .slice(0, 6);
    const got = similarMovies(svdModel, svd.movieId(target), 6);
    expect(got.map((m) => m.id)).toEqual(expected.map((i) => svd.movieId(i)));
    expect(got[0]!.score).toBeCloseTo(cos(target, expected[0]!), 4);
  });

  it('404s an unknown movie', () => {
    try {
      similarMovies(svdModel, 123456, 5);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UnknownMovieError);
      expect((err as UnknownMovieError).status).toBe(404);
    }
  });
});

describe('popularMovies', () => {
  it('skips excluded movies', () => {
    const top = popularMovies(svdModel, 3);
    const excluded = Int32Array.from([svdModel.items.indexOf(top[0]!.id)]);
    const rest = popularMovies(svdModel, 3, excluded);
    expect(rest.map((m) => m.id)).toEqual([...top.slice(1).map((m) => m.id), rest[2]!.id]);
    expect(rest.map((m) => m.id)).not.toContain(top[0]!.id);
  });
});
