import { ridgeFoldIn } from '../../math/ridge-fold-in';
import type { ServingPart } from '../contract';
import { factorScorer, foldInNumber, visitorState } from '../factor-scorer';

/**
 * SVD serving: score = mu + b_u + b_i + p_u·q_i, clipped to the scale. A visitor's
 * [p; b_u] is the ridge solve of their residuals on the fixed item rows, with the
 * training regularisation scaled by the number of ratings (lib/math/ridge-fold-in.ts).
 */
export const svdServing: ServingPart = {
  kind: 'svd',
  scoring: 'rating',
  personal: true,
  open(model) {
    return factorScorer(model, (items, ratings) => {
      const { vec, bias } = ridgeFoldIn(model, items, ratings, foldInNumber(model, 'reg'), foldInNumber(model, 'regBias'));
      return visitorState(vec, bias, items);
    });
  },
};
