/**
 * The Gibbs step of BPMF's implicit term (the SVD++ term of Rendle, Zhang & Koren 2019):
 * the user row is p_u + z_u, z_u = n_u Σ_{j ∈ N(u)} y_j, n_u = |N(u)|^-½.
 *
 * Each y_jf is drawn from its exact one-dimensional conditional, as libFM's MCMC does.
 * With e_ui the current residuals and, per user and one dimension f,
 *   g_u = Σ_{i ∈ R(u)} e_ui q_if,   h_u = Σ_{i ∈ R(u)} q_if²,
 * the conditional of y_jf is Gaussian with
 *   precision λ_f + α Σ_{u ∈ N(j)} n_u² h_u,   precision · mean = α Σ_{u ∈ N(j)} n_u (g_u + n_u h_u y_jf),
 * and moving y_jf by Δ changes every g_u of its raters by -n_u Δ h_u. So one dimension
 * costs a few passes over the ratings and a sweep O(ratings x dim), not the
 * O(Σ_u |R(u)|² x dim) of sampling y_j against each of its users' ratings. The prior is
 * y_jf ~ N(0, 1/λ_f) with λ_f ~ Gamma(1, 1) a priori, drawn after the sweep.
 */
import type { ItemCsr, UserCsr } from '../../data/csr';
import { sampleGamma } from '../../math/sampling';
import type { Rng } from '../../data/random';
import { allocate } from '../kernels/shared';
import { implicitTerm } from '../svdpp/implicit-term';

export interface ImplicitState {
  dim: number;
  /** nItems x dim. */
  Y: Float32Array;
  /** nUsers x dim: z_u, kept in step with Y. */
  Z: Float32Array;
  /** λ_f per dimension. */
  precision: Float64Array;
  norm: Float64Array;
  g: Float64Array;
  h: Float64Array;
  dz: Float64Array;
  z: Float32Array;
}

/** Y = 0 (so z_u = 0) and λ = 1; Z shared between threads when `shared` (the user draws read it). */
export function implicitState(users: UserCsr, nItems: number, dim: number, shared = false): ImplicitState {
  const nU = users.offsets.length - 1;
  const norm = new Float64Array(nU);
  for (let u = 0; u < nU; u++) {
    const n = users.offsets[u + 1]! - users.offsets[u]!;
    norm[u] = n > 0 ? 1 / Math.sqrt(n) : 0;
  }
  return {
    dim,
    Y: new Float32Array(nItems * dim),
    Z: allocate(Float32Array, nU * dim, shared),
    precision: new Float64Array(dim).fill(1),
    norm,
    g: new Float64Array(nU),
    h: new Float64Array(nU),
    dz: new Float64Array(nU),
    z: new Float32Array(dim),
  };
}

/** Z from Y afresh (so rounding never accumulates across sweeps). */
export function refreshImplicitTerms(s: ImplicitState, users: UserCsr): void {
  const { dim, Y, Z, z } = s;
  for (let u = 0; u + 1 < users.offsets.length; u++) {
    implicitTerm(Y, dim, users.items, users.offsets[u]!, users.offsets[u + 1]!, z);
    Z.set(z, u * dim);
  }
}

/**
 * One Gibbs sweep over Y, dimension by dimension. `residual` holds e_ui in user-CSR order
 * for the current Y on entry and is kept current; Z too. V is the item table (row i at
 * i * K, q_i in its first dim values). Returns nothing; draws λ at the end.
 */
export function sampleImplicit(
  s: ImplicitState,
  users: UserCsr,
  items: ItemCsr,
  V: Float32Array,
  K: number,
  residual: Float64Array,
  alpha: number,
  rng: Rng,
): void {
  const { dim, Y, Z, precision, norm, g, h, dz } = s;
  const nU = users.offsets.length - 1;
  const nI = items.offsets.length - 1;
  const { offsets: uOff, items: uItems } = users;
  const { offsets: iOff, users: iUsers } = items;
  for (let f = 0; f < dim; f++) {
    for (let u = 0; u < nU; u++) {
      let gu = 0;
      let hu = 0;
      for (let k = uOff[u]!; k < uOff[u + 1]!; k++) {
        const q = V[uItems[k]! * K + f]!;
        gu += residual[k]! * q;
        hu += q * q;
      }
      g[u] = gu;
      h[u] = hu;
      dz[u] = 0;
    }
    const lambda = precision[f]!;
    for (let j = 0; j < nI; j++) {
      const old = Y[j * dim + f]!;
      let prec = lambda;
      let info = 0;
      for (let k = iOff[j]!; k < iOff[j + 1]!; k++) {
        const u = iUsers[k]!;
        const n = norm[u]!;
        prec += alpha * n * n * h[u]!;
        info += alpha * n * (g[u]! + n * h[u]! * old);
      }
      const next = info / prec + rng.nextGaussian() / Math.sqrt(prec);
      Y[j * dim + f] = next;
      const delta = Y[j * dim + f]! - old;
      if (delta === 0) continue;
      for (let k = iOff[j]!; k < iOff[j + 1]!; k++) {
        const u = iUsers[k]!;
        g[u] -= norm[u]! * delta * h[u]!;
        dz[u] += norm[u]! * delta;
      }
    }
    for (let u = 0; u < nU; u++) {
      const d = dz[u]!;
      if (d === 0) continue;
      Z[u * dim + f] += d;
      for (let k = uOff[u]!; k < uOff[u + 1]!; k++) residual[k] -= V[uItems[k]! * K + f]! * d;
    }
  }
  for (let f = 0; f < dim; f++) {
    let ss = 0;
    for (let j = 0; j < nI; j++) ss += Y[j * dim + f]! ** 2;
    precision[f] = sampleGamma(1 + nI / 2, 1 + ss / 2, rng);
  }
}
