import type { ExternalId } from '../data/external-id';
import type { UserState } from '../math/factors';
import { clip, selectTopN, type TopN } from '../math/scoring';
import { FoldInError, type ItemExplainer } from '../models/contract';
import { InvalidRequestError, UnknownMovieError } from './errors';
import type { ItemMask } from './item-filter';
import { shareOf, type Reason } from './reasons';
import type { ServingModel } from './serving-model';

/**
 * The service's three questions, answered against one loaded model: the best movies
 * for a known user (or the popular ones for an unknown user), for a visitor from posted
 * ratings, and the movies nearest to a movie. Ids in and out are the data set's own.
 */

export interface MovieScore {
  id: ExternalId;
  title: string | null;
  genres: string[];
  /** Release year, when the catalogue has one. */
  year?: number;
  /** Predicted rating (rating models), ranking score (iALS), cosine (similar), or baseline score (popular). */
  score: number | null;
  /** With explain: the user's rated movies behind this one (reasons.ts); empty where the model gives none. */
  reasons?: Reason[];
}

export interface Recommendations {
  movies: MovieScore[];
  /** Set when the list is not personal. */
  fallback?: 'popular';
}

export interface PostedRating {
  movieId: ExternalId;
  rating: number;
}

export function movie(model: ServingModel, item: number, score: number | null): MovieScore {
  const entry = model.catalogEntry(item);
  const year = entry?.year;
  return { id: model.movieId(item), title: entry?.title ?? null, genres: entry?.genres ?? [], ...(year !== undefined ? { year } : {}), score };
}

function fromHeap(model: ServingModel, heap: TopN, count: number): MovieScore[] {
  const out = new Array<MovieScore>(count);
  for (let k = 0; k < count; k++) out[k] = movie(model, heap.items[k]!, heap.scores[k]!);
  return out;
}

/** The n most rated movies not in `exclude` (sorted ascending) that pass `mask`, scored by the model's baseline mu + b_i. */
export function popularMovies(model: ServingModel, n: number, exclude?: Int32Array, mask?: ItemMask): MovieScore[] {
  const { popular } = model.artifacts;
  const { itemBias, mu, scale, scoring } = model.itemSide;
  const out: MovieScore[] = [];
  for (let k = 0; k < popular.length && out.length < n; k++) {
    const item = popular[k]!;
    if ((mask && mask.allowed[item] === 0) || (exclude && binaryIncludes(exclude, item))) continue;
    const base = itemBias ? mu + itemBias[item]! : null;
    out.push(movie(model, item, base === null ? null : scoring === 'rating' ? clip(base, scale) : base));
  }
  return out;
}

