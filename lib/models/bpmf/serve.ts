import type { ServingPart } from '../contract';
import { factorScorer, visitorState } from '../factor-scorer';
import { bpmfFoldIn, decodeUserPrior, type BpmfUserPrior } from './fold-in';

/**
 * BPMF serving: the posterior mean of the factors over the kept samples, scored as a plain
 * factor model (score = mu + b_u + b_i + p_u·q_i, p_u including the implicit term when the
 * model has one). A visitor is the conditional mean under the users' prior (fold-in.ts).
 */
export const bpmfServing: ServingPart = {
  kind: 'bpmf',
  scoring: 'rating',
  personal: true,
  open(model) {
    let prior: BpmfUserPrior | undefined;
    return factorScorer(model, (items, ratings) => {
      const { vec, bias } = bpmfFoldIn(model, (prior ??= decodeUserPrior(model)), items, ratings);
      return visitorState(vec, bias, items);
    });
  },
};
