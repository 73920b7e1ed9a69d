/**
 * String ids interned by their UTF-8 bytes: an arena of the ids' bytes and an
 * open-addressing table whose 32-byte slot holds an id's index, hash, start, length
 * and its first 16 bytes. An id of up to 16 bytes (most user ids and SKUs) is found or
 * refused within its slot, one cache miss; only a longer one that matches its first 16
 * bytes is compared in the arena. The parser interns a byte slice of its input directly
 * (no string per line); strings are made only when an id is asked for. About 70 bytes
 * per id plus its bytes: 1M ids of 8 bytes in ~80 MB, where a Map of strings takes ~100 MB.
 */
const EMPTY = -1;
/** Int32 fields per slot: index, hash, start, length, then the id's first 16 bytes as four words. */
const SLOT = 8;
const INLINE = 16;
/** The most ids one internMany call takes. */
export const MAX_BATCH = 256;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export class ByteIds {
  private arena = new Uint8Array(1 << 16);
  private starts = new Int32Array(1 << 12);
  private table = new Int32Array(SLOT << 13).fill(EMPTY);
  private slots = 1 << 13;
  private count = 0;
  private used = 0;
  private scratch = new Uint8Array(512);
  private strings: (string | undefined)[] = [];
  /** internMany's per-batch digests. */
  private hashes = new Int32Array(MAX_BATCH);
  private words = new Int32Array(4 * MAX_BATCH);
  /** Keeps the touching loads of internMany from being optimised away. */
  private touched = 0;
  /** The id last digested: its hash and first 16 bytes, for lookup() and add(). */
  private hash = 0;
  private w0 = 0;
  private w1 = 0;
  private w2 = 0;
  private w3 = 0;

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table, the arena and the starts (strings made on request come on top). */
  get byteLength(): number {
    return this.table.byteLength + this.arena.byteLength + this.starts.byteLength;
  }

  /** The index of the id b[s..e), adding it if new. */
  intern(b: Uint8Array, s: number, e: number): number {
    this.digest(b, s, e);
    const slot = this.lookup(b, s, e);
    const idx = this.table[slot]!;
    return idx === EMPTY ? this.add(b, s, e, slot) : idx;
  }

  /**
   * intern() of n ids b[starts[k]..ends[k]), in order, into out. Same result, faster on
   * a table much larger than the cache: all n home slots are touched first, in a loop
   * of independent loads, so their cache misses overlap instead of coming one by one.
   */
  internMany(b: Uint8Array, starts: Int32Array, ends: Int32Array, n: number, out: Int32Array): void {
    if (n > MAX_BATCH) throw new RangeError(`internMany takes at most ${MAX_BATCH} ids, got ${n}`);
    const { hashes, words } = this;
    for (let k = 0; k < n; k++) {
      this.digest(b, starts[k]!, ends[k]!);
      hashes[k] = this.hash;
      words[4 * k] = this.w0;
      words[4 * k + 1] = this.w1;
      words[4 * k + 2] = this.w2;
      words[4 * k + 3] = this.w3;
    }
    const mask = this.slots - 1;
    const table = this.table;
    let touched = 0;
    for (let k = 0; k < n; k++) touched |= table[(hashes[k]! & mask) * SLOT]!;
    this.touched = touched;
    for (let k = 0; k < n; k++) {
      this.hash = hashes[k]!;
      this.w0 = words[4 * k]!;
      this.w1 = words[4 * k + 1]!;
      this.w2 = words[4 * k + 2]!;
      this.w3 = words[4 * k + 3]!;
      const s = starts[k]!;
      const e = ends[k]!;
      const slot = this.lookup(b, s, e);
      const idx = this.table[slot]!;
      out[k] = idx === EMPTY ? this.add(b, s, e, slot) : idx;
    }
  }

  /** The index of the id b[s..e), or -1. */
  find(b: Uint8Array, s: number, e: number): number {
    this.digest(b, s, e);
    return this.table[this.lookup(b, s, e)]!;
  }

  /** FNV-1a of b[s..e) into `hash`, and its first 16 bytes as four little-endian words into w0..w3. */
  private digest(b: Uint8Array, s: number, e: number): void {
    let h = 0x811c9dc5;
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    let w3 = 0;
    const inlineEnd = Math.min(e, s + INLINE);
    let k = s;
    for (; k < inlineEnd; k++) {
      const c = b[k]!;
      h = Math.imul(h ^ c, 0x01000193);
      const shift = ((k - s) & 3) << 3;
      const word = (k - s) >> 2;
      if (word === 0) w0 |= c << shift;
      else if (word === 1) w1 |= c << shift;
      else if (word === 2) w2 |= c << shift;
      else w3 |= c << shift;
    }
    for (; k < e; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
    this.hash = (h >>> 0) & 0x7fffffff;
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
  }

  /** The slot (offset into table) holding the digested id b[s..e), or the empty slot where it would go. */
  private lookup(b: Uint8Array, s: number, e: number): number {
    const { table, arena, hash, w0, w1, w2, w3 } = this;
    const mask = this.slots - 1;
    const len = e - s;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slot * SLOT;
      const idx = table[at]!;
      if (idx === EMPTY) return at;
      if (table[at + 1] !== hash || table[at + 3] !== len) continue;
      if (table[at + 4] !== w0 || table[at + 5] !== w1 || table[at + 6] !== w2 || table[at + 7] !== w3) continue;
      if (len <= INLINE) return at;
      const start = table[at + 2]!;
      let j = INLINE;
      while (j < len && arena[start + j] === b[s + j]) j++;
      if (j === len) return at;
    }
  }

  internString(id: string): number {
    const n = this.encode(id);
    return this.intern(this.scratch, 0, n);
  }

  findString(id: string): number {
    const n = this.encode(id);
    return this.find(this.scratch, 0, n);
  }

  /** Every id's bytes, in index order: id k is bytes[starts[k] .. starts[k + 1]). Copies, to send to another thread. */
  portable(): { bytes: Uint8Array; starts: Int32Array } {
    const starts = new Int32Array(this.count + 1);
    starts.set(this.starts.subarray(0, this.count));
    starts[this.count] = this.used;
    return { bytes: this.arena.slice(0, this.used), starts };
  }

  /** Interns the ids of another table's portable(), in their order; returns each one's index here. */
  internAll({ bytes, starts }: { bytes: Uint8Array; starts: Int32Array }): Int32Array {
    const n = starts.length - 1;
    const out = new Int32Array(n);
    for (let k = 0; k < n; k += MAX_BATCH) {
      const m = Math.min(MAX_BATCH, n - k);
      this.internMany(bytes, starts.subarray(k, k + m), starts.subarray(k + 1, k + 1 + m), m, out.subarray(k, k + m));
    }
    return out;
  }

  /** The id of an index, as a string (made once, then kept). */
  string(index: number): string {
    return (this.strings[index] ??= decoder.decode(this.arena.subarray(this.starts[index]!, this.end(index))));
  }

  private end(index: number): number {
    return index + 1 < this.count ? this.starts[index + 1]! : this.used;
  }

  private encode(id: string): number {
    if (this.scratch.length < id.length * 3) this.scratch = new Uint8Array(id.length * 3);
    return encoder.encodeInto(id, this.scratch).written;
  }

  private add(b: Uint8Array, s: number, e: number, at: number): number {
    const len = e - s;
    if (this.used + len > this.arena.length) this.arena = grow(this.arena, this.used + len);
    this.arena.set(b.subarray(s, e), this.used);
    const idx = this.count++;
    if (idx === this.starts.length) this.starts = grow(this.starts, idx + 1);
    this.starts[idx] = this.used;
    const t = this.table;
    t[at] = idx;
    t[at + 1] = this.hash;
    t[at + 2] = this.used;
    t[at + 3] = len;
    t[at + 4] = this.w0;
    t[at + 5] = this.w1;
    t[at + 6] = this.w2;
    t[at + 7] = this.w3;
    this.used += len;
    if (this.count * 2 > this.slots) this.rehash();
    return idx;
  }

  private rehash(): void {
    const old = this.table;
    this.slots *= 2;
    const table = new Int32Array(this.slots * SLOT).fill(EMPTY);
    const mask = this.slots - 1;
    for (let at = 0; at < old.length; at += SLOT) {
      if (old[at] === EMPTY) continue;
      let slot = old[at + 1]! & mask;
      while (table[slot * SLOT] !== EMPTY) slot = (slot + 1) & mask;
      table.set(old.subarray(at, at + SLOT), slot * SLOT);
    }
    this.table = table;
  }
}

function fnv1a(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let k = s; k < e; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
  return h >>> 0 & 0x7fffffff;
}

function grow<T extends Uint8Array | Int32Array>(a: T, atLeast: number): T {
  let size = a.length * 2;
  while (size < atLeast) size *= 2;
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a);
  return out;
}
