import { describe, expect, it } from 'vitest';
import { runEpochs, type EpochRunner } from '../../lib/models/kernels/training-loop';

/** A runner whose test errors are scripted; it records the epochs after which it was asked to save. */
function scripted(testErrors: number[]) {
  let epoch = 0;
  const savedAfter: number[] = [];
  const runner: EpochRunner = {
    runEpoch: (e) => {
      epoch = e;
      return { trainRmse: 1 / e, step: e * 10, interrupted: false };
    },
    testRmse: () => testErrors[epoch - 1] ?? NaN,
    saveBest: () => void savedAfter.push(epoch),
  };
  return { runner, savedAfter };
}

describe('runEpochs', () => {
  it('saves nothing without a test set: every epoch is the best so far and the last is the result', async () => {
    const { runner, savedAfter } = scripted([]);
    const result = await runEpochs(runner, { epochs: 4, patience: 2, hasTest: false });
    expect(savedAfter).toEqual([]);
    expect(result).toMatchObject({ useSaved: false, bestEpoch: 4 });
    expect(result.curve).toHaveLength(4);
  });

  it('with a test set, saves a best epoch only when training goes on past it, and stops after `patience` worse epochs', async () => {
    const { runner, savedAfter } = scripted([0.9, 0.8, 0.85, 0.7, 0.75, 0.76]);
    const result = await runEpochs(runner, { epochs: 10, patience: 2, hasTest: true });
    expect(savedAfter).toEqual([1, 2, 4]);
    expect(result).toMatchObject({ useSaved: true, bestEpoch: 4, stoppedBy: 'early-stopping' });
    expect(result.curve.map((p) => p.best)).toEqual([true, true, false, true, false, false]);
  });
});
