import type { ExternalId } from '../data/external-id';
import { clip } from '../math/scoring';
import { movie, type MovieScore } from './recommender';
import type { ServingModel } from './serving-model';

export interface RatedMovies {
  /** How many movies the user rated. */
  total: number;
  /** The first n of them, best first. */
  movies: MovieScore[];
}

/**
 * The movies a known user rated, those the model scores highest for them first (ties by
 * item order); undefined for a user the model does not know. The model's own score stands
 * in for how much they liked each one: models before format 3 keep which movies each user
 * rated (seen.items), not the ratings, and format 3 reads its ratings only for reasons.
 */
export async function ratedMovies(model: ServingModel, userId: ExternalId, n: number): Promise<RatedMovies | undefined> {
  const user = model.users.indexOf(userId);
  if (user < 0) return undefined;
  const state = await model.userRows.load(user);
  // The scorer's buffer: read it before anything else scores.
  const scores = model.scorer.scoreAll(state);
  const { scoring, scale } = model.itemSide;
  const rated = Array.from(state.seen, (item) => ({ item, score: scoring === 'rating' ? clip(scores[item]!, scale) : scores[item]! }));
  rated.sort((a, b) => b.score - a.score || a.item - b.item);
  return { total: rated.length, movies: rated.slice(0, n).map(({ item, score }) => movie(model, item, score)) };
}
