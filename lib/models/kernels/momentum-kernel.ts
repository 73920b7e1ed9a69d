import type { SgdTables } from './sgd-kernel';

/**
 * One minibatch step of the PoC's optimizer: gradient descent with momentum
 * (TensorFlow's MomentumOptimizer: v = m v + g; w -= lr v) on the batch loss
 *   L = 1/B Σ_b [ ½ e_b² + ½ reg (|P[u_b]|² + |Q[i_b]|²) + ½ regBias (bu[u_b]² + bi[i_b]²) ],
 *   e_b = r_b - (mu + bu + bi + P[u]·Q[i]).
 * Like TensorFlow's sparse apply for embedding lookups, only the rows the batch
 * touches move and have their velocity updated. All scratch space is preallocated.
 */
export interface MomentumState {
  /** Gradient accumulators, same shapes as the tables; zero between steps. */
  gP: Float32Array;
  gQ: Float32Array;
  gUserBias: Float32Array;
  gItemBias: Float32Array;
  /** Velocities. */
  vP: Float32Array;
  vQ: Float32Array;
  vUserBias: Float32Array;
  vItemBias: Float32Array;
  /** Errors of the current batch. */
  err: Float32Array;
  userSeen: Uint8Array;
  itemSeen: Uint8Array;
}

export function createMomentumState(nUsers: number, nItems: number, dim: number, batch: number): MomentumState {
  return {
    gP: new Float32Array(nUsers * dim),
    gQ: new Float32Array(nItems * dim),
    gUserBias: new Float32Array(nUsers),
    gItemBias: new Float32Array(nItems),
    vP: new Float32Array(nUsers * dim),
    vQ: new Float32Array(nItems * dim),
    vUserBias: new Float32Array(nUsers),
    vItemBias: new Float32Array(nItems),
    err: new Float32Array(batch),
    userSeen: new Uint8Array(nUsers),
    itemSeen: new Uint8Array(nItems),
  };
}

export interface MomentumStep {
  mu: number;
  lr: number;
  momentum: number;
  reg: number;
  regBias: number;
}

/** Applies one step on ratings [start, end); returns the batch's sum of squared errors. */
export function momentumStep(
  users: Int32Array,
  items: Int32Array,
  ratings: Float32Array,
  start: number,
  end: number,
  t: SgdTables,
  s: MomentumStep,
  m: MomentumState,
): number {
  const { P, Q, userBias, itemBias, dim } = t;
  const { gP, gQ, gUserBias, gItemBias, vP, vQ, vUserBias, vItemBias, err, userSeen, itemSeen } = m;
  const inv = 1 / (end - start);
  let sse = 0;
  for (let r = start; r < end; r++) {
    const u = users[r]!;
    const i = items[r]!;
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += P[u * dim + k]! * Q[i * dim + k]!;
    const e = ratings[r]! - (s.mu + userBias[u]! + itemBias[i]! + dot);
    err[r - start] = e;
    sse += e * e;
  }
  for (let r = start; r < end; r++) {
    const u = users[r]!;
    const i = items[r]!;
    const e = err[r - start]!;
    gUserBias[u] += (s.regBias * userBias[u]! - e) * inv;
    gItemBias[i] += (s.regBias * itemBias[i]! - e) * inv;
    const pu = u * dim;
    const qi = i * dim;
    for (let k = 0; k < dim; k++) {
      gP[pu + k] += (s.reg * P[pu + k]! - e * Q[qi + k]!) * inv;
      gQ[qi + k] += (s.reg * Q[qi + k]! - e * P[pu + k]!) * inv;
    }
  }
  for (let r = start; r < end; r++) {
    const u = users[r]!;
    const i = items[r]!;
    if (!userSeen[u]) {
      userSeen[u] = 1;
      applyRow(P, vP, gP, u * dim, dim, s);
      applyRow(userBias, vUserBias, gUserBias, u, 1, s);
    }
    if (!itemSeen[i]) {
      itemSeen[i] = 1;
      applyRow(Q, vQ, gQ, i * dim, dim, s);
      applyRow(itemBias, vItemBias, gItemBias, i, 1, s);
    }
  }
  for (let r = start; r < end; r++) {
    userSeen[users[r]!] = 0;
    itemSeen[items[r]!] = 0;
  }
  return sse;
}

function applyRow(w: Float32Array, v: Float32Array, g: Float32Array, at: number, len: number, s: MomentumStep): void {
  for (let k = at; k < at + len; k++) {
    const vel = s.momentum * v[k]! + g[k]!;
    v[k] = vel;
    w[k] = w[k]! - s.lr * vel;
    g[k] = 0;
  }
}
