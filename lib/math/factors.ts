import type { RatingScale } from '../data/dataset';

/**
 * What a trained model is: everything the artifacts hold and serving needs.
 * score(u, i) = mu + userBias[u] + itemBias[i] + dot(P[u], Q[i]) for factor models; a
 * part a model does not have is absent and counts as zero. A kind whose score has
 * another form (EASE: x_u B) says so in its own serving part. Rows are row-major
 * float32: row i of Q is Q.subarray(i * dim, (i + 1) * dim).
 */
export interface Factors {
  /** The model kind (a key of the model registry). */
  kind: string;
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
  /** Item rows, nItems x dim (EASE: the rows of B, dim = nItems). */
  Q: Float32Array;
  /** The implicit item factors (NSVD, SVD++, BPMF with `implicit`), nItems x dim: a user's implicit term is a normalised sum of the Y rows of R(u). */
  Y?: Float32Array;
  /** Everything fold-in needs besides the arrays (regularisation, NSVD size rule, iALS alpha...). */
  foldIn?: Record<string, number | string>;
}

/**
 * The item side of a model as serving and evaluation hold it (Factors less the per-user
 * arrays), with the hyper-parameters it was trained with when they are known (a loaded
 * model's manifest records them; a fold-in constant missing from foldIn is read there).
 */
export type ItemSide = Omit<Factors, 'P' | 'userBias' | 'nUsers'> & { params?: Readonly<Record<string, unknown>> };

/**
 * What scoring needs of one user: the factor row (at `offset` in `vec`; absent for
 * models without user factors), the bias, and the user's items ascending, with their
 * ratings or weights when the kind scores from them (EASE, fold-in).
 */
export interface UserState {
  vec: Float32Array | undefined;
  offset: number;
  bias: number;
  seen: Int32Array;
}

const NONE = new Int32Array(0);

/**
 * A training user's state from the fitted factors and their rated items (a user CSR),
 * written into `into` so a loop over users allocates nothing.
 */
export function trainedUserState(
  f: Pick<Factors, 'P' | 'userBias' | 'dim'>,
  seen: { offsets: Uint32Array; items: Int32Array },
  u: number,
  into: UserState = { vec: undefined, offset: 0, bias: 0, seen: NONE },
): UserState {
  into.vec = f.P;
  into.offset = u * f.dim;
  into.bias = f.userBias ? f.userBias[u]! : 0;
  into.seen = u < seen.offsets.length - 1 ? seen.items.subarray(seen.offsets[u]!, seen.offsets[u + 1]!) : NONE;
  return into;
}
