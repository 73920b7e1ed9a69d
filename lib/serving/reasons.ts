import { explainEach, LargestTerms, type ItemExplainer } from '../math/contributions';
import type { ExternalId } from '../data/external-id';

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
 * The reasons of recommended items: each item's MAX_REASONS largest positive terms and
 * the sum of all its positive terms (a term that pulls the score down is not a reason to
 * recommend it), for a whole list at once, through the explainer's largestTerms where it
 * has one. Its slots are reused for every list explained: made once per loaded model.
 */
export class ReasonPicker {
  private readonly slots: LargestTerms[] = [];

  /** The largest terms of items[k] for k < count, in slot k (valid until the next call). */
  collect(explainer: ItemExplainer, items: ArrayLike<number>, count: number): readonly LargestTerms[] {
    const { slots } = this;
    while (slots.length < count) slots.push(new LargestTerms(MAX_REASONS));
    if (explainer.largestTerms) explainer.largestTerms(items, count, slots);
    else explainEach(explainer, items, count, slots);
    return slots;
  }

  /** The reasons of items[k] for k < count, each largest share first. */
  pick(explainer: ItemExplainer, items: ArrayLike<number>, count: number, describe: (ratedItem: number, share: number) => Reason): Reason[][] {
    const slots = this.collect(explainer, items, count);
    const out = new Array<Reason[]>(count);
    for (let k = 0; k < count; k++) {
      const terms = slots[k]!;
      const reasons = new Array<Reason>(terms.count);
      for (let c = 0; c < terms.count; c++) reasons[c] = describe(terms.items[c]!, termShare(terms, c));
      out[k] = reasons;
    }
    return out;
  }
}

/** Term c's share of the positive total. */
export const termShare = (terms: LargestTerms, c: number): number => terms.terms[c]! / terms.positiveSum;
