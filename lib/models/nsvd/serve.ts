import { dot } from '../../math/scoring';
import { FoldInError, type ServingPart } from '../contract';
import { factorScorer, foldInNumber, visitorState } from '../factor-scorer';
import { nsvdSizeRule, nsvdUserVector } from './user-vector';

/**
 * NSVD serving: score = mu + b_u + b_i + p_u·q_i with p_u materialised from Y at training.
 * A visitor needs no solve: p = n(u) Σ y_j over the rated items (user-vector.ts, the
 * code training uses). The visitor's bias is the mean residual r - mu - b_i - p·q_i,
 * shrunk by regBias (as a ridge on the bias alone would).
 */
export const nsvdServing: ServingPart = {
  kind: 'nsvd',
  scoring: 'rating',
  personal: true,
  open(model) {
    return factorScorer(model, (items, ratings) => {
      const { Y, dim, Q, mu, itemBias } = model;
      if (!Y) throw new FoldInError('this NSVD model has no implicit item factors to fold in with');
      let rule;
      try {
        rule = nsvdSizeRule(model.foldIn);
      } catch (err) {
        throw new FoldInError((err as Error).message);
      }
      const regBias = foldInNumber(model, 'regBias');
      const vec = nsvdUserVector(Y, dim, items, rule, new Float32Array(dim));
      let residual = 0;
      for (let k = 0; k < items.length; k++) {
        const i = items[k]!;
        residual += ratings[k]! - mu - (itemBias ? itemBias[i]! : 0) - dot(vec, 0, Q, i * dim, dim);
      }
      return visitorState(vec, items.length ? residual / (items.length * (1 + regBias)) : 0, items);
    });
  },
};
