import { ByteIds } from './byte-ids';
import { stringIdProblem, type ExternalId } from './external-id';

/**
 * Maps external integer ids (a data set's own user or movie ids) to dense inner
 * indices 0..size-1, once, at ingest. Ids the flat lookup table covers cost one
 * array read per rating on the parse path; the table only grows while it stays
 * dense (a few slots per known id), so a handful of huge ids go to a Map instead
 * of a mostly empty table. External ids must be integers in [0, 2^31).
 */
const DIRECT_LIMIT = 1 << 24;
/** The table may grow to cover an id while it stays within this many slots per known id. */
const SLOTS_PER_ID = 8;
const MIN_TABLE = 1 << 16;

export class IdMap {
  readonly kind = 'int' as const;
  private direct: Int32Array;
  private sparse: Map<number, number> | undefined;
  private externalIds: Int32Array;
  private count = 0;

  constructor(capacity = 1024) {
    this.direct = new Int32Array(1024).fill(-1);
    this.externalIds = new Int32Array(Math.max(16, capacity));
  }

  static fromExternal(ids: ArrayLike<number>): IdMap {
    const map = new IdMap(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (map.index(id) !== -1) throw new Error(`duplicate external id ${id}`);
      map.intern(id);
    }
    return map;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the lookup table and the id list (ids past the table, in a Map, come on top). */
  get byteLength(): number {
    return this.direct.byteLength + this.externalIds.byteLength;
  }

  /** Dense index of an external id, or -1 if it was never seen. */
  index(externalId: number | string): number {
    if (typeof externalId !== 'number') return -1;
    // A typed array answers undefined for any key that is not one of its indices
    // (negative, fractional, too large), which sends those to the Map.
    const direct = this.direct[externalId];
    if (direct !== undefined && direct !== -1) return direct;
    return this.sparse?.get(externalId) ?? -1;
  }

  /** Dense index of an external id, adding it if new. */
  intern(externalId: number): number {
    const known = this.index(externalId);
    if (known !== -1) return known;
    if (!Number.isInteger(externalId) || externalId < 0 || externalId > 0x7fffffff) {
      throw new RangeError(`id ${externalId} is not an integer in [0, 2^31)`);
    }
    const idx = this.count++;
    if (idx === this.externalIds.length) {
      const grown = new Int32Array(this.externalIds.length * 2);
      grown.set(this.externalIds);
      this.externalIds = grown;
    }
    this.externalIds[idx] = externalId;
    if (externalId >= this.direct.length && externalId < Math.min(DIRECT_LIMIT, Math.max(MIN_TABLE, SLOTS_PER_ID * this.count))) {
      this.growDirect(externalId);
    }
    if (externalId < this.direct.length) this.direct[externalId] = idx;
    else (this.sparse ??= new Map()).set(externalId, idx);
    return idx;
  }

  private growDirect(externalId: number): void {
    let len = this.direct.length;
    while (len <= externalId) len *= 2;
    const grown = new Int32Array(Math.min(len, DIRECT_LIMIT)).fill(-1);
    grown.set(this.direct);
    this.direct = grown;
    if (!this.sparse) return;
    for (const [id, index] of this.sparse) {
      if (id < grown.length) {
        grown[id] = index;
        this.sparse.delete(id);
      }
    }
  }

  /** External id of a dense index. */
  external(index: number): number {
    if (index < 0 || index >= this.count) throw new RangeError(`index ${index} out of range`);
    return this.externalIds[index]!;
  }

  /** External ids in index order (a copy, exactly `size` long). */
  toArray(): Int32Array {
    return this.externalIds.slice(0, this.count);
  }

  /** The ids in index order, in a form that crosses threads (structured clone, transferable buffers). */
  portable(): PortableIds {
    return { kind: 'int', ids: this.toArray() };
  }

  /** Interns another map's portable() ids in their order; returns each one's index here. */
  internAll(other: PortableIds): Int32Array {
    if (other.kind !== 'int') throw new TypeError('integer ids cannot take string ids');
    return Int32Array.from(other.ids, (id) => this.intern(id));
  }
}

/**
 * Maps string ids to dense indices 0..size-1 in first-seen order, by their UTF-8 bytes
 * (ByteIds): the parser interns slices of its input without making a string per line.
 */
export class StringIdMap {
  readonly kind = 'string' as const;
  /** The byte-level table; the parser's fast path interns into it directly (after checking the bytes). */
  readonly bytes = new ByteIds();

  static fromExternal(ids: readonly string[]): StringIdMap {
    const map = new StringIdMap();
    for (const id of ids) {
      if (map.index(id) !== -1) throw new Error(`duplicate external id ${JSON.stringify(id)}`);
      map.intern(id);
    }
    return map;
  }

  get size(): number {
    return this.bytes.size;
  }

  get byteLength(): number {
    return this.bytes.byteLength;
  }

  index(externalId: ExternalId): number {
    return typeof externalId === 'string' ? this.bytes.findString(externalId) : -1;
  }

  intern(externalId: string): number {
    const problem = stringIdProblem(externalId);
    if (problem) throw new RangeError(`id ${JSON.stringify(externalId)} ${problem}`);
    return this.bytes.internString(externalId);
  }

  external(index: number): string {
    if (index < 0 || index >= this.size) throw new RangeError(`index ${index} out of range`);
    return this.bytes.string(index);
  }

  /** External ids in index order. */
  toArray(): string[] {
    return Array.from({ length: this.size }, (_, i) => this.bytes.string(i));
  }

  portable(): PortableIds {
    return { kind: 'string', ...this.bytes.portable() };
  }

  internAll(other: PortableIds): Int32Array {
    if (other.kind !== 'string') throw new TypeError('string ids cannot take integer ids');
    return this.bytes.internAll(other);
  }
}

/** A map's ids in index order, as plain typed arrays (to send to another thread, or to take from one). */
export type PortableIds = { kind: 'int'; ids: Int32Array } | { kind: 'string'; bytes: Uint8Array; starts: Int32Array };

/** A data set's user or item ids: integers (as MovieLens has them) or strings. */
export type Ids = IdMap | StringIdMap;
