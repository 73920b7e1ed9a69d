import { nsvdSizeRule, nsvdUserVector } from '../models/nsvd-user-vector';
import { dot } from './scoring';
import { InvalidRequestError } from './errors';
import { foldInReg, type VisitorVector } from './fold-in';
import type { ServingModel } from './serving-model';

/**
 * NSVD needs no solve for a visitor: the user vector is n(u) Σ y_j over the rated
 * items (lib/models/nsvd-user-vector.ts, the same code training uses). The visitor's
 * bias is the mean residual r - mu - b_i - p·q_i, shrunk by regBias (as a ridge on
 * the bias alone would).
 */
export function nsvdVisitorVector(model: ServingModel, items: Int32Array, ratings: Float32Array): VisitorVector {
  const { Y } = model.artifacts;
  const { dim, Q, mu, itemBias } = model.scoring;
  if (!Y) throw new InvalidRequestError('this NSVD model has no implicit item factors to fold in with');
  let rule;
  try {
    rule = nsvdSizeRule(model.manifest.model.foldIn);
  } catch (err) {
    throw new InvalidRequestError(`this model cannot fold in new users: ${(err as Error).message}`);
  }
  const vec = nsvdUserVector(Y, dim, items, rule, new Float32Array(dim));
  let residual = 0;
  for (let k = 0; k < items.length; k++) {
    const i = items[k]!;
    residual += ratings[k]! - mu - (itemBias ? itemBias[i]! : 0) - dot(vec, 0, Q, i * dim, dim);
  }
  const regBias = foldInReg(model.manifest, 'regBias');
  return { vec, bias: items.length ? residual / (items.length * (1 + regBias)) : 0 };
}
