/**
 * After a side's Distributed Map: sums its blocks' Gram matrices (d x d each, in block
 * order, so the sum does not depend on which child finished first) into the matrix the
 * next half-step needs, and their objective shares. After the users step it writes the
 * iteration's point of the learning curve (the same objective as one machine's,
 * lib/models/ials/train.ts) and says whether the loop is done.
 */
import type { Side } from '../models/ials/tasks';
import type { ObjectStore } from '../storage/object-store';
import { putJson, readGram, readGramPart, S3_PARALLEL, writeGram } from './factor-blocks';
import type { LoopState } from './prepare';
import { keys, type RunRef } from './run-layout';
import { readManifest } from './solve-step';
import { mapLimit } from '../storage/map-limit';

export interface CurvePoint {
  epoch: number;
  batchError: number;
  elapsedMs: number;
}

export async function reduceStep(store: ObjectStore, run: RunRef, side: Side, iteration: number): Promise<LoopState> {
  const manifest = await readManifest(store, run);
  const { dim } = manifest;
  const blocks = manifest.blocks[side];
  const parts = await mapLimit(blocks, S3_PARALLEL, (b) => readGramPart(store, run.prefix, side, iteration, b, dim));
  const sum = new Float64Array(dim * dim);
  let loss = 0;
  for (const p of parts) {
    for (let k = 0; k < sum.length; k++) sum[k] += p.gram[k]!;
    loss += p.meta.loss;
  }
  await writeGram(store, run.prefix, { side, iteration, dim, loss }, sum);
  if (side === 'items') return { run, iteration };

  const items = await readGram(store, run.prefix, 'items', iteration, dim);
  const point: CurvePoint = {
    epoch: iteration,
    batchError: (loss + items.meta.loss) / Math.max(1, manifest.nUsers * manifest.nItems),
    elapsedMs: Date.now() - Date.parse(manifest.preparedAt),
  };
  await putJson(store, keys.curve(run.prefix, iteration), point);
  return { run, iteration: iteration + 1, done: iteration >= run.iterations };
}
