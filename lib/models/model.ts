import type { Dataset, RatingScale } from '../data/dataset';

export type ModelKind = 'svd' | 'nsvd' | 'ials' | 'baseline' | 'popularity';

/**
 * What a trained model is: everything the artifacts hold and serving needs.
 * score(u, i) = mu + userBias[u] + itemBias[i] + dot(P[u], Q[i]); a part a model
 * does not have is absent and counts as zero. Rows are row-major float32:
 * row i of Q is Q.subarray(i * dim, (i + 1) * dim).
 */
export interface Factors {
  kind: ModelKind;
  /** 'rating': scores predict ratings and clip to the scale; 'ranking': scores only order items. */
  scoring: 'rating' | 'ranking';
  dim: number;
  nUsers: number;
  nItems: number;
  mu: number;
  scale: RatingScale;
  userBias?: Float32Array;
  itemBias?: Float32Array;
  /** User factors, nUsers x dim (for NSVD, the users' vectors materialised from Y). */
  P?: Float32Array;
  /** Item factors, nItems x dim. */
  Q: Float32Array;
  /** NSVD only: the second item factor set, nItems x dim; a user is norm(R(u)) * sum of Y rows. */
  Y?: Float32Array;
  /** Everything fold-in needs besides the arrays (regularisation, NSVD size rule, iALS alpha...). */
  foldIn?: Record<string, number | string>;
}

/** One point of the training curve; `best` marks a new best test error (the PoC's `*`). */
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

export interface FitResult {
  factors: Factors;
  curve: Progress[];
  /** Why training ended early, if it did: 'early-stopping' | 'deadline' | ... */
  stoppedBy?: string;
}

/**
 * One interface for every model (after implicit's RecommenderBase and Surprise's
 * per-algorithm files). Each model file states its formula and defaults at the top.
 */
export interface Model<P extends object = Record<string, unknown>> {
  readonly kind: ModelKind;
  readonly defaults: Readonly<P>;
  fit(train: Dataset, params: Partial<P>, options?: FitOptions): Promise<FitResult>;
}
