import { ridgeFoldIn } from '../../math/ridge-fold-in';
import { FoldInError, type ServingPart } from '../contract';
import { factorScorer, foldInNumber, visitorState } from '../factor-scorer';
import { implicitTerm } from './implicit-term';

/**
 * SVD++ serving: score = mu + b_u + b_i + p'_u·q_i with p'_u = p_u + z_u materialised at
 * training. A visitor's z is the implicit term of the posted items (implicit-term.ts, the
 * code training uses); p and b_u are the ridge solve of the residuals r - mu - b_i - q_i·z
 * on the fixed item rows (lib/math/ridge-fold-in.ts), and the vector scored is p + z.
 */
export const svdppServing: ServingPart = {
  kind: 'svdpp',
  scoring: 'rating',
  personal: true,
  open(model) {
    return factorScorer(model, (items, ratings) => {
      const { Y, dim } = model;
      if (!Y) throw new FoldInError('this SVD++ model has no implicit item factors to fold in with');
      const z = implicitTerm(Y, dim, items, 0, items.length, new Float32Array(dim));
      const { vec, bias } = ridgeFoldIn(model, items, ratings, foldInNumber(model, 'reg'), foldInNumber(model, 'regBias'), z);
      return visitorState(vec, bias, items);
    });
  },
};
