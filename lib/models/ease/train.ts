/**
 * EASE: Embarrassingly Shallow Autoencoders (Steck 2019), the closed-form item-item model
 *
 *   B = argmin ‖X − X B‖² + λ‖B‖²  subject to diag(B) = 0
 *     = I − P diag(1 / diag(P)),   P = (XᵀX + λI)⁻¹,   so B_ij = −P_ij / P_jj (i ≠ j)
 *
 * X is the users x items binary interaction matrix (every rating is an interaction),
 * score(u) = x_u B. One O(Σ_u |R(u)|² + nItems³) fit, no epochs, no randomness; the
 * inverse is blocked-inverse.ts's (WebAssembly SIMD tiles on FitOptions.threads threads)
 * from BLOCKED_FROM items to about 23,000 (its 4 GiB memory), G built there and inverted in place.
 * The artifacts hold B as the item rows (nItems x nItems float32, dim = nItems), so the
 * kind refuses catalogues above `maxItems`: B alone is nItems² x 4 bytes (1.6 GB at
 * 20,000 items) and the fit holds one nItems² float64 matrix besides (two off that path).
 *
 * Defaults: λ 600, maxItems 20,000 (`npm run tune -- --model ease`; grid in easeTraining.tuning).
 */
import * as z from 'zod';
import { buildUserCsr } from '../../data/csr';
import { nItems, nUsers, type Dataset } from '../../data/dataset';
import type { Factors } from '../../math/factors';
import type { FitOptions, FitResult, Progress, TrainingPart } from '../contract';
import { ModelParamsError, resolver } from '../params';
import { invertSpd, spdMatrix } from './blocked-inverse';

export const EaseParamsSchema = z
  .object({
    /** λ, the L2 penalty on B (added to the diagonal of XᵀX). */
    reg: z.number().positive().finite().default(600),
    /** The largest catalogue this kind accepts. */
    maxItems: z.number().int().min(1).max(40_000).default(20_000),
  })
  .strict();
export type EaseParams = z.infer<typeof EaseParamsSchema>;
const defaults: Readonly<EaseParams> = Object.freeze(EaseParamsSchema.parse({}));

/** XᵀX + λI of the binary interaction matrix, from each user's item list, into `G` (zeroed, n x n). */
export function easeGram(train: Dataset, reg: number, G: Float64Array = new Float64Array(nItems(train) ** 2)): Float64Array {
  const n = nItems(train);
  const { offsets, items } = buildUserCsr(train);
  for (let u = 0; u + 1 < offsets.length; u++) {
    const start = offsets[u]!;
    const end = offsets[u + 1]!;
    for (let a = start; a < end; a++) {
      const row = items[a]! * n;
      for (let b = start; b < end; b++) G[row + items[b]!]! += 1;
    }
  }
  for (let i = 0; i < n; i++) G[i * n + i] += reg;
  return G;
}

/** B from P = (XᵀX + λI)⁻¹: B_ij = −P_ij / P_jj, B_ii = 0, as float32 rows. */
export function easeWeights(P: Float64Array, n: number): Float32Array {
  const B = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) B[row + j] = i === j ? 0 : -P[row + j]! / P[j * n + j]!;
  }
  return B;
}

async function fit(train: Dataset, p: EaseParams, options: FitOptions = {}): Promise<FitResult<EaseParams>> {
  const n = nItems(train);
  if (n > p.maxItems) {
    throw new ModelParamsError(
      `ease: the catalogue has ${n} items, above maxItems ${p.maxItems} (B would be ${n}² float32, ` +
        `${((n * n * 4) / 2 ** 30).toFixed(1)} GiB); use ials for catalogues this large`,
    );
  }
  if (train.size === 0) throw new RangeError(`ease: the training set "${train.name}" has no ratings`);
  const started = Date.now();
  const G = easeGram(train, p.reg, spdMatrix(n));
  const B = easeWeights(await invertSpd(G, n, { threads: options.threads ?? 1 }), n);
  const factors: Factors = {
    kind: 'ease',
    scoring: 'ranking',
    dim: n,
    nUsers: nUsers(train),
    nItems: n,
    mu: 0,
    scale: train.scale,
    Q: B,
  };
  // One closed-form step: the curve has one point with no errors to report.
  const point: Progress = { epoch: 1, step: 1, batchError: NaN, testError: NaN, elapsedMs: Date.now() - started, best: true };
  options.onProgress?.(point);
  return { factors, resolvedParams: p, curve: [point] };
}

export const easeTraining: TrainingPart<typeof EaseParamsSchema> = {
  kind: 'ease',
  schema: EaseParamsSchema,
  defaults,
  resolve: resolver('ease', EaseParamsSchema, defaults),
  stopsEarly: () => false,
  tuning: { metric: 'ndcg@10', grid: { reg: [100, 300, 600, 1000, 2000, 4000] } },
  feedback: ['explicit', 'implicit'],
  fit,
};
