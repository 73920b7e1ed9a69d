import type * as z from 'zod';
import type { Dataset } from '../data/dataset';
import type { Factors, ItemSide, UserState } from '../math/factors';
import type { ItemExplainer } from '../math/contributions';
import type { TopN } from '../math/scoring';

/**
 * The model contract (after implicit's RecommenderBase and Surprise's AlgoBase). A model
 * kind is one folder under lib/models/ with two parts:
 * - a training part (train.ts): a strict parameter schema with its defaults, and fit;
 * - a serving part (serve.ts): how to score one user against every item, fold in a
 *   visitor from posted ratings, and find similar items, over the loaded item side.
 * The serving part never imports the training part: the recommend bundle holds only
 * serving parts (serving-registry.ts); the training registry (registry.ts) pairs them.
 */

/** One point of the training curve; `best` marks a new best test error (the PoC's `*`). Epochs count from 1. */
export interface Progress {
  epoch: number;
  step: number;
  batchError: number;
  testError: number;
  elapsedMs: number;
  best: boolean;
}

export interface FitOptions {
  /** Held-out ratings for early stopping and the curve (the PoC's test split). */
  test?: Dataset;
  onProgress?: (p: Progress) => void;
  /** Stop training (keeping the best model so far) once Date.now() passes this. */
  deadline?: number;
  threads?: number;
  seed?: number;
}

export interface FitResult<P = Record<string, unknown>> {
  factors: Factors;
  /** Every hyper-parameter training used: defaults, the caller's values, and any the fit derived. */
  resolvedParams: P;
  curve: Progress[];
  /** Why training ended early, if it did: 'early-stopping' | 'deadline' | ... */
  stoppedBy?: string;
  /** Rating predictions of a ranking-first kind, when it has them (popularity's baseline). */
  ratingFactors?: Factors;
}

/** A kind's params: an object of named hyper-parameters. */
type ParamsSchema = z.ZodType<Record<string, unknown>>;

export type Feedback = 'explicit' | 'implicit';

/**
 * How `npm run tune` chose a kind's defaults: the grid searched (every combination, over
 * the defaults) and the metric ranked by, for a nested cross-validation (lib/eval/tuning.ts).
 */
export interface TuningSpec {
  /** 'rmse' is minimised; a ranking metric at k (e.g. 'ndcg@10') is maximised. */
  metric: 'rmse' | `ndcg@${number}` | `map@${number}` | `recall@${number}`;
  grid: Readonly<Record<string, readonly (number | string)[]>>;
}

export interface TrainingPart<S extends ParamsSchema = ParamsSchema> {
  readonly kind: string;
  /** Strict: unknown keys are refused. */
  readonly schema: S;
  readonly defaults: Readonly<z.infer<S>>;
  /**
   * The one place a kind's parameters are resolved: the caller's values over the
   * defaults (and any default that depends on another value), checked by the strict
   * schema. Throws ModelParamsError naming every bad or unknown key.
   */
  resolve(overrides?: Record<string, unknown>): z.infer<S>;
  /** Whether the fit uses FitOptions.test to stop early with these params. */
  stopsEarly(params: z.infer<S>): boolean;
  readonly tuning: TuningSpec;
  /** The data it learns from: ratings ('explicit'), interactions without ratings ('implicit'), or both. */
  readonly feedback: readonly Feedback[];
  fit(train: Dataset, params: z.infer<S>, options?: FitOptions): Promise<FitResult<z.infer<S>>>;
}

/** One loaded model's scorer: made once per version (it may cache derived data), reused by every request. */
export interface Scorer {
  /**
   * The score of every item for `user`, [0..nItems), in a buffer the scorer owns: valid
   * until its next scoreAll, so a caller reads it (or copies it) before scoring again.
   */
  scoreAll(user: UserState): Float32Array;
  /**
   * A visitor's state from posted ratings alone (items valid indices, each once), with
   * the item side fixed. Throws FoldInError when this model cannot fold in.
   */
  foldIn(items: Int32Array, ratings: Float32Array): UserState;
  /** Fills heap with the items nearest to `item` (itself, and items `allowed` marks 0, excluded); returns the count, best first. */
  similar(item: number, heap: TopN, allowed?: Uint8Array): number;
  /**
   * Optional: why items score as they do for one user, as per-rated-item terms of the
   * score (the kind's serve.ts states its algebra and what the terms sum to). `ratings`
   * are the ratings (or confidences' source values) of user.seen, in its order. The work
   * that depends only on the user (a factorisation) is done here, once; the explainer
   * returned is owned by the scorer and valid until its next explain call. A kind without
   * it gives no reasons.
   */
  explain?(user: UserState, ratings: Float32Array): ItemExplainer;
}

export type { Contributions, ItemExplainer } from '../math/contributions';

export interface ServingPart {
  readonly kind: string;
  readonly scoring: 'rating' | 'ranking';
  /** False when every list is the same popular list (no personal scores). */
  readonly personal: boolean;
  open(model: ItemSide): Scorer;
}

/** A model that cannot build a visitor's vector from what it was given (says why). */
export class FoldInError extends Error {
  override name = 'FoldInError';
}
