/**
 * A Distributed Map child: solves one block of one side for one iteration with the same
 * iALS solver as one machine (lib/models/ials/block.ts), against the other side's
 * factors (all its blocks, read in parallel) and Gram matrix, and writes the block.
 *
 * Iteration t: the items step reads users after t − 1, the users step items after t;
 * each starts CG from its own block after t − 1.
 */
import { solveIalsBlock } from '../models/ials/block';
import type { Side } from '../models/ials/tasks';
import type { IalsParams } from '../models/ials/train';
import type { ObjectStore } from '../storage/object-store';
import { readFactorBlock, readGram, readJson, readShard, readSide, writeFactorBlock } from './factor-blocks';
import { keys, otherSide, RunManifestSchema, type RunManifest, type RunRef } from './run-layout';

export async function readManifest(store: ObjectStore, run: RunRef): Promise<RunManifest> {
  if (run.bucket !== store.bucket) throw new Error(`the run is in bucket ${run.bucket}, this function writes to ${store.bucket}`);
  const parsed = RunManifestSchema.safeParse(await readJson(store, keys.manifest(run.prefix)));
  if (!parsed.success) throw new Error(`${keys.manifest(run.prefix)} is not a distributed run manifest: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** The iteration the other side's factors come from when `side` is solved in iteration t. */
export const fixedIteration = (side: Side, t: number): number => (side === 'items' ? t - 1 : t);

export interface SolveStepResult {
  side: Side;
  block: number;
  iteration: number;
  rows: number;
}

export async function solveStep(
  store: ObjectStore,
  run: RunRef,
  side: Side,
  blockIndex: number,
  iteration: number,
  options: { threads?: number } = {},
): Promise<SolveStepResult> {
  const manifest = await readManifest(store, run);
  const params = manifest.params as unknown as IalsParams;
  const { dim } = manifest;
  const block = manifest.blocks[side].find((b) => b.block === blockIndex);
  if (!block) throw new RangeError(`the run has no ${side} block ${blockIndex}`);
  if (!(iteration >= 1 && iteration <= run.iterations)) throw new RangeError(`iteration ${iteration} is not in 1..${run.iterations}`);
  const fixedSide = otherSide(side);
  const at = fixedIteration(side, iteration);
  const [{ ratings }, { gram: fixedGram }, current] = await Promise.all([
    readShard(store, run.prefix, side, block),
    readGram(store, run.prefix, fixedSide, at, dim),
    readFactorBlock(store, run.prefix, side, iteration - 1, block, dim),
  ]);
  const fixedBlocks = manifest.blocks[fixedSide];
  const solved = await solveIalsBlock(
    {
      side,
      ratings,
      otherRows: fixedBlocks.at(-1)?.end ?? 0,
      // Straight into the job's table: the other side is the biggest thing a child holds.
      readFixed: async (into) => void (await readSide(store, run.prefix, fixedSide, at, fixedBlocks, dim, into)),
      fixedGram,
      current: current.factors,
    },
    params,
    options,
  );
  const rows = block.end - block.start;
  await writeFactorBlock(store, run.prefix, { side, iteration, block: blockIndex, rows, dim, loss: solved.loss }, solved.factors, solved.gram);
  return { side, block: blockIndex, iteration, rows };
}
