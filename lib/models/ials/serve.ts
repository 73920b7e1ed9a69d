import { gram } from '../../math/linalg/dense';
import { FoldInError, type ServingPart } from '../contract';
import { factorScorer, visitorState } from '../factor-scorer';
import { ialsFoldIn, parseIalsFoldIn, type IalsFoldInParams } from './fold-in';
import { IalsReasons } from './reasons';

/**
 * iALS serving: score = x_u·y_i (ranking only). A visitor's x is the exact weighted ridge
 * solve training makes for a user (fold-in.ts); QᵀQ is computed on the first fold-in.
 * Reasons are Hu-Koren-Volinsky's (reasons.ts): they sum to the fold-in score, which for
 * a known user is the score of the solve against the final item factors (training's last
 * user step solved against the items before their last step, so it differs a little).
 */
export const ialsServing: ServingPart = {
  kind: 'ials',
  scoring: 'ranking',
  personal: true,
  open(model) {
    const { dim, Q, nItems } = model;
    let gramQ: Float64Array | undefined;
    let reasons: IalsReasons | undefined;
    const params = (): IalsFoldInParams => {
      try {
        return parseIalsFoldIn(model.foldIn);
      } catch (err) {
        throw new FoldInError((err as Error).message);
      }
    };
    const gramOfQ = (): Float64Array => {
      if (!gramQ) gram(Q, nItems, dim, (gramQ = new Float64Array(dim * dim)));
      return gramQ;
    };
    return factorScorer(
      model,
      (items, ratings) => {
        if (dim === 0) return visitorState(undefined, 0, items);
        const out = new Float32Array(dim);
        ialsFoldIn(Q, dim, gramOfQ(), items, ratings, params(), out);
        return visitorState(out, 0, items);
      },
      (user, ratings) => (reasons ??= new IalsReasons(Q, dim)).prepare(gramOfQ(), user.seen, ratings, params()),
    );
  },
};
