/**
 * Maps external integer ids (a data set's own user or movie ids) to dense inner
 * indices 0..size-1, once, at ingest. Ids below DIRECT_LIMIT go through a flat
 * lookup table (one array read per rating on the parse path); larger ids fall back
 * to a Map. External ids must be integers in [0, 2^31).
 */
const DIRECT_LIMIT = 1 << 24;

export class IdMap {
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

  /** Dense index of an external id, or -1 if it was never seen. */
  index(externalId: number): number {
    if (externalId >= 0 && externalId < this.direct.length) return this.direct[externalId]!;
    if (externalId < DIRECT_LIMIT) return -1;
    return this.sparse?.get(externalId) ?? -1;
  }

  /** Dense index of an external id, adding it if new. */
  intern(externalId: number): number {
    if (externalId >= 0 && externalId < this.direct.length) {
      const known = this.direct[externalId]!;
      if (known !== -1) return known;
    } else {
      const known = this.index(externalId);
      if (known !== -1) return known;
    }
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
    if (externalId < DIRECT_LIMIT) {
      if (externalId >= this.direct.length) {
        let len = this.direct.length;
        while (len <= externalId) len *= 2;
        const grown = new Int32Array(Math.min(len, DIRECT_LIMIT)).fill(-1);
        grown.set(this.direct);
        this.direct = grown;
      }
      this.direct[externalId] = idx;
    } else {
      (this.sparse ??= new Map()).set(externalId, idx);
    }
    return idx;
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
}
