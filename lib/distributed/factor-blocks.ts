/**
 * Reading and writing a run's factor blocks, Gram matrices and rating shards (all in
 * shard-format.ts's file format), and putting a side's blocks together.
 */
import type { BlockRatings } from '../models/ials/block';
import type { Side } from '../models/ials/tasks';
import type { ObjectStore } from '../storage/object-store';
import { keys, type Block } from './run-layout';
import { arrayOf, decodeShard, encodeShard, ShardFormatError } from './shard-format';
import { mapLimit } from '../storage/map-limit';

export interface FactorBlockMeta {
  side: Side;
  iteration: number;
  block: number;
  rows: number;
  dim: number;
  /** The block's share of the objective (lib/models/ials/block.ts). */
  loss: number;
}

export interface GramMeta {
  side: Side;
  iteration: number;
  dim: number;
  /** The side's summed objective shares. */
  loss: number;
}

export interface ShardMeta {
  side: Side;
  block: number;
  start: number;
  end: number;
  /** Rows of the other side (the columns' range). */
  otherRows: number;
}

async function required(store: ObjectStore, key: string): Promise<Buffer> {
  const body = await store.get(key);
  if (!body) throw new Error(`s3://${store.bucket}/${key} is missing: the run's earlier step did not write it`);
  return body;
}

export const S3_PARALLEL = 16;

export async function writeShard(store: ObjectStore, prefix: string, meta: ShardMeta, ratings: BlockRatings): Promise<void> {
  await store.put(keys.shard(prefix, meta.side, meta.block), encodeShard(meta, { offsets: ratings.offsets, cols: ratings.cols, values: ratings.values }));
}

export async function readShard(store: ObjectStore, prefix: string, side: Side, block: Block): Promise<{ meta: ShardMeta; ratings: BlockRatings }> {
  const key = keys.shard(prefix, side, block.block);
  const file = decodeShard<ShardMeta>(await required(store, key), key);
  const rows = block.end - block.start;
  const offsets = arrayOf(file, 'offsets', Uint32Array, rows + 1, key);
  const cols = arrayOf(file, 'cols', Int32Array, block.entries, key);
  const values = arrayOf(file, 'values', Float32Array, block.entries, key);
  const m = file.meta;
  if (m.side !== side || m.block !== block.block || m.start !== block.start || m.end !== block.end || offsets[0] !== 0 || offsets[rows] !== block.entries) {
    throw new ShardFormatError(`${key}: does not hold ${side} block ${block.block} as the manifest lists it`);
  }
  for (let k = 0; k < cols.length; k++) {
    if (!(cols[k]! >= 0 && cols[k]! < m.otherRows)) throw new ShardFormatError(`${key}: column ${cols[k]} out of range`);
  }
  return { meta: m, ratings: { offsets, cols, values } };
}

/**
 * The block's factors, and beside them its Gram matrix and objective share, which reduce
 * reads without the factors (at 10M users a user block is tens of MB, its Gram 32 KB).
 * The part is written first: a block whose factors exist always has its part.
 */
export async function writeFactorBlock(store: ObjectStore, prefix: string, meta: FactorBlockMeta, factors: Float32Array, gram: Float64Array): Promise<void> {
  await store.put(keys.gramPart(prefix, meta.side, meta.iteration, meta.block), encodeShard(meta, { gram }));
  await writeFactors(store, prefix, meta, factors);
}

/** The block's factors alone: the initial ones (iteration 0), whose Gram matrix prepare writes whole. */
export async function writeFactors(store: ObjectStore, prefix: string, meta: FactorBlockMeta, factors: Float32Array): Promise<void> {
  await store.put(keys.factors(prefix, meta.side, meta.iteration, meta.block), encodeShard(meta, { factors }));
}

export async function readGramPart(store: ObjectStore, prefix: string, side: Side, iteration: number, block: Block, dim: number): Promise<{ meta: FactorBlockMeta; gram: Float64Array }> {
  const key = keys.gramPart(prefix, side, iteration, block.block);
  const file = decodeShard<FactorBlockMeta>(await required(store, key), key);
  return { meta: file.meta, gram: arrayOf(file, 'gram', Float64Array, dim * dim, key) };
}

export async function readFactorBlock(
  store: ObjectStore,
  prefix: string,
  side: Side,
  iteration: number,
  block: Block,
  dim: number,
): Promise<{ meta: FactorBlockMeta; factors: Float32Array }> {
  const key = keys.factors(prefix, side, iteration, block.block);
  const file = decodeShard<FactorBlockMeta>(await required(store, key), key);
  const rows = block.end - block.start;
  return { meta: file.meta, factors: arrayOf(file, 'factors', Float32Array, rows * dim, key) };
}

/** The whole side after `iteration`, its blocks read in parallel and laid end to end (into `out` when given). */
export async function readSide(
  store: ObjectStore,
  prefix: string,
  side: Side,
  iteration: number,
  blocks: readonly Block[],
  dim: number,
  out: Float32Array = new Float32Array((blocks.at(-1)?.end ?? 0) * dim),
): Promise<Float32Array> {
  if (out.length !== (blocks.at(-1)?.end ?? 0) * dim) throw new RangeError(`${side}: ${out.length} floats for ${blocks.at(-1)?.end ?? 0} rows of ${dim}`);
  await mapLimit(blocks, S3_PARALLEL, async (b) => {
    const { factors } = await readFactorBlock(store, prefix, side, iteration, b, dim);
    out.set(factors, b.start * dim);
  });
  return out;
}

export async function writeGram(store: ObjectStore, prefix: string, meta: GramMeta, gram: Float64Array): Promise<void> {
  await store.put(keys.gram(prefix, meta.side, meta.iteration), encodeShard(meta, { gram }));
}

export async function readGram(store: ObjectStore, prefix: string, side: Side, iteration: number, dim: number): Promise<{ meta: GramMeta; gram: Float64Array }> {
  const key = keys.gram(prefix, side, iteration);
  const file = decodeShard<GramMeta>(await required(store, key), key);
  return { meta: file.meta, gram: arrayOf(file, 'gram', Float64Array, dim * dim, key) };
}

export async function readJson<T>(store: ObjectStore, key: string): Promise<T> {
  return JSON.parse((await required(store, key)).toString('utf8')) as T;
}

export async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, JSON.stringify(value), 'application/json');
}

export async function readItemOrder(store: ObjectStore, prefix: string, nItems: number): Promise<Int32Array> {
  const key = keys.itemOrder(prefix);
  return arrayOf(decodeShard(await required(store, key), key), 'order', Int32Array, nItems, key);
}
