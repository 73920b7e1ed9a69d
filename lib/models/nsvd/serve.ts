import type { UserState } from '../../math/factors';
import { dot } from '../../math/scoring';
import { FoldInError, type Contributions, type ItemExplainer, type ServingPart } from '../contract';
import { factorScorer, foldInNumber, visitorState } from '../factor-scorer';
import { nsvdSizeRule, nsvdUsedCount, nsvdUserVector, type NsvdSizeRule } from './user-vector';

/**
 * NSVD serving: score = mu + b_u + b_i + p_u·q_i with p_u materialised from Y at training.
 * A visitor needs no solve: p = n(u) Σ y_j over the rated items (user-vector.ts, the
 * code training uses). The visitor's bias is the mean residual r - mu - b_i - p·q_i,
 * shrunk by regBias (as a ridge on the bias alone would).
 * Reasons are exact: p·q_i = Σ_{j ∈ S(u)} n(u) q_i·y_j, one term per rated item that
 * enters S(u), for p made from all the user's rated items (a known user's trained p is
 * the same sum over their training ratings); biases are not split.
 */
export const nsvdServing: ServingPart = {
  kind: 'nsvd',
  scoring: 'rating',
  personal: true,
  open(model) {
    const sizeRule = (): NsvdSizeRule => {
      try {
        return nsvdSizeRule(model.foldIn);
      } catch (err) {
        throw new FoldInError((err as Error).message);
      }
    };
    const reasons: { items: Int32Array; used: number; norm: number } = { items: new Int32Array(0), used: 0, norm: 0 };
    const explainer = {
      explain(item: number, out: Contributions): void {
        const { Y, Q, dim } = model;
        for (let k = 0; k < reasons.used; k++) out.add(reasons.items[k]!, reasons.norm * dot(Q, item * dim, Y!, reasons.items[k]! * dim, dim));
      },
    };
    const explain = (user: UserState): ItemExplainer => {
      if (!model.Y) throw new FoldInError('this NSVD model has no implicit item factors to explain with');
      reasons.items = user.seen;
      reasons.used = nsvdUsedCount(user.seen.length, sizeRule());
      reasons.norm = reasons.used > 0 ? 1 / Math.sqrt(reasons.used) : 0;
      return explainer;
    };
    return factorScorer(model, (items, ratings) => {
      const { Y, dim, Q, mu, itemBias } = model;
      if (!Y) throw new FoldInError('this NSVD model has no implicit item factors to fold in with');
      const rule = sizeRule();
      const regBias = foldInNumber(model, 'regBias');
      const vec = nsvdUserVector(Y, dim, items, rule, new Float32Array(dim));
      let residual = 0;
      for (let k = 0; k < items.length; k++) {
        const i = items[k]!;
        residual += ratings[k]! - mu - (itemBias ? itemBias[i]! : 0) - dot(vec, 0, Q, i * dim, dim);
      }
      return visitorState(vec, items.length ? residual / (items.length * (1 + regBias)) : 0, items);
    }, explain);
  },
};
