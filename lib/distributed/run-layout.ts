/**
 * Where one distributed training run keeps its objects, and what its manifest says.
 *
 *   distributed/<runId>/manifest.json        written last by the prepare step
 *                       blocks-users.json    [{side, block}]: the item lists the Distributed Maps read
 *                       blocks-items.json
 *                       item-order.bin       items by popularity (block rows are in this order)
 *                       shards/<side>/<block>.bin         ratings of a block of rows (CSR)
 *                       factors/<side>/<iter>/<block>.bin the block's factors after iteration iter (0: initial)
 *                       parts/<side>/<iter>/<block>.bin   its Gram matrix and objective share (what reduce reads; iterations from 1)
 *                       gram/<side>-<iter>.bin            the side's Gram matrix after iteration iter
 *                       curve/<iter>.json                 the objective after iteration iter
 *
 * Iterations write new keys, never overwrite: a retried step reads what it read the first
 * time and writes the same bytes, so a retry cannot change the result.
 */
import * as z from 'zod';
import type { Side } from '../models/ials/tasks';

export const DISTRIBUTED_PREFIX = 'distributed/';
export const MAX_SHARDS = 10_000;

export const SideSchema = z.enum(['users', 'items']);

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export function runPrefix(runId: string): string {
  if (!/^[A-Za-z0-9._-]{1,80}$/.test(runId)) throw new RangeError(`run id must be 1-80 letters, digits, '.', '_' or '-', got ${JSON.stringify(runId)}`);
  return `${DISTRIBUTED_PREFIX}${runId}/`;
}

export const keys = {
  manifest: (prefix: string) => `${prefix}manifest.json`,
  blockList: (prefix: string, side: Side) => `${prefix}blocks-${side}.json`,
  itemOrder: (prefix: string) => `${prefix}item-order.bin`,
  shard: (prefix: string, side: Side, block: number) => `${prefix}shards/${side}/${pad(block, 5)}.bin`,
  factors: (prefix: string, side: Side, iteration: number, block: number) => `${prefix}factors/${side}/${pad(iteration, 4)}/${pad(block, 5)}.bin`,
  gramPart: (prefix: string, side: Side, iteration: number, block: number) => `${prefix}parts/${side}/${pad(iteration, 4)}/${pad(block, 5)}.bin`,
  gram: (prefix: string, side: Side, iteration: number) => `${prefix}gram/${side}-${pad(iteration, 4)}.bin`,
  curve: (prefix: string, iteration: number) => `${prefix}curve/${pad(iteration, 4)}.json`,
};

/** A block: rows [start, end) of one side, with `entries` ratings. */
export const BlockSchema = z.object({ block: z.number().int().nonnegative(), start: z.number().int().nonnegative(), end: z.number().int().nonnegative(), entries: z.number().int().nonnegative() });
export type Block = z.infer<typeof BlockSchema>;

/** What every step event carries about its run (the state machine passes it along). */
export const RunRefSchema = z.object({
  bucket: z.string().min(1),
  prefix: z.string().startsWith(DISTRIBUTED_PREFIX),
  iterations: z.number().int().min(1),
  maxConcurrency: z.number().int().min(1),
  blockLists: z.object({ users: z.string().min(1), items: z.string().min(1) }),
});
export type RunRef = z.infer<typeof RunRefSchema>;

export const RunManifestSchema = z.object({
  format: z.literal(1),
  runId: z.string(),
  preparedAt: z.string(),
  /** The training config (parsed): finish reads and splits the source again with it. */
  config: z.record(z.string(), z.unknown()),
  /** The iALS params, resolved. */
  params: z.record(z.string(), z.unknown()),
  source: z.object({ name: z.string(), source: z.string(), sha256: z.string() }),
  nUsers: z.number().int().nonnegative(),
  nItems: z.number().int().nonnegative(),
  /** Training ratings. */
  nRatings: z.number().int().nonnegative(),
  dim: z.number().int().min(1),
  blocks: z.object({ users: z.array(BlockSchema), items: z.array(BlockSchema) }),
  /** Finish evaluates on at most this many validation users. */
  evalUsers: z.number().int().min(1).optional(),
  /**
   * The posted events merged into the data (lib/events/merge.ts, as one machine merges
   * them): those received before `until` (epoch ms), so finish reads the same ones again.
   * Absent: none were read.
   */
  events: z.object({ until: z.number(), merged: z.number().int().nonnegative(), through: z.string().optional() }).optional(),
});
export type RunManifest = z.infer<typeof RunManifestSchema>;

export const otherSide = (side: Side): Side => (side === 'users' ? 'items' : 'users');

/**
 * Boundaries splitting rows into `parts` contiguous blocks of about equal entries (rows
 * count a little too, so a block of many empty rows is not unbounded); fewer blocks when
 * there are fewer rows.
 */
export function splitBlocks(offsets: Uint32Array, parts: number): Block[] {
  const rows = offsets.length - 1;
  const n = Math.max(1, Math.min(parts, rows));
  const cost = (row: number): number => offsets[row]! + row;
  const total = cost(rows);
  const blocks: Block[] = [];
  let start = 0;
  for (let b = 0; b < n; b++) {
    let end = b === n - 1 ? rows : start;
    if (b < n - 1) {
      const target = (total * (b + 1)) / n;
      while (end < rows && cost(end) < target) end++;
      // Every block keeps at least one row while there are rows left for the rest.
      end = Math.min(Math.max(end, start + 1), rows - (n - 1 - b));
    }
    blocks.push({ block: b, start, end, entries: offsets[end]! - offsets[start]! });
    start = end;
  }
  return blocks;
}
