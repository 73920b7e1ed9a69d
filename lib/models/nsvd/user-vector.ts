/**
 * NSVD's user vector (Paterek's NSVD1), shared by training and serving:
 *   p_u = n(u) Σ_{j ∈ S(u)} y_j,   n(u) = 1 / sqrt(|S(u)|)
 * where S(u) is the user's rated items, or only the first `cap` of them when the
 * model was trained with size rule 'mean' or 'min' (cap = the mean / min number of
 * ratings per training user), so a user's work is bounded. No training imports here:
 * serving bundles this file.
 */
export type NsvdSize = 'max' | 'mean' | 'min';

export interface NsvdSizeRule {
  size: NsvdSize;
  /** Most items used per user; 0 = all (size 'max'). */
  cap: number;
}

/** The size rule stored in Factors.foldIn / the manifest ({ size, cap }); 'max' when absent. */
export function nsvdSizeRule(foldIn: Record<string, number | string> | undefined): NsvdSizeRule {
  const size = foldIn?.size;
  const cap = Number(foldIn?.cap ?? 0);
  if (size !== undefined && size !== 'max' && size !== 'mean' && size !== 'min') {
    throw new Error(`unknown NSVD size rule "${String(size)}"`);
  }
  return { size: (size as NsvdSize | undefined) ?? 'max', cap: Number.isFinite(cap) && cap > 0 ? Math.floor(cap) : 0 };
}

/** How many of `count` rated items enter S(u). */
export const nsvdUsedCount = (count: number, rule: NsvdSizeRule): number =>
  rule.cap > 0 ? Math.min(count, rule.cap) : count;

/** out[0..dim) = norm · Σ Y[items[k]] for k in [from, to): the one user-vector loop of training and serving. */
export function sumItemRows(Y: Float32Array, dim: number, items: Int32Array, from: number, to: number, norm: number, out: Float32Array): void {
  out.fill(0, 0, dim);
  for (let k = from; k < to; k++) {
    const at = items[k]! * dim;
    for (let d = 0; d < dim; d++) out[d] += Y[at + d]!;
  }
  for (let d = 0; d < dim; d++) out[d] *= norm;
}

/**
 * Writes p_u for a user who rated `ratedItems` (valid item indices into Y's rows) into
 * `out` (length >= dim) and returns it: the first nsvdUsedCount of them. No ratings: zeros.
 */
export function nsvdUserVector(Y: Float32Array, dim: number, ratedItems: Int32Array, sizeRule: NsvdSizeRule, out: Float32Array): Float32Array {
  const used = nsvdUsedCount(ratedItems.length, sizeRule);
  sumItemRows(Y, dim, ratedItems, 0, used, used > 0 ? 1 / Math.sqrt(used) : 0, out);
  return out;
}
