import type { ServingPart } from '../contract';
import { factorScorer, visitorState } from '../factor-scorer';

/** Popularity serving: every list is the most rated items (itemBias holds the counts); no similar items. */
export const popularityServing: ServingPart = {
  kind: 'popularity',
  scoring: 'ranking',
  personal: false,
  open(model) {
    return factorScorer(model, (items) => visitorState(undefined, 0, items));
  },
};
