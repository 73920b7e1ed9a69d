import { LRUCache } from 'lru-cache';
import type { CatalogItem } from '../artifacts/load';
import type { ExternalId } from '../data/external-id';
import { InvalidRequestError } from './errors';
import type { IdIndex } from './id-index';

/**
 * Which movies a list may hold, like Amazon Personalize's filters: any of `genres`,
 * none of `excludeGenres`, not one of `exclude`, released within `years` (inclusive).
 * Given together, all must hold. The seen-items rule applies on top.
 */
export interface ItemFilter {
  genres?: string[];
  excludeGenres?: string[];
  exclude?: ExternalId[];
  years?: { from: number; to: number };
}

/** A filter resolved against one model: 1 where an item may be listed, and how many may not. */
export interface ItemMask {
  allowed: Uint8Array;
  /** Items the filter removes (before the seen-items rule). */
  removed: number;
}

export const isEmptyFilter = (f: ItemFilter): boolean =>
  !f.genres?.length && !f.excludeGenres?.length && !f.exclude?.length && f.years === undefined;

/** One key per distinct filter, whatever the order or repeats of its lists. */
function filterKey(f: ItemFilter): string {
  const sorted = (xs: readonly (string | number)[] | undefined) => [...new Set(xs ?? [])].map(String).sort();
  return JSON.stringify([sorted(f.genres), sorted(f.excludeGenres), sorted(f.exclude), f.years ? [f.years.from, f.years.to] : null]);
}

/**
 * Item masks of one model, each built once per distinct filter (one pass over the
 * catalogue) and kept in a small LRU, so the top-N pass only reads a byte per item.
 */
export class ItemMasks {
  private readonly cache = new LRUCache<string, ItemMask>({ max: 64 });
  /** Genre names as the catalogue spells them, by lower case. */
  private genreNames: Map<string, string> | undefined;
  private hasYears: boolean | undefined;

  constructor(
    private readonly catalog: readonly (CatalogItem | null)[],
    private readonly items: IdIndex,
  ) {}

  /** The mask of a filter (undefined for none); a genre the catalogue lacks, or years it has none of, is a 400. */
  mask(filter: ItemFilter | undefined): ItemMask | undefined {
    if (!filter || isEmptyFilter(filter)) return undefined;
    const key = filterKey(filter);
    let mask = this.cache.get(key);
    if (!mask) {
      mask = this.build(filter);
      this.cache.set(key, mask);
    }
    return mask;
  }

  private build(f: ItemFilter): ItemMask {
    const anyOf = f.genres?.length ? new Set(f.genres.map((g) => this.genre(g))) : undefined;
    const noneOf = f.excludeGenres?.length ? new Set(f.excludeGenres.map((g) => this.genre(g))) : undefined;
    if (f.years) {
      if (f.years.from > f.years.to) throw new InvalidRequestError(`years ${f.years.from}-${f.years.to}: the first year is after the last`);
      if (!(this.hasYears ??= this.catalog.some((e) => e?.year !== undefined))) {
        throw new InvalidRequestError('this model\'s catalogue has no release years; drop the years filter');
      }
    }
    const n = this.catalog.length;
    const allowed = new Uint8Array(n);
    let removed = 0;
    for (let i = 0; i < n; i++) {
      const e = this.catalog[i];
      const genres = e?.genres ?? [];
      let ok = !anyOf || genres.some((g) => anyOf.has(g));
      if (ok && noneOf) ok = !genres.some((g) => noneOf.has(g));
      if (ok && f.years) ok = e?.year !== undefined && e.year >= f.years.from && e.year <= f.years.to;
      allowed[i] = ok ? 1 : 0;
      if (!ok) removed++;
    }
    // Ids the model does not know are excluded already: nothing to remove.
    for (const id of f.exclude ?? []) {
      const item = this.items.indexOf(id);
      if (item >= 0 && allowed[item] === 1) {
        allowed[item] = 0;
        removed++;
      }
    }
    return { allowed, removed };
  }

  /** The catalogue's spelling of a genre, matched without regard to case. */
  private genre(name: string): string {
    if (!this.genreNames) {
      this.genreNames = new Map();
      for (const e of this.catalog) for (const g of e?.genres ?? []) this.genreNames.set(g.toLowerCase(), g);
    }
    const known = this.genreNames.get(name.toLowerCase());
    if (known !== undefined) return known;
    const names = [...new Set(this.genreNames.values())].sort();
    throw new InvalidRequestError(
      names.length ? `unknown genre ${JSON.stringify(name)}; this model's genres are ${names.join(', ')}` : `this model's catalogue has no genres; drop the genre filter`,
    );
  }
}
