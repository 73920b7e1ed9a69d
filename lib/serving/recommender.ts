import { clip, similarItems, topNForUser, type TopN } from './scoring';
import { InvalidRequestError, UnknownMovieError } from './errors';
import { visitorVector } from './fold-in';
import type { ServingModel } from './serving-model';

/**
 * The service's three questions, answered against one loaded model: the best movies
 * for a known user (or the popular ones for an unknown user), for a visitor from posted
 * ratings, and the movies nearest to a movie. Ids in and out are the data set's own.
 */

export interface MovieScore {
  id: number;
  title: string | null;
  genres: string[];
  /** Predicted rating (rating models), ranking score (iALS), cosine (similar), or baseline score (popular). */
  score: number | null;
}

export interface Recommendations {
  movies: MovieScore[];
  /** Set when the list is not personal. */
  fallback?: 'popular';
}

export interface PostedRating {
  movieId: number;
  rating: number;
}

function movie(model: ServingModel, item: number, score: number | null): MovieScore {
  const entry = model.catalogEntry(item);
  return { id: model.movieId(item), title: entry?.title ?? null, genres: entry?.genres ?? [], score };
}

function fromHeap(model: ServingModel, heap: TopN, count: number): MovieScore[] {
  const out = new Array<MovieScore>(count);
  for (let k = 0; k < count; k++) out[k] = movie(model, heap.items[k]!, heap.scores[k]!);
  return out;
}

/** The n most rated movies not in `exclude` (sorted ascending), scored by the model's baseline mu + b_i. */
export function popularMovies(model: ServingModel, n: number, exclude?: Int32Array): MovieScore[] {
  const { popular } = model.artifacts;
  const { itemBias, mu, scale, scoring } = model.scoring;
  const out: MovieScore[] = [];
  for (let k = 0; k < popular.length && out.length < n; k++) {
    const item = popular[k]!;
    if (exclude && binaryIncludes(exclude, item)) continue;
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

/** Top n unseen movies for a known user; the popular list for a user the model does not know. */
export async function recommendForUser(model: ServingModel, userId: number, n: number): Promise<Recommendations> {
  const user = model.users.indexOf(userId);
  if (user < 0) return { movies: popularMovies(model, n), fallback: 'popular' };
  const state = model.userRows.peek(user) ?? (await model.userRows.load(user));
  const heap = model.heap(n);
  const count = topNForUser(model.scoring, state.vec, state.offset, state.bias, heap, state.seen);
  return { movies: fromHeap(model, heap, count) };
}

/** Top n movies for a visitor from their ratings alone (fold-in), never one they posted. */
export function recommendForVisitor(model: ServingModel, ratings: PostedRating[], n: number): Recommendations {
  const { scale } = model.manifest;
  const unknown: number[] = [];
  const items = new Int32Array(ratings.length);
  const values = new Float32Array(ratings.length);
  for (let k = 0; k < ratings.length; k++) {
    const { movieId, rating } = ratings[k]!;
    const item = model.items.indexOf(movieId);
    if (item < 0) unknown.push(movieId);
    if (rating < scale.min || rating > scale.max) {
      throw new InvalidRequestError(`rating ${rating} for movie ${movieId} is outside the scale ${scale.min}..${scale.max}`);
    }
    items[k] = item;
    values[k] = rating;
  }
  if (unknown.length) throw new UnknownMovieError(unknown, 400);
  const posted = items.slice().sort();
  for (let k = 1; k < posted.length; k++) {
    if (posted[k] === posted[k - 1]) {
      throw new InvalidRequestError(`movie ${model.movieId(posted[k]!)} is rated more than once`);
    }
  }
  if (model.kind === 'popularity') return { movies: popularMovies(model, n, posted), fallback: 'popular' };
  const visitor = visitorVector(model, items, values);
  const heap = model.heap(n);
  const count = topNForUser(model.scoring, visitor.vec, 0, visitor.bias, heap, posted);
  return { movies: fromHeap(model, heap, count) };
}

/** The n movies closest to `movieId` by cosine of item factor rows. */
export function similarMovies(model: ServingModel, movieId: number, n: number): MovieScore[] {
  const item = model.items.indexOf(movieId);
  if (item < 0) throw new UnknownMovieError([movieId], 404);
  const heap = model.heap(n);
  const count = similarItems(model.scoring, model.norms, item, heap);
  return fromHeap(model, heap, count);
}
