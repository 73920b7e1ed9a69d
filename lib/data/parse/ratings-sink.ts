import { MAX_BATCH } from '../byte-ids';
import { IdMap, StringIdMap, type Ids, type PortableIds } from '../id-map';
import type { ExternalId } from '../external-id';
import type { Interactions } from './duplicates';

interface Block {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
  times?: Float64Array;
}

const FIRST_BLOCK = 1 << 16;
const MAX_BLOCK = 1 << 23;
/** A larger hint is taken as this; more ratings than that go to further blocks. */
const MAX_HINT = 1 << 28;

/**
 * Where the parser puts ratings: a list of typed-array blocks, each up to twice the
 * size of the one before (so nothing is copied while growing), joined once into
 * exact-length arrays at the end. When everything fits in the first block, the result
 * is a view of it (exactly `size` long, over a possibly larger buffer: copy with
 * byteOffset/byteLength) and nothing is copied at all: that is what sizeHint is for.
 * The hint may be an over-estimate (file bytes / 6 is never too small): capacity that
 * is never written costs address space, not memory, since fresh typed arrays are
 * lazily mapped zero pages. First-touch page faults of the result arrays, not the
 * parsing, are the largest cost for big files on a VM; glibc >= 2.35 can back them
 * with huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1), which roughly halves it.
 * Ids are interned as they come, so dense indices follow first appearance.
 */
export class RatingsSink {
  readonly userIds: Ids;
  readonly itemIds: Ids;
  /** The fast path's maps (integer ids only). */
  private readonly intUsers: IdMap | undefined;
  private readonly intItems: IdMap | undefined;
  private readonly full: Block[] = [];
  private users: Int32Array;
  private items: Int32Array;
  private ratings: Float32Array;
  /** Only when the file has a timestamp column (duplicates resolve to the latest). */
  private times: Float64Array | undefined;
  private at = 0;
  private stored = 0;
  /** addFromBytes' lines not yet interned, and the chunk their id bytes are in. */
  private readonly batch = {
    userStart: new Int32Array(MAX_BATCH),
    userEnd: new Int32Array(MAX_BATCH),
    userInt: new Float64Array(MAX_BATCH),
    itemStart: new Int32Array(MAX_BATCH),
    itemEnd: new Int32Array(MAX_BATCH),
    itemInt: new Float64Array(MAX_BATCH),
    rating: new Float64Array(MAX_BATCH),
    time: new Float64Array(MAX_BATCH),
    users: new Int32Array(MAX_BATCH),
    items: new Int32Array(MAX_BATCH),
  };
  private batched = 0;
  private batchBytes: Uint8Array | undefined;

  constructor(
    sizeHint = 0,
    private readonly keepTimes = false,
    ids: { users: 'int' | 'string'; items: 'int' | 'string' } = { users: 'int', items: 'int' },
  ) {
    this.userIds = ids.users === 'int' ? (this.intUsers = new IdMap()) : new StringIdMap();
    this.itemIds = ids.items === 'int' ? (this.intItems = new IdMap()) : new StringIdMap();
    const first = sizeHint > 0 ? Math.min(MAX_HINT, Math.ceil(sizeHint)) : FIRST_BLOCK;
    this.users = new Int32Array(first);
    this.items = new Int32Array(first);
    this.ratings = new Float32Array(first);
    if (keepTimes) this.times = new Float64Array(first);
  }

  get size(): number {
    return this.stored + this.at + this.batched;
  }

  /** One rating by integer ids (the fast path: both id columns are integers); `time` NaN: the line has none. */
  add(user: number, item: number, rating: number, time = NaN): void {
    this.push(this.intUsers!.intern(user), this.intItems!.intern(item), rating, time);
  }

  /** One rating by ids of each column's kind (a string for a string-id column). */
  addAny(user: ExternalId, item: ExternalId, rating: number, time = NaN): void {
    this.flush();
    this.push(internAny(this.userIds, user), internAny(this.itemIds, item), rating, time);
  }

  /**
   * One rating from the fast path of a file with string ids: a string-id column's id is
   * the byte slice [start, end) of `b` (already checked: printable ASCII, no quotes, no
   * outer spaces, at most 128 bytes), an integer column's is its number. Lines are kept
   * in a batch and interned together (ByteIds.internMany); `b` must stay unchanged until
   * flush(), which the parser calls before it lets go of a chunk. Every other way in
   * flushes first, so ratings keep their order.
   */
  addFromBytes(b: Uint8Array, us: number, ue: number, user: number, is: number, ie: number, item: number, rating: number, time: number): void {
    if (this.batchBytes !== b) {
      this.flush();
      this.batchBytes = b;
    }
    const k = this.batched++;
    const q = this.batch;
    q.userStart[k] = us;
    q.userEnd[k] = ue;
    q.userInt[k] = user;
    q.itemStart[k] = is;
    q.itemEnd[k] = ie;
    q.itemInt[k] = item;
    q.rating[k] = rating;
    q.time[k] = time;
    if (this.batched === MAX_BATCH) this.flush();
  }

