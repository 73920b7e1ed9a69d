import type { ServingPart } from '../contract';
import { factorScorer, foldInNumber, visitorState } from '../factor-scorer';

/**
 * Baseline serving: score = mu + b_u + b_i. A visitor's bias is the same regularised
 * mean training solves for a user: b_u = Σ (r - mu - b_i) / (regUser + |R|).
 */
export const baselineServing: ServingPart = {
  kind: 'baseline',
  scoring: 'rating',
  personal: true,
  open(model) {
    return factorScorer(model, (items, ratings) => {
      const regUser = foldInNumber(model, 'regUser');
      let sum = 0;
      for (let k = 0; k < items.length; k++) sum += ratings[k]! - model.mu - (model.itemBias ? model.itemBias[items[k]!]! : 0);
      return visitorState(undefined, items.length ? sum / (regUser + items.length) : 0, items);
    });
  },
};