function binaryIncludes(sorted: Int32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Fills `heap` with the best-scored items for `user` that are not in user.seen and pass
 * `mask` (clipped to the scale for rating models); returns how many, best first. The
 * batch export reads the heap directly, without a MovieScore per item.
 */
export function topItems(model: ServingModel, user: UserState, heap: TopN, mask: ItemMask | undefined): number {
  const { itemSide } = model;
  const scores = model.scorer.scoreAll(user);
  const clipTo = itemSide.scoring === 'rating' ? itemSide.scale : undefined;
  return selectTopN(scores, itemSide.nItems, heap, user.seen, clipTo, mask?.allowed);
}

/**
 * The n best-scored movies for `user` that are not in user.seen and pass `mask`. With
 * `explain`, the ratings of user.seen (or null where the model stores none), each movie
 * gets its reasons: none when the kind has no Scorer.explain, the ratings are missing,
 * or the kind's fold-in cannot be made (FoldInError).
 */
function topMovies(model: ServingModel, user: UserState, n: number, mask: ItemMask | undefined, explain?: Float32Array | null): MovieScore[] {
  const heap = model.heap(n);
  const movies = fromHeap(model, heap, topItems(model, user, heap, mask));
  if (explain !== undefined) {
    const explainer = explain ? explainerOf(model, user, explain) : undefined;
    const reasons = explainer ? model.reasons.pick(explainer, heap.items, movies.length, (item, share) => reason(model, item, share)) : undefined;
    movies.forEach((m, k) => {
      m.reasons = reasons ? reasons[k]! : [];
    });
  }
  return movies;
}

/** The kind's explainer for this user, or undefined when it has none, the user rated nothing, or it cannot make one (FoldInError). */
export function explainerOf(model: ServingModel, user: UserState, ratings: Float32Array): ItemExplainer | undefined {
  if (ratings.length !== user.seen.length) throw new Error(`${ratings.length} ratings for ${user.seen.length} seen items`);
  if (user.seen.length === 0) return undefined;
  try {
    return model.scorer.explain?.(user, ratings);
  } catch (err) {
    if (err instanceof FoldInError) return undefined;
    throw err;
  }
}

const reason = (model: ServingModel, item: number, share: number): Reason => ({
  id: model.movieId(item),
  title: model.catalogEntry(item)?.title ?? null,
  share: shareOf(share),
});

/** The popular list's movies are made for this answer: they get their empty reasons in place. */
const withoutReasons = (movies: MovieScore[]): MovieScore[] => {
  for (const m of movies) m.reasons = [];
  return movies;
};

/**
 * Top n unseen movies for a known user; the popular list for a user the model does not
 * know. Both pass `mask`. With `explain`, every movie has `reasons` (empty for the popular list).
 */
export async function recommendForUser(model: ServingModel, userId: ExternalId, n: number, mask?: ItemMask, explain = false): Promise<Recommendations> {
  const user = model.users.indexOf(userId);
  if (user < 0) {
    const movies = popularMovies(model, n, undefined, mask);
    return { movies: explain ? withoutReasons(movies) : movies, fallback: 'popular' };
  }
  const state = model.userRows.peek(user) ?? (await model.userRows.load(user));
  let ratings: Float32Array | null | undefined;
  if (explain) ratings = model.scorer.explain ? ((await model.userRows.ratings(user)) ?? null) : null;
  return { movies: topMovies(model, state, n, mask, ratings) };
}

/** Top n movies for a visitor from their ratings alone (fold-in), never one they posted. */
export function recommendForVisitor(model: ServingModel, ratings: PostedRating[], n: number, mask?: ItemMask, explain = false): Recommendations {
  const { scale } = model.manifest;
  const unknown: ExternalId[] = [];
  const indexed: Array<{ item: number; rating: number }> = [];
  for (const { movieId, rating } of ratings) {
    const item = model.items.indexOf(movieId);
    if (item < 0) unknown.push(movieId);
    if (rating < scale.min || rating > scale.max) {
      throw new InvalidRequestError(`rating ${rating} for movie ${movieId} is outside the scale ${scale.min}..${scale.max}`);
    }
    indexed.push({ item, rating });
  }
  if (unknown.length) throw new UnknownMovieError(unknown, 400);
  // Fold-in and the exclusion merge both take the posted items ascending, each once.
  indexed.sort((a, b) => a.item - b.item);
  const items = Int32Array.from(indexed, (r) => r.item);
  const values = Float32Array.from(indexed, (r) => r.rating);
  for (let k = 1; k < items.length; k++) {
    if (items[k] === items[k - 1]) throw new InvalidRequestError(`movie ${model.movieId(items[k]!)} is rated more than once`);
  }
  if (!model.part.personal) {
    const movies = popularMovies(model, n, items, mask);
    return { movies: explain ? withoutReasons(movies) : movies, fallback: 'popular' };
  }
  let visitor: UserState;
  try {
    visitor = model.scorer.foldIn(items, values);
  } catch (err) {
    if (err instanceof FoldInError) throw new InvalidRequestError(`this model cannot fold in new users: ${err.message}`);
    throw err;
  }
  return { movies: topMovies(model, visitor, n, mask, explain ? values : undefined) };
}

/** The n movies closest to `movieId` (the model kind's own similarity: cosine of item rows for factor models). */
export function similarMovies(model: ServingModel, movieId: ExternalId, n: number, mask?: ItemMask): MovieScore[] {
  const item = model.items.indexOf(movieId);
  if (item < 0) throw new UnknownMovieError([movieId], 404);
  const heap = model.heap(n);
  const count = model.scorer.similar(item, heap, mask?.allowed);
  return fromHeap(model, heap, count);
}
