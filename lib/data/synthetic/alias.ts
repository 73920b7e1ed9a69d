import type { Rng } from '../random';

/**
 * Walker/Vose alias table: draws index i with probability weights[i] / sum in O(1)
 * (one nextInt and one next per draw).
 */
export class AliasSampler {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new RangeError('AliasSampler needs at least one weight');
    let sum = 0;
    for (let i = 0; i < n; i++) sum += weights[i]!;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0;
    let nl = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / sum;
      if (scaled[i]! < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns]!;
      const l = large[--nl]!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      if (scaled[l]! < 1) small[ns++] = l;
      else large[nl++] = l;
    }
    // Leftovers are 1 up to rounding.
    while (nl > 0) this.prob[large[--nl]!] = 1;
    while (ns > 0) this.prob[small[--ns]!] = 1;
  }

  sample(rng: Rng): number {
    const i = rng.nextInt(this.prob.length);
    return rng.next() < this.prob[i]! ? i : this.alias[i]!;
  }
}
