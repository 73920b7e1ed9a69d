import { FoldInReasons } from '../../math/fold-in-reasons';
import { ridgeFoldIn } from '../../math/ridge-fold-in';
import { FoldInError, type ServingPart } from '../contract';
import { factorScorer, foldInNumber, visitorState } from '../factor-scorer';
import { implicitOf, implicitTerm } from './implicit-term';

/**
 * SVD++ serving: score = mu + b_u + b_i + p'_u·q_i with p'_u = p_u + z_u materialised at
 * training. A visitor's z is the implicit term of the posted items (implicit-term.ts, the
 * code training uses); p and b_u are the ridge solve of the residuals r - mu - b_i - q_i·z
 * on the fixed item rows (lib/math/ridge-fold-in.ts), and the vector scored is p + z.
 * Reasons explain the fold-in score q_i·(p + z): per rated item j, |R|^-½ q_i·y_j (the
 * implicit part, exact) plus its term of the ridge solve (lib/math/fold-in-reasons.ts).
 */
export const svdppServing: ServingPart = {
  kind: 'svdpp',
  scoring: 'rating',
  personal: true,
  open(model) {
    let reasons: FoldInReasons | undefined;
    let z: Float32Array | undefined;
    return factorScorer(
      model,
      (items, ratings) => {
        const { Y, dim } = model;
        if (!Y) throw new FoldInError('this SVD++ model has no implicit item factors to fold in with');
        const z = implicitTerm(Y, dim, items, 0, items.length, new Float32Array(dim));
        const { vec, bias } = ridgeFoldIn(model, items, ratings, foldInNumber(model, 'reg'), foldInNumber(model, 'regBias'), z);
        return visitorState(vec, bias, items);
      },
      (user, ratings) => {
        const { Y, dim } = model;
        const { seen } = user;
        const implicit = implicitOf(Y, dim, seen, (z ??= new Float32Array(dim)));
        return (reasons ??= new FoldInReasons(model)).prepare(
          seen,
          ratings,
          { weight: 1, ridge: { reg: foldInNumber(model, 'reg'), regBias: foldInNumber(model, 'regBias') } },
          implicit,
        );
      },
    );
  },
};
