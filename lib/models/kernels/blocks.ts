import type { Dataset } from '../../data/dataset';
import { permutation, shuffleRatings, type Rng } from '../../data/random';
import { allocate } from './shared';

/**
 * Ratings regrouped for block-parallel SGD (after LIBMF / DSGD).
 *
 * Users and items get random internal indices (userSlot[u], itemSlot[i], random
 * permutations), and group g of users is the slots [g·nUsers/grid, (g+1)·nUsers/grid),
 * likewise for items; block (a, b) holds the ratings of user group a on item group b,
 * stored contiguously. Two blocks that share neither a user group nor an item group
 * touch disjoint rows of P and Q, so threads may run them at once with no locks and
 * the same result as running them one after the other.
 *
 * Inside a block, ratings are shuffled once and then stably sorted by user slot, so a
 * block sweeps its users' rows of P in address order (each user's ratings in a random
 * order): P is too big for any cache, and a random row per rating costs a memory
 * round trip; grouped rows make the kernel compute-bound. P and Q rows live at the
 * internal slots while training; unpermuteRows maps them back.
 */
export interface BlockedRatings {
  grid: number;
  size: number;
  /** Internal user / item slots. */
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
  /** Block (a, b) spans [blockStart[a * grid + b], blockStart[a * grid + b + 1]). */
  blockStart: Int32Array;
  /** Internal slot of each user / item index. */
  userSlot: Int32Array;
  itemSlot: Int32Array;
}

/** Where the regrouped arrays live (default: plain or shared typed arrays of their own). */
export interface BlockStorage {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
}

const groupOfSlot = (slot: number, n: number, grid: number) => Math.floor((slot * grid) / Math.max(1, n));

export function buildBlocks(
  train: Dataset,
  nUsers: number,
  nItems: number,
  grid: number,
  rng: Rng,
  shared: boolean,
  storage?: BlockStorage,
  /** false: keep indices as slots and each block in shuffled order (minibatches want that). */
  sortByUser = true,
): BlockedRatings {
  const userSlot = sortByUser ? permutation(nUsers, rng) : identity(nUsers);
  const itemSlot = sortByUser ? permutation(nItems, rng) : identity(nItems);
  const userGroup = new Uint16Array(nUsers);
  for (let u = 0; u < nUsers; u++) userGroup[u] = groupOfSlot(userSlot[u]!, nUsers, grid);
  const itemGroup = new Uint16Array(nItems);
  for (let i = 0; i < nItems; i++) itemGroup[i] = groupOfSlot(itemSlot[i]!, nItems, grid);

  const nBlocks = grid * grid;
  const blockStart = allocate(Int32Array, nBlocks + 1, shared);
  const n = train.size;
  const src = { users: train.users, items: train.items, ratings: train.ratings };
  for (let r = 0; r < n; r++) blockStart[userGroup[src.users[r]!]! * grid + itemGroup[src.items[r]!]! + 1]!++;
  for (let b = 0; b < nBlocks; b++) blockStart[b + 1]! += blockStart[b]!;

  const users = storage?.users ?? allocate(Int32Array, n, shared);
  const items = storage?.items ?? allocate(Int32Array, n, shared);
  const ratings = storage?.ratings ?? allocate(Float32Array, n, shared);
  if (users.length !== n || items.length !== n || ratings.length !== n) throw new RangeError('block storage of the wrong size');
  const fill = blockStart.slice(0, nBlocks);
  for (let r = 0; r < n; r++) {
    const u = src.users[r]!;
    const i = src.items[r]!;
    const at = fill[userGroup[u]! * grid + itemGroup[i]!]!++;
    users[at] = userSlot[u]!;
    items[at] = itemSlot[i]!;
    ratings[at] = src.ratings[r]!;
  }
  const sorter = new BlockSorter(nUsers, grid);
  for (let a = 0; a < grid; a++) {
    for (let b = 0; b < grid; b++) {
      const start = blockStart[a * grid + b]!;
      const end = blockStart[a * grid + b + 1]!;
      shuffleRatings(users, items, ratings, start, end, rng);
      if (sortByUser) sorter.sortByUser(users, items, ratings, start, end, Math.ceil((a * nUsers) / grid));
    }
  }
  return { grid, size: n, users, items, ratings, blockStart, userSlot, itemSlot };
}

/** Stable counting sort of one block by user slot, with scratch sized for the largest block seen. */
class BlockSorter {
  private counts: Int32Array;
  private scratch = { users: new Int32Array(0), items: new Int32Array(0), ratings: new Float32Array(0) };

  constructor(nUsers: number, grid: number) {
    this.counts = new Int32Array(Math.ceil(nUsers / Math.max(1, grid)) + 2);
  }

  sortByUser(users: Int32Array, items: Int32Array, ratings: Float32Array, start: number, end: number, firstSlot: number): void {
    const len = end - start;
    if (len < 2) return;
    if (this.scratch.users.length < len) {
      this.scratch = { users: new Int32Array(len), items: new Int32Array(len), ratings: new Float32Array(len) };
    }
    const s = this.scratch;
    s.users.set(users.subarray(start, end));
    s.items.set(items.subarray(start, end));
    s.ratings.set(ratings.subarray(start, end));
    let span = 0;
    for (let k = 0; k < len; k++) span = Math.max(span, s.users[k]! - firstSlot + 1);
    if (this.counts.length < span + 1) this.counts = new Int32Array(span + 1);
    const counts = this.counts;
    counts.fill(0, 0, span + 1);
    for (let k = 0; k < len; k++) counts[s.users[k]! - firstSlot + 1]!++;
    for (let k = 0; k < span; k++) counts[k + 1]! += counts[k]!;
    for (let k = 0; k < len; k++) {
      const at = start + counts[s.users[k]! - firstSlot]!++;
      users[at] = s.users[k]!;
      items[at] = s.items[k]!;
      ratings[at] = s.ratings[k]!;
    }
  }
}


/** dst row r = src row slot[r] (rows of `dim` floats): back from internal slots to indices. */
export function unpermuteRows(src: Float32Array, dst: Float32Array, slot: Int32Array, dim: number): void {
  for (let r = 0; r < slot.length; r++) {
    const from = slot[r]! * dim;
    dst.set(src.subarray(from, from + dim), r * dim);
  }
}

/** unpermuteRows within one array: each cycle of the permutation is followed with one row of scratch. */
export function unpermuteRowsInPlace(rows: Float32Array, slot: Int32Array, dim: number): void {
  const done = new Uint8Array(slot.length);
  const first = new Float32Array(dim);
  for (let start = 0; start < slot.length; start++) {
    if (done[start]) continue;
    first.set(rows.subarray(start * dim, (start + 1) * dim));
    for (let r = start; ; ) {
      done[r] = 1;
      const from = slot[r]!;
      if (from === start) {
        rows.set(first, r * dim);
        break;
      }
      rows.copyWithin(r * dim, from * dim, (from + 1) * dim);
      r = from;
    }
  }
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let k = 0; k < n; k++) a[k] = k;
  return a;
}
