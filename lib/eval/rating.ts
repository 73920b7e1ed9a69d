export { evaluateRatings } from '../math/rating-error';

/** Root mean squared error of two equally long arrays (NaN when empty). */
export function rmse(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  checkLengths(pred, truth);
  let sum = 0;
  for (let k = 0; k < pred.length; k++) {
    const e = pred[k]! - truth[k]!;
    sum += e * e;
  }
  return Math.sqrt(sum / pred.length);
}

/** Mean absolute error of two equally long arrays (NaN when empty). */
export function mae(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  checkLengths(pred, truth);
  let sum = 0;
  for (let k = 0; k < pred.length; k++) sum += Math.abs(pred[k]! - truth[k]!);
  return sum / pred.length;
}

function checkLengths(pred: ArrayLike<number>, truth: ArrayLike<number>): void {
  if (pred.length !== truth.length) {
    throw new RangeError(`prediction and truth lengths differ (${pred.length} vs ${truth.length})`);
  }
}

