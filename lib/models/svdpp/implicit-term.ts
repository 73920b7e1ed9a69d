/**
 * The implicit term of SVD++ (Koren 2008), shared by its training and serving and by
 * BPMF's implicit flag: z_u = |N(u)|^-½ Σ_{j ∈ N(u)} y_j, N(u) the items u rated.
 * No training imports here: serving bundles this file.
 */
import { sumItemRows } from '../nsvd/user-vector';

/** |N(u)|^-½ for n rated items; 0 for none. */
export const implicitNorm = (n: number): number => (n > 0 ? 1 / Math.sqrt(n) : 0);

/** out[0..dim) = z for the items items[from..to); zeros when there are none. Returns out. */
export function implicitTerm(Y: Float32Array, dim: number, items: Int32Array, from: number, to: number, out: Float32Array): Float32Array {
  sumItemRows(Y, dim, items, from, to, implicitNorm(to - from), out);
  return out;
}

/** The implicit part of a user's fold-in, for its reasons: z over `seen` into `out`, and its norm; undefined without Y. */
export function implicitOf(Y: Float32Array | undefined, dim: number, seen: Int32Array, out: Float32Array): { z: Float32Array; norm: number } | undefined {
  return Y ? { z: implicitTerm(Y, dim, seen, 0, seen.length, out), norm: implicitNorm(seen.length) } : undefined;
}

/** P' = P + Z for every user of a user CSR (rows: P[u] + z_u), into `out` (nUsers x dim). */
export function addImplicitTerms(
  P: ArrayLike<number>,
  pStride: number,
  Y: Float32Array,
  dim: number,
  rows: { offsets: ArrayLike<number>; items: Int32Array },
  out: Float32Array,
): Float32Array {
  const z = new Float32Array(dim);
  const users = rows.offsets.length - 1;
  for (let u = 0; u < users; u++) {
    implicitTerm(Y, dim, rows.items, rows.offsets[u]!, rows.offsets[u + 1]!, z);
    for (let d = 0; d < dim; d++) out[u * dim + d] = P[u * pStride + d]! + z[d]!;
  }
  return out;
}
