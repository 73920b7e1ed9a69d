/**
 * The shape of a recommendation's reasons, shared by the kinds' scorers (Scorer.explain)
 * and the math that computes them: a score split into one term per rated item.
 */

/** Receives the terms of one item's score: `ratedItem` (one of the user's items) contributed `contribution`. */
export interface Contributions {
  add(ratedItem: number, contribution: number): void;
}

/**
 * The `capacity` largest positive terms of one score, largest first (an earlier one first
 * on ties), and the sum of all its positive terms: what a reason needs of the terms.
 */
export class LargestTerms implements Contributions {
  readonly items: Int32Array;
  readonly terms: Float64Array;
  count = 0;
  positiveSum = 0;

  constructor(readonly capacity: number) {
    this.items = new Int32Array(capacity);
    this.terms = new Float64Array(capacity);
  }

  reset(): void {
    this.count = 0;
    this.positiveSum = 0;
  }

  add(item: number, term: number): void {
    if (!(term > 0)) return;
    this.positiveSum += term;
    const { items, terms, capacity } = this;
    if (this.count === capacity && !(term > terms[capacity - 1]!)) return;
    let c = this.count < capacity ? this.count++ : capacity - 1;
    for (; c > 0 && terms[c - 1]! < term; c--) {
      items[c] = items[c - 1]!;
      terms[c] = terms[c - 1]!;
    }
    items[c] = item;
    terms[c] = term;
  }

  /** Its items are indices into `ratedItems` (as a solver gives them): makes them the items themselves. */
  resolveIndices(ratedItems: Int32Array): void {
    for (let c = 0; c < this.count; c++) this.items[c] = ratedItems[this.items[c]!]!;
  }
}

/** One user's explanation, item by item (Scorer.explain). */
export interface ItemExplainer {
  /** Calls out.add once for every rated item that enters the terms of `item`'s score. */
  explain(item: number, out: Contributions): void;
  /**
   * Optional: fills out[k] with the largest terms of items[k]'s score for k < count, what
   * explain into out[k] would keep, for an explainer whose arithmetic does many items
   * faster together and reduces their terms itself (the push-through kernel).
   */
  largestTerms?(items: ArrayLike<number>, count: number, out: readonly LargestTerms[]): void;
}

/** The largest terms of each item, one explain call apiece (an explainer's largestTerms where it has nothing faster). */
export function explainEach(explainer: ItemExplainer, items: ArrayLike<number>, count: number, out: readonly LargestTerms[]): void {
  for (let k = 0; k < count; k++) {
    const terms = out[k]!;
    terms.reset();
    explainer.explain(items[k]!, terms);
  }
}

/** A reusable Float64Array of at least n values (grown, never shrunk), so per-user scratch is not allocated per request. */
export class GrowableBuffer {
  private data = new Float64Array(16);

  of(n: number): Float64Array {
    if (this.data.length < n) this.data = new Float64Array(Math.max(n, 2 * this.data.length));
    return this.data.subarray(0, n);
  }
}
