import type { Rng } from '../../data/random';
import { permutation } from '../../data/random';
import { minibatchRounds } from '../kernels/minibatch-rounds';
import { nsvdUsedCount, sumItemRows, type NsvdSizeRule } from './user-vector';

/**
 * NSVD by the PoC's optimizer: minibatch gradient descent with momentum (v = m v + g;
 * w -= lr v) on the batch loss
 *   L = 1/B Σ_b [ ½ e_b² + ½ reg (|q_i|² + Σ_{j∈S(u)} |y_j|²) + ½ regBias (b_u² + b_i²) ],
 *   e_b = r_b − (mu + b_u + b_i + p_u·q_i),   p_u = n(u) Σ_{j∈S(u)} y_j,
 * over consecutive slices of the once-shuffled ratings. A batch's users get p_u once and
 * one summed gradient; only the rows a batch touches move (as TensorFlow's sparse apply).
 */
export interface NsvdTables {
  Q: Float32Array;
  Y: Float32Array;
  userBias: Float32Array;
  itemBias: Float32Array;
  dim: number;
}

export interface NsvdRows {
  start: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
}

export interface MomentumParams {
  batch: number;
  steps: number;
  epochs: number;
  lr: number;
  momentum: number;
  reg: number;
  regBias: number;
}

export function nsvdMomentumRunner(rows: NsvdRows, rule: NsvdSizeRule, t: NsvdTables, p: MomentumParams, mu: number, rng: Rng) {
  const { dim, Q, Y, userBias, itemBias } = t;
  const nU = rows.start.length - 1;
  const nI = itemBias.length;
  const n = rows.items.length;
  const userOf = new Int32Array(n);
  for (let u = 0; u < nU; u++) userOf.fill(u, rows.start[u]!, rows.start[u + 1]!);
  const order = permutation(n, rng);
  const batch = Math.min(p.batch, Math.max(1, n));

  const gQ = new Float32Array(nI * dim);
  const gY = new Float32Array(nI * dim);
  const gUserBias = new Float32Array(nU);
  const gItemBias = new Float32Array(nI);
  const vQ = new Float32Array(nI * dim);
  const vY = new Float32Array(nI * dim);
  const vUserBias = new Float32Array(nU);
  const vItemBias = new Float32Array(nI);
  // Per batch: each distinct user's slot, vector, summed e·q and count.
  const slotOf = new Int32Array(nU).fill(-1);
  const slotUser = new Int32Array(batch);
  const pu = new Float32Array(batch * dim);
  const gu = new Float32Array(batch * dim);
  const count = new Int32Array(batch);
  const qTouched = new Uint8Array(nI);
  const yTouched = new Uint8Array(nI);
  const qList = new Int32Array(Math.min(nI, batch));
  const yList: number[] = [];

  const apply = (w: Float32Array, v: Float32Array, g: Float32Array, at: number, len: number) => {
    for (let k = at; k < at + len; k++) {
      const vel = p.momentum * v[k]! + g[k]!;
      v[k] = vel;
      w[k] = w[k]! - p.lr * vel;
      g[k] = 0;
    }
  };

  /** One step on order[from..to); returns the batch's sum of squared errors. */
  const step = (from: number, to: number): number => {
    const inv = 1 / (to - from);
    let users = 0;
    let items = 0;
    let sse = 0;
    for (let k = from; k < to; k++) {
      const r = order[k]!;
      const u = userOf[r]!;
      let s = slotOf[u]!;
      if (s < 0) {
        s = slotOf[u] = users++;
        slotUser[s] = u;
        const start = rows.start[u]!;
        const used = nsvdUsedCount(rows.start[u + 1]! - start, rule);
        sumItemRows(Y, dim, rows.items, start, start + used, 1 / Math.sqrt(used), pu.subarray(s * dim, (s + 1) * dim));
        gu.fill(0, s * dim, (s + 1) * dim);
        count[s] = 0;
      }
      const i = rows.items[r]!;
      const qi = i * dim;
      const ps = s * dim;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += pu[ps + d]! * Q[qi + d]!;
      const e = rows.ratings[r]! - (mu + userBias[u]! + itemBias[i]! + dot);
      sse += e * e;
      gUserBias[u] += (p.regBias * userBias[u]! - e) * inv;
      gItemBias[i] += (p.regBias * itemBias[i]! - e) * inv;
      for (let d = 0; d < dim; d++) {
        gQ[qi + d] += (p.reg * Q[qi + d]! - e * pu[ps + d]!) * inv;
        gu[ps + d] += e * Q[qi + d]!;
      }
      count[s]!++;
      if (!qTouched[i]) {
        qTouched[i] = 1;
        qList[items++] = i;
      }
    }
    for (let s = 0; s < users; s++) {
      const u = slotUser[s]!;
      const start = rows.start[u]!;
      const used = nsvdUsedCount(rows.start[u + 1]! - start, rule);
      const norm = 1 / Math.sqrt(used);
      const c = count[s]!;
      for (let k = start; k < start + used; k++) {
        const j = rows.items[k]!;
        const yj = j * dim;
        for (let d = 0; d < dim; d++) gY[yj + d] += (p.reg * c * Y[yj + d]! - norm * gu[s * dim + d]!) * inv;
        if (!yTouched[j]) {
          yTouched[j] = 1;
          yList.push(j);
        }
      }
      apply(userBias, vUserBias, gUserBias, u, 1);
      slotOf[u] = -1;
    }
    for (let k = 0; k < items; k++) {
      const i = qList[k]!;
      apply(Q, vQ, gQ, i * dim, dim);
      apply(itemBias, vItemBias, gItemBias, i, 1);
      qTouched[i] = 0;
    }
    for (const j of yList) {
      apply(Y, vY, gY, j * dim, dim);
      yTouched[j] = 0;
    }
    yList.length = 0;
    return sse;
  };

  return minibatchRounds(n, p, step);
}
