import type { EpochRunner } from './training-loop';

/**
 * The PoC's minibatch schedule, shared by SVD and NSVD: `steps` minibatches in all (0 =
 * `epochs` passes), each a consecutive slice [from, to) of the n once-shuffled ratings
 * (the last of a pass shorter), grouped into rounds of one pass each for the epoch loop.
 * `step` applies one minibatch and returns its sum of squared errors.
 */
export function minibatchRounds(
  n: number,
  p: { batch: number; steps: number; epochs: number },
  step: (from: number, to: number) => number,
): { runEpoch: EpochRunner['runEpoch']; rounds: number } {
  const batch = Math.min(p.batch, Math.max(1, n));
  const perRound = Math.max(1, Math.ceil(n / batch));
  const totalSteps = p.steps || p.epochs * perRound;
  let done = 0;
  let cursor = 0;
  const runEpoch = (_epoch: number, stop: () => boolean) => {
    let sse = 0;
    let seen = 0;
    let interrupted = false;
    const end = Math.min(totalSteps, done + perRound);
    while (done < end) {
      if (seen > 0 && stop()) {
        interrupted = true;
        break;
      }
      const to = Math.min(n, cursor + batch);
      sse += step(cursor, to);
      seen += to - cursor;
      cursor = to === n ? 0 : to;
      done++;
    }
    return { trainRmse: seen ? Math.sqrt(sse / seen) : NaN, step: done, interrupted };
  };
  return { runEpoch, rounds: Math.ceil(totalSteps / perRound) };
}
