/**
 * The prepare step: reads and splits the source as one machine does (lib/pipeline's
 * loadAndSplit), orders the items by popularity as iALS's fit does, writes the training
 * ratings twice as CSR shards (by user block and by item block), the initial factors
 * (the same seeded draws as one machine's), the first Gram matrix, the ids, and the
 * manifest last. Its output starts the state machine's loop.
 */
import * as z from 'zod';
import { newVersionId } from '../artifacts/version-id';
import { fillCsrPair, itemsByPopularity, type CsrArrays } from '../data/csr';
import { nItems, nUsers } from '../data/dataset';
import { createRng, fillGaussian } from '../data/random';
import { gram } from '../math/linalg/dense';
import type { Side } from '../models/ials/tasks';
import { ialsTraining, type IalsParams } from '../models/ials/train';
import type { TrainConfig } from '../pipeline/config';
import { TrainConfigError } from '../pipeline/config';
import { loadAndSplit, type TrainingHooks } from '../pipeline/train-pipeline';
import type { ObjectStore } from '../storage/object-store';
import { putJson, S3_PARALLEL, writeFactors, writeGram, writeShard } from './factor-blocks';
import { keys, MAX_SHARDS, runPrefix, splitBlocks, type Block, type RunManifest, type RunRef } from './run-layout';
import { encodeShard } from './shard-format';
import { mapLimit } from '../storage/map-limit';
import { EVENTS_SETTLE_MS } from '../events/keys';

export const PrepareRequestSchema = z
  .object({
    /** A training config (lib/pipeline/config.ts), over the train function's env defaults. */
    config: z.record(z.string(), z.unknown()).default({}),
    shards: z.number().int().min(1).max(MAX_SHARDS),
    /** Children of a Distributed Map at once; default: shards. */
    maxConcurrency: z.number().int().min(1).max(10_000).optional(),
    runId: z.string().optional(),
    /** Finish evaluates on at most this many validation users (seeded sample); default: all of them, as one machine. */
    evalUsers: z.number().int().min(1).optional(),
  })
  .strict();
export type PrepareRequest = z.infer<typeof PrepareRequestSchema>;

/** The state the loop starts from: the run, and the iteration to compute next. */
export interface LoopState {
  run: RunRef;
  iteration: number;
  done?: boolean;
}

/** The iALS params of a distributed run; throws what one machine would accept but this engine cannot do. */
export function distributedParams(config: TrainConfig): IalsParams {
  if (config.model !== 'ials') throw new TrainConfigError(`distributed training runs iALS only, not ${config.model}`);
  const params = ialsTraining.resolve(config.params);
  if (params.epochs < 1) throw new TrainConfigError('distributed training needs epochs >= 1');
  if (params.patience > 0) throw new TrainConfigError('distributed training does not stop early (patience must be 0)');
  return params;
}

/** Block b's rows [start, end) of a CSR table, offsets from 0. */
function blockRatings(csr: CsrArrays, b: Block) {
  const from = csr.offsets[b.start]!;
  const to = csr.offsets[b.end]!;
  const offsets = new Uint32Array(b.end - b.start + 1);
  for (let r = 0; r < offsets.length; r++) offsets[r] = csr.offsets[b.start + r]! - from;
  return { offsets, cols: csr.cols.subarray(from, to), values: csr.values.subarray(from, to) };
}

export async function prepareRun(
  store: ObjectStore,
  config: TrainConfig,
  request: Pick<PrepareRequest, 'shards' | 'maxConcurrency' | 'runId' | 'evalUsers'>,
  hooks: TrainingHooks = {},
): Promise<LoopState> {
  const params = distributedParams(config);
  const runId = request.runId ?? newVersionId();
  const prefix = runPrefix(runId);
  const eventsUntil = hooks.eventsUntil ?? Date.now() - EVENTS_SETTLE_MS;
  const { loaded, data, train } = await loadAndSplit(config, { ...hooks, eventsStore: store, eventsUntil });
  const nU = nUsers(train);
  const nI = nItems(train);
  const { dim } = params;

  const items = itemsByPopularity(train);
  const csr = (rows: number): CsrArrays => ({ offsets: new Uint32Array(rows + 1), cols: new Int32Array(train.size), values: new Float32Array(train.size) });
  const tables: Record<Side, CsrArrays> = { users: csr(nU), items: csr(nI) };
  fillCsrPair(train, tables.users, tables.items, items.label);
  const blocks: Record<Side, Block[]> = { users: splitBlocks(tables.users.offsets, request.shards), items: splitBlocks(tables.items.offsets, request.shards) };

  // The same draws, in the same order, as ials/train.ts's fit.
  const rng = createRng(config.seed);
  const std = params.initStd / Math.sqrt(dim);
  const factors: Record<Side, Float32Array> = { users: fillGaussian(new Float32Array(nU * dim), std, rng), items: fillGaussian(new Float32Array(nI * dim), std, rng) };

  for (const side of ['users', 'items'] as const) {
    const otherRows = side === 'users' ? nI : nU;
    await mapLimit(blocks[side], S3_PARALLEL, async (b) => {
      await writeShard(store, prefix, { side, block: b.block, start: b.start, end: b.end, otherRows }, blockRatings(tables[side], b));
      await writeFactors(store, prefix, { side, iteration: 0, block: b.block, rows: b.end - b.start, dim, loss: 0 }, factors[side].subarray(b.start * dim, b.end * dim));
    });
    await putJson(store, keys.blockList(prefix, side), blocks[side].map((b) => ({ side, block: b.block })));
  }
  const userGram = new Float64Array(dim * dim);
  gram(factors.users, nU, dim, userGram);
  await writeGram(store, prefix, { side: 'users', iteration: 0, dim, loss: 0 }, userGram);
  await store.put(keys.itemOrder(prefix), encodeShard({ nItems: nI }, { order: items.order }));

  const manifest: RunManifest = {
    format: 1,
    runId,
    preparedAt: new Date().toISOString(),
    config: config as unknown as Record<string, unknown>,
    params: params as unknown as Record<string, unknown>,
    source: { name: loaded.dataset.name, source: loaded.source, sha256: loaded.sha256 },
    nUsers: nU,
    nItems: nI,
    nRatings: train.size,
    dim,
    blocks,
    ...(request.evalUsers !== undefined ? { evalUsers: request.evalUsers } : {}),
    ...(data.events ? { events: { until: eventsUntil, merged: data.events.merged, ...(data.events.through ? { through: data.events.through } : {}) } } : {}),
  };
  await putJson(store, keys.manifest(prefix), manifest);
  hooks.log?.('distributed run prepared', { runId, users: nU, items: nI, ratings: train.size, userBlocks: blocks.users.length, itemBlocks: blocks.items.length, events: data.events?.merged ?? 0 });
  return {
    run: {
      bucket: store.bucket,
      prefix,
      iterations: params.epochs,
      maxConcurrency: request.maxConcurrency ?? Math.max(blocks.users.length, blocks.items.length),
      blockLists: { users: keys.blockList(prefix, 'users'), items: keys.blockList(prefix, 'items') },
    },
    iteration: 1,
  };
}
