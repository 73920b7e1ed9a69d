/**
 * The per-rating SGD step of biased matrix factorisation (Funk / Koren), over a
 * range of ratings. For rating r of user u on item i:
 *   e    = r - (mu + bu[u] + bi[i] + P[u]·Q[i])
 *   bu  += lr (e - regBias bu),  bi += lr (e - regBias bi)
 *   P[u] += lr (e Q[i] - reg P[u]),  Q[i] += lr (e P[u] - reg Q[i])   (simultaneous)
 * No allocation; returns the sum of squared errors before each update.
 */
export interface SgdTables {
  P: Float32Array;
  Q: Float32Array;
  userBias: Float32Array;
  itemBias: Float32Array;
  dim: number;
}

export interface SgdStep {
  mu: number;
  lr: number;
  reg: number;
  regBias: number;
}

export function sgdRange(
  users: Int32Array,
  items: Int32Array,
  ratings: Float32Array,
  start: number,
  end: number,
  t: SgdTables,
  s: SgdStep,
): number {
  const { P, Q, userBias, itemBias, dim } = t;
  const { mu, lr, reg, regBias } = s;
  const dim4 = dim & ~3;
  let sse = 0;
  for (let r = start; r < end; r++) {
    const u = users[r]!;
    const i = items[r]!;
    const pu = u * dim;
    const qi = i * dim;
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    let k = 0;
    for (; k < dim4; k += 4) {
      d0 += P[pu + k]! * Q[qi + k]!;
      d1 += P[pu + k + 1]! * Q[qi + k + 1]!;
      d2 += P[pu + k + 2]! * Q[qi + k + 2]!;
      d3 += P[pu + k + 3]! * Q[qi + k + 3]!;
    }
    for (; k < dim; k++) d0 += P[pu + k]! * Q[qi + k]!;
    const bu = userBias[u]!;
    const bi = itemBias[i]!;
    const e = ratings[r]! - (mu + bu + bi + (d0 + d1 + d2 + d3));
    sse += e * e;
    userBias[u] = bu + lr * (e - regBias * bu);
    itemBias[i] = bi + lr * (e - regBias * bi);
    const le = lr * e;
    const decay = 1 - lr * reg;
    for (k = 0; k < dim; k++) {
      const p = P[pu + k]!;
      const q = Q[qi + k]!;
      P[pu + k] = decay * p + le * q;
      Q[qi + k] = decay * q + le * p;
    }
  }
  return sse;
}

/**
 * Sum of squared errors of predictions clipped to [lo, hi] over [start, end). With
 * slot maps, the tables' rows are at userSlot[u] / itemSlot[i] (see blocks.ts).
 */
export function squaredErrorRange(
  users: Int32Array,
  items: Int32Array,
  ratings: Float32Array,
  start: number,
  end: number,
  t: { P: Float32Array; Q: Float32Array; userBias: Float32Array; itemBias: Float32Array; dim: number },
  mu: number,
  lo: number,
  hi: number,
  userSlot?: Int32Array,
  itemSlot?: Int32Array,
): number {
  const { P, Q, userBias, itemBias, dim } = t;
  let sse = 0;
  for (let r = start; r < end; r++) {
    const u = userSlot ? userSlot[users[r]!]! : users[r]!;
    const i = itemSlot ? itemSlot[items[r]!]! : items[r]!;
    const pu = u * dim;
    const qi = i * dim;
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += P[pu + k]! * Q[qi + k]!;
    let pred = mu + userBias[u]! + itemBias[i]! + dot;
    if (pred < lo) pred = lo;
    else if (pred > hi) pred = hi;
    const e = ratings[r]! - pred;
    sse += e * e;
  }
  return sse;
}