  /**
   * Appends the rows of another range of the file, in its order: `rows` holds indices
   * into that range's own id lists (in their first appearance there), which
   * are interned here after this sink's own, so indices still follow first appearance.
   */
  appendRange(rows: Interactions, userIds: PortableIds, itemIds: PortableIds): void {
    this.flush();
    const userOf = this.userIds.internAll(userIds);
    const itemOf = this.itemIds.internAll(itemIds);
    const n = rows.users.length;
    for (let r = 0; r < n; ) {
      if (this.at === this.users.length) this.nextBlock();
      const at = this.at;
      const room = Math.min(n - r, this.users.length - at);
      const { users: toUsers, items: toItems } = this;
      for (let k = 0; k < room; k++) {
        toUsers[at + k] = userOf[rows.users[r + k]!]!;
        toItems[at + k] = itemOf[rows.items[r + k]!]!;
      }
      this.ratings.set(rows.ratings.subarray(r, r + room), at);
      if (this.times) {
        if (rows.times) this.times.set(rows.times.subarray(r, r + room), at);
        else this.times.fill(NaN, at, at + room);
      }
      this.at += room;
      r += room;
    }
  }

  /** Interns and stores the batched lines of addFromBytes. */
  flush(): void {
    const n = this.batched;
    if (n === 0) return;
    this.batched = 0;
    const b = this.batchBytes!;
    this.batchBytes = undefined;
    const q = this.batch;
    this.internColumn(this.userIds, this.intUsers, b, q.userStart, q.userEnd, q.userInt, n, q.users);
    this.internColumn(this.itemIds, this.intItems, b, q.itemStart, q.itemEnd, q.itemInt, n, q.items);
    for (let k = 0; k < n; k++) this.push(q.users[k]!, q.items[k]!, q.rating[k]!, q.time[k]!);
  }

  private internColumn(ids: Ids, ints: IdMap | undefined, b: Uint8Array, starts: Int32Array, ends: Int32Array, values: Float64Array, n: number, out: Int32Array): void {
    if (ids.kind === 'string') ids.bytes.internMany(b, starts, ends, n, out);
    else for (let k = 0; k < n; k++) out[k] = ints!.intern(values[k]!);
  }

  private push(user: number, item: number, rating: number, time: number): void {
    if (this.at === this.users.length) this.nextBlock();
    const k = this.at++;
    this.users[k] = user;
    this.items[k] = item;
    this.ratings[k] = rating;
    if (this.times) this.times[k] = time;
  }

  /** The ratings as exact-length arrays (a view when one block holds them all), and the times if kept. */
  build(): { users: Int32Array; items: Int32Array; ratings: Float32Array; times?: Float64Array } {
    this.flush();
    const n = this.size;
    const last: Block = { users: this.users, items: this.items, ratings: this.ratings, ...(this.times ? { times: this.times } : {}) };
    if (this.full.length === 0) {
      return {
        users: this.users.subarray(0, n),
        items: this.items.subarray(0, n),
        ratings: this.ratings.subarray(0, n),
        ...(this.times ? { times: this.times.subarray(0, n) } : {}),
      };
    }
    const users = new Int32Array(n);
    const items = new Int32Array(n);
    const ratings = new Float32Array(n);
    const times = this.keepTimes ? new Float64Array(n) : undefined;
    let offset = 0;
    for (const block of [...this.full, last]) {
      const len = Math.min(block.users.length, n - offset);
      users.set(block.users.subarray(0, len), offset);
      items.set(block.items.subarray(0, len), offset);
      ratings.set(block.ratings.subarray(0, len), offset);
      if (times && block.times) times.set(block.times.subarray(0, len), offset);
      offset += len;
    }
    return { users, items, ratings, ...(times ? { times } : {}) };
  }

  private nextBlock(): void {
    this.full.push({ users: this.users, items: this.items, ratings: this.ratings, ...(this.times ? { times: this.times } : {}) });
    this.stored += this.at;
    this.at = 0;
    const size = Math.min(MAX_BLOCK, Math.max(FIRST_BLOCK, this.users.length * 2));
    this.users = new Int32Array(size);
    this.items = new Int32Array(size);
    this.ratings = new Float32Array(size);
    if (this.keepTimes) this.times = new Float64Array(size);
  }
}

const internAny = (map: Ids, id: ExternalId): number => (map.kind === 'int' ? map.intern(id as number) : map.intern(id as string));
