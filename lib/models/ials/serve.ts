import { gram } from '../../math/linalg/dense';
import { FoldInError, type ServingPart } from '../contract';
import { factorScorer, visitorState } from '../factor-scorer';
import { ialsFoldIn, parseIalsFoldIn } from './fold-in';

/**
 * iALS serving: score = x_u·y_i (ranking only). A visitor's x is the exact weighted ridge
 * solve training makes for a user (fold-in.ts); QᵀQ is computed on the first fold-in.
 */
export const ialsServing: ServingPart = {
  kind: 'ials',
  scoring: 'ranking',
  personal: true,
  open(model) {
    let gramQ: Float64Array | undefined;
    return factorScorer(model, (items, ratings) => {
      const { dim, Q, nItems } = model;
      if (dim === 0) return visitorState(undefined, 0, items);
      let params;
      try {
        params = parseIalsFoldIn(model.foldIn);
      } catch (err) {
        throw new FoldInError((err as Error).message);
      }
      const out = new Float32Array(dim);
      if (!gramQ) gram(Q, nItems, dim, (gramQ = new Float64Array(dim * dim)));
      ialsFoldIn(Q, dim, gramQ, items, ratings, params, out);
      return visitorState(out, 0, items);
    });
  },
};
