import { FoldInReasons } from '../../math/fold-in-reasons';
import type { ServingPart } from '../contract';
import { factorScorer, visitorState } from '../factor-scorer';
import { implicitOf } from '../svdpp/implicit-term';
import { bpmfFoldIn, decodeUserPrior, type BpmfUserPrior } from './fold-in';

/**
 * BPMF serving: the posterior mean of the factors over the kept samples, scored as a plain
 * factor model (score = mu + b_u + b_i + p_u·q_i, p_u including the implicit term when the
 * model has one). A visitor is the conditional mean under the users' prior (fold-in.ts).
 * Reasons explain the fold-in score: per rated item j, α e_j x_j·(A⁻¹[q_i; 0]) (plus
 * |R|^-½ q_i·y_j with `implicit`); the prior mean's part and the biases are not reasons
 * (lib/math/fold-in-reasons.ts).
 */
export const bpmfServing: ServingPart = {
  kind: 'bpmf',
  scoring: 'rating',
  personal: true,
  open(model) {
    let prior: BpmfUserPrior | undefined;
    let reasons: FoldInReasons | undefined;
    let z: Float32Array | undefined;
    return factorScorer(
      model,
      (items, ratings) => {
        const { vec, bias } = bpmfFoldIn(model, (prior ??= decodeUserPrior(model)), items, ratings);
        return visitorState(vec, bias, items);
      },
      (user, ratings) => {
        const { Y, dim } = model;
        const { seen } = user;
        const p = (prior ??= decodeUserPrior(model));
        const implicit = implicitOf(Y, dim, seen, (z ??= new Float32Array(dim)));
        return (reasons ??= new FoldInReasons(model)).prepare(seen, ratings, { weight: p.noisePrecision, prior: p.precision }, implicit);
      },
    );
  },
};
