import type { Progress } from '../contract';
import { SpillFile } from './spill-file';

/**
 * The epoch loop every SGD model shares: run an epoch, measure the test error, keep
 * the best epoch (early stopping with `patience`), honour the deadline between
 * steps, report progress. The model supplies the epoch and the snapshot.
 */
export interface EpochRunner {
  /** Runs epoch `epoch` (from 1); `stop()` turns true once the deadline has passed (finish early). */
  runEpoch(epoch: number, stop: () => boolean): Promise<EpochOutcome> | EpochOutcome;
  /** RMSE on the held-out test ratings, or NaN without any. */
  testRmse(): number;
  /** Remember the current parameters as the best so far. */
  saveBest(): void;
}

export interface EpochOutcome {
  trainRmse: number;
  /** Cumulative optimizer steps (ratings for SGD, minibatches for momentum). */
  step: number;
  /** The deadline cut this epoch short. */
  interrupted: boolean;
}

export interface LoopOptions {
  epochs: number;
  patience: number;
  hasTest: boolean;
  deadline?: number | undefined;
  onProgress?: ((p: Progress) => void) | undefined;
}

export interface LoopResult {
  curve: Progress[];
  stoppedBy?: string;
  /** True when the best epoch is an earlier one than the last: use the saved parameters. */
  useSaved: boolean;
  bestEpoch: number;
}

export async function runEpochs(runner: EpochRunner, o: LoopOptions): Promise<LoopResult> {
  const started = performance.now();
  const pastDeadline = () => o.deadline !== undefined && Date.now() >= o.deadline;
  const curve: Progress[] = [];
  let best = Infinity;
  let bestEpoch = -1;
  let currentIsBest = false;
  let savedAny = false;
  let sinceBest = 0;
  let stoppedBy: string | undefined;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    if (epoch > 1 && pastDeadline()) {
      stoppedBy = 'deadline';
      break;
    }
    // Saving lazily, only when training goes on past a best epoch, spares a copy when the last epoch is the best;
    // without a test set every epoch is the best so far and the last one is the result: nothing to save.
    if (currentIsBest && o.hasTest) {
      runner.saveBest();
      savedAny = true;
    }
    const out = await runner.runEpoch(epoch, pastDeadline);
    const testError = o.hasTest ? runner.testRmse() : NaN;
    const improved = o.hasTest && testError < best;
    if (improved || !o.hasTest) {
      if (improved) best = testError;
      bestEpoch = epoch;
      currentIsBest = true;
      sinceBest = 0;
    } else {
      currentIsBest = false;
      sinceBest++;
    }
    const p: Progress = {
      epoch,
      step: out.step,
      batchError: out.trainRmse,
      testError,
      elapsedMs: performance.now() - started,
      best: improved,
    };
    curve.push(p);
    o.onProgress?.(p);
    if (out.interrupted) {
      stoppedBy = 'deadline';
      break;
    }
    if (o.hasTest && sinceBest >= o.patience) {
      stoppedBy = 'early-stopping';
      break;
    }
  }
  return { curve, ...(stoppedBy ? { stoppedBy } : {}), useSaved: !currentIsBest && savedAny, bestEpoch };
}

/**
 * Past this many bytes a best-epoch copy goes to a scratch file instead of memory: at the
 * PoC set's 1M users and SVD's dim 200, P alone is 800 MB, and a second one in memory is
 * what held the train function above 2 GB. A save then costs a write of those bytes to
 * the page cache, and the end one read back into the live arrays.
 */
export const SPILL_ABOVE_BYTES = 256 * 2 ** 20;

/**
 * Best-epoch copies of a model's arrays: plain copies (allocated on first save), or, above
 * `spillAboveBytes` in all, the same bytes in a `SpillFile`. `result` hands back the best
 * parameters: the saved copies (after `inPlace`, when given), or the live arrays with the
 * spilled best read back into them; or, when the live ones are the best, the live arrays
 * themselves after `inPlace` (given: they may be views of shared or kernel memory, which
 * they then keep), else plain arrays (the live ones, or copies of them when they are
 * shared memory). Rearranging once at the end is cheaper than at every best epoch.
 */
export class Snapshot<K extends string> {
  private saved: Record<K, Float32Array> | undefined;
  private spill: SpillFile | undefined;
  private readonly spills: boolean;

  /** `inPlace` rearranges the arrays handed back (the model's rows into index order), once. */
  constructor(
    private readonly live: Record<K, Float32Array>,
    private readonly inPlace?: (rows: Record<K, Float32Array>) => void,
    spillAboveBytes = SPILL_ABOVE_BYTES,
  ) {
    this.spills = this.arrays(live).reduce((sum, a) => sum + a.byteLength, 0) > spillAboveBytes;
  }

  save(): void {
    if (this.spills) {
      (this.spill ??= SpillFile.open()).write(this.arrays(this.live));
      return;
    }
    const saved = (this.saved ??= this.blank());
    for (const k of Object.keys(this.live) as K[]) saved[k].set(this.live[k]);
  }

  /** Once, after training: with `inPlace`, the arrays returned (the saved or the live ones) are rearranged. */
  result(useSaved: boolean): Record<K, Float32Array> {
    if (useSaved && this.spill) this.spill.readInto(this.arrays(this.live));
    else if (useSaved && this.saved) {
      this.inPlace?.(this.saved);
      return this.saved;
    }
    this.release();
    if (this.inPlace) {
      this.inPlace(this.live);
      return this.live;
    }
    const allPlain = this.arrays(this.live).every((a) => a.buffer instanceof ArrayBuffer);
    if (allPlain) return this.live;
    const copies = this.blank();
    for (const k of Object.keys(this.live) as K[]) copies[k].set(this.live[k]);
    return copies;
  }

  /** Frees the scratch file (the result is taken, or training failed). */
  release(): void {
    this.spill?.close();
    this.spill = undefined;
  }

  private arrays(rows: Record<K, Float32Array>): Float32Array[] {
    return (Object.keys(rows) as K[]).map((k) => rows[k]);
  }

  private blank(): Record<K, Float32Array> {
    const out = {} as Record<K, Float32Array>;
    for (const k of Object.keys(this.live) as K[]) out[k] = new Float32Array(this.live[k].length);
    return out;
  }
}

/**
 * runEpochs with the best epoch kept by `snapshot`: returns the loop's result and the best
 * parameters, and frees the snapshot's scratch file however training ends.
 */
export async function runEpochsKeepingBest<K extends string>(
  snapshot: Snapshot<K>,
  runner: Omit<EpochRunner, 'saveBest'>,
  o: LoopOptions,
): Promise<{ loop: LoopResult; best: Record<K, Float32Array> }> {
  try {
    const loop = await runEpochs({ ...runner, saveBest: () => snapshot.save() }, o);
    return { loop, best: snapshot.result(loop.useSaved) };
  } finally {
    snapshot.release();
  }
}
