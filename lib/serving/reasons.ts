import type { Contributions, ItemExplainer } from '../math/contributions';
import type { ExternalId } from '../data/external-id';
import { TopN } from '../math/scoring';

/** Shares to three decimals, as answers give them: a reason's weight, not a measurement. */
export const shareOf = (share: number): number => Math.round(share * 1000) / 1000;

/** At most this many reasons per movie. */
export const MAX_REASONS = 3;

/** One of the user's rated movies behind a recommendation; `share` is its term over the sum of the positive terms. */
export interface Reason {
  id: ExternalId;
  title: string | null;
  share: number;
}

/**
 * Keeps the MAX_REASONS largest positive terms of one item's score and the sum of all
 * its positive terms (a term that pulls the score down is not a reason to recommend it).
 * Reused for every item explained: made once per loaded model.
 */
export class ReasonPicker implements Contributions {
  private readonly heap = new TopN(MAX_REASONS);
  private positive = 0;

  add(ratedItem: number, contribution: number): void {
    if (!(contribution > 0)) return;
    this.positive += contribution;
    this.heap.offer(ratedItem, contribution);
  }

  /** Explains `item`; returns how many reasons it has: item(k) and share(k) for k < count, largest share first. */
  collect(explainer: ItemExplainer, item: number): number {
    this.heap.reset();
    this.positive = 0;
    explainer.explain(item, this);
    return this.heap.sortDescending();
  }

  item(k: number): number {
    return this.heap.items[k]!;
  }

  share(k: number): number {
    return this.heap.scores[k]! / this.positive;
  }

  /** The reasons of `item`, largest share first. */
  pick(explainer: ItemExplainer, item: number, describe: (ratedItem: number, share: number) => Reason): Reason[] {
    const count = this.collect(explainer, item);
    const out = new Array<Reason>(count);
    for (let k = 0; k < count; k++) out[k] = describe(this.item(k), this.share(k));
    return out;
  }
}
