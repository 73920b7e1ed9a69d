/**
 * The shape of a recommendation's reasons, shared by the kinds' scorers (Scorer.explain)
 * and the math that computes them: a score split into one term per rated item.
 */

/** Receives the terms of one item's score: `ratedItem` (one of the user's items) contributed `contribution`. */
export interface Contributions {
  add(ratedItem: number, contribution: number): void;
}

/** One user's explanation, item by item (Scorer.explain). */
export interface ItemExplainer {
  /** Calls out.add once for every rated item that enters the terms of `item`'s score. */
  explain(item: number, out: Contributions): void;
}

/** A reusable Float64Array of at least n values (grown, never shrunk), so per-user scratch is not allocated per request. */
export class GrowableBuffer {
  private data = new Float64Array(16);

  of(n: number): Float64Array {
    if (this.data.length < n) this.data = new Float64Array(Math.max(n, 2 * this.data.length));
    return this.data.subarray(0, n);
  }
}
