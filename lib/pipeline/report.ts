import type { Dataset } from '../data/dataset';
import type { Factors, Progress } from '../models/model';
import { clip, predictRating } from '../serving/scoring';

/** The PoC's training table: a header, then one line per epoch, `*` on a new best test error. */
export const PROGRESS_HEADER = 'step\tbatch_error\ttest_error\telapsed_time';

export function progressLine(p: Progress, stepOf: (p: Progress) => number = (x) => x.epoch + 1): string {
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
