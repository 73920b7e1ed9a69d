/**
 * String ids interned by their UTF-8 bytes: an arena of the ids' bytes and an
 * open-addressing table whose slot holds an id's index, hash, start and length together
 * (one cache line to check a candidate, then the arena). The parser interns a byte slice
 * of its input directly (no string per line); strings are made only when an id is asked
 * for. About 40 bytes per id plus its bytes: 1M ids of 8 bytes in ~50 MB, where a Map of
 * strings takes ~100 MB.
 */
const EMPTY = -1;
/** Int32 fields per slot: index, hash, start, length. */
const SLOT = 4;
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

  get size(): number {
    return this.count;
  }

  /** The index of the id b[s..e), adding it if new. */
  intern(b: Uint8Array, s: number, e: number): number {
    const slot = this.probe(b, s, e);
    const idx = this.table[slot]!;
    return idx === EMPTY ? this.add(b, s, e, this.lastHash, slot) : idx;
  }

  /** The index of the id b[s..e), or -1. */
  find(b: Uint8Array, s: number, e: number): number {
    return this.table[this.probe(b, s, e)]!;
  }

  private lastHash = 0;

  /** The slot (offset into table) holding b[s..e), or the empty slot where it would go. */
  private probe(b: Uint8Array, s: number, e: number): number {
    const hash = fnv1a(b, s, e);
    this.lastHash = hash;
    const mask = this.slots - 1;
    const len = e - s;
    const { table, arena } = this;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slot * SLOT;
      const idx = table[at]!;
      if (idx === EMPTY) return at;
      if (table[at + 1] !== hash || table[at + 3] !== len) continue;
      const start = table[at + 2]!;
      let k = 0;
      while (k < len && arena[start + k] === b[s + k]) k++;
      if (k === len) return at;
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

  private add(b: Uint8Array, s: number, e: number, hash: number, at: number): number {
    const len = e - s;
    if (this.used + len > this.arena.length) this.arena = grow(this.arena, this.used + len);
    this.arena.set(b.subarray(s, e), this.used);
    const idx = this.count++;
    if (idx === this.starts.length) this.starts = grow(this.starts, idx + 1);
    this.starts[idx] = this.used;
    const t = this.table;
    t[at] = idx;
    t[at + 1] = hash;
    t[at + 2] = this.used;
    t[at + 3] = len;
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
