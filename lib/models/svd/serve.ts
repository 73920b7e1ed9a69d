import { FoldInReasons } from '../../math/fold-in-reasons';
import { ridgeFoldIn } from '../../math/ridge-fold-in';
import type { ServingPart } from '../contract';
import { factorScorer, foldInNumber, visitorState } from '../factor-scorer';

/**
 * SVD serving: score = mu + b_u + b_i + p_u·q_i, clipped to the scale. A visitor's
 * [p; b_u] is the ridge solve of their residuals on the fixed item rows, with the
 * training regularisation scaled by the number of ratings (lib/math/ridge-fold-in.ts).
 * Reasons explain the fold-in score: p·q_i of the ridge solve from the user's ratings
 * (a known user's too, whose trained p differs a little) splits into one term per rated
 * item (lib/math/fold-in-reasons.ts); the biases are not split.
 */
export const svdServing: ServingPart = {
  kind: 'svd',
  scoring: 'rating',
  personal: true,
  open(model) {
    let reasons: FoldInReasons | undefined;
    return factorScorer(
      model,
      (items, ratings) => {
        const { vec, bias } = ridgeFoldIn(model, items, ratings, foldInNumber(model, 'reg'), foldInNumber(model, 'regBias'));
        return visitorState(vec, bias, items);
      },
      (user, ratings) =>
        (reasons ??= new FoldInReasons(model)).prepare(user.seen, ratings, {
          weight: 1,
          ridge: { reg: foldInNumber(model, 'reg'), regBias: foldInNumber(model, 'regBias') },
        }),
    );
  },
};
