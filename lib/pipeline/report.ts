import type { Dataset } from '../data/dataset';
import type { Factors } from '../math/factors';
import { clip, predictRating } from '../math/scoring';
import type { Progress } from '../models/contract';

/** The PoC's training table: a header, then one line per epoch, `*` on a new best test error. */
export const PROGRESS_HEADER = 'step\tbatch_error\ttest_error\telapsed_time';

export function progressLine(p: Progress, stepOf: (p: Progress) => number = (x) => x.epoch): string {
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(6) : '-');
  return `${stepOf(p)}\t${fmt(p.batchError)}\t${fmt(p.testError)}${p.best ? '*' : ''}\t${(p.elapsedMs / 1000).toFixed(2)}s`;
}

/**
 * Up to `users` validation users (first seen first), each with up to `perUser` of
 * their real validation ratings next to the model's (clipped) predictions.
 */
export function predictionTable(factors: Factors, validation: Dataset, users = 10, perUser = 5): string[] {
  const rows = new Map<number, string[]>();
  for (let r = 0; r < validation.size; r++) {
    const u = validation.users[r]!;
    let row = rows.get(u);
    if (!row) {
      if (rows.size >= users) continue;
      rows.set(u, (row = []));
    }
    if (row.length >= perUser) continue;
    const i = validation.items[r]!;
    const predicted = clip(predictRating(factors, u, i), factors.scale);
    row.push(`${validation.itemIds.external(i)}:${validation.ratings[r]!.toFixed(1)}/${predicted.toFixed(2)}`);
  }
  const lines = ['user\tmovie:real/predicted ...'];
  for (const [u, row] of rows) lines.push(`${validation.userIds.external(u)}\t${row.join('  ')}`);
  return lines;
}

/**
 * The run's quality in a few lines: validation RMSE/MAE and test RMSE for rating models,
 * validation ranking metrics for ranking models, and on planted synthetic data how far
 * the test RMSE is from the best any model can reach there.
 */
export function describeMetrics(m: Record<string, number | undefined>): string[] {
  const lines: string[] = [];
  if (m.validationRmse !== undefined) lines.push(`validation RMSE: ${m.validationRmse.toFixed(4)}  MAE: ${m.validationMae?.toFixed(4)}`);
  if (m.testRmse !== undefined) lines.push(`test RMSE: ${m.testRmse.toFixed(4)}`);
  if (m.bestRmse !== undefined && m.testRmse !== undefined) {
    const gap = (100 * (m.testRmse - m.bestRmse)) / m.bestRmse;
    lines.push(`best possible RMSE (the generator's noiseless scores): ${m.bestRmse.toFixed(4)}; test RMSE is ${gap.toFixed(1)}% above it`);
  }
  const ranking = ['ndcg@10', 'precision@10', 'recall@10', 'map@10']
    .filter((k) => m[`validation_${k}`] !== undefined)
    .map((k) => `${k} ${m[`validation_${k}`]!.toFixed(4)}`);
  if (ranking.length) lines.push(`validation ${ranking.join('  ')}`);
  return lines;
}
