import { createHash } from 'node:crypto';
import type { Catalog, RatingScale } from '../dataset';
import { DataError } from '../errors';
import { parseCatalog, parseRatings, type CatalogFormat, type InteractionsFormat, type RatingsFormat } from '../parse';
import type { LoadedDataset, SourceContext } from './context';
import { catalogFormatOf, isItemsFileName, isRatingsFileName } from './layouts';
import { selectZipEntries } from './zip-entries';

export interface RatingsInput {
  /** Data set name. */
  name: string;
  /** Source text for LoadedDataset.source and messages. */
  source: string;
  format: RatingsFormat;
  scale?: RatingScale;
  /** The caller's declared schema (columns, separator, header, scale, duplicates, event weights). */
  schema?: InteractionsFormat;
  sizeHint?: number;
}

/**
 * An upper bound on the ratings a file of this many bytes can hold (the shortest line,
 * `1,1,1\n`, is 6 bytes), for preallocating the parser's arrays: capacity that is never
 * written costs address space, not memory.
 */
export const sizeHintForBytes = (bytes: number): number | undefined => (bytes > 0 ? Math.ceil(bytes / 6) : undefined);

/**
 * Parses a ratings stream into a LoadedDataset, hashing the bytes on the way, then
 * attaches the catalogue `catalog()` gives (called after the ratings are read, as a
 * zip's movies file may come after its ratings). Stream failures are rethrown with
 * the source named.
 */
export async function readRatings(
  chunks: AsyncIterable<Uint8Array>,
  input: RatingsInput,
  ctx: SourceContext,
  catalog: (itemIds: 'int' | 'string') => Promise<Catalog | undefined> = async () => undefined,
): Promise<LoadedDataset> {
  const hash = createHash('sha256');
  async function* hashed() {
    for await (const chunk of chunks) {
      hash.update(chunk);
      yield chunk;
    }
  }
  try {
    const result = await parseRatings(hashed(), {
      format: input.format,
      name: input.name,
      ...(input.scale ? { scale: input.scale } : {}),
      ...input.schema,
      ...(input.sizeHint ? { sizeHint: input.sizeHint } : {}),
      ...(ctx.maxBadShare !== undefined ? { maxBadShare: ctx.maxBadShare } : {}),
      ...(ctx.log ? { onWarning: ctx.log } : {}),
    });
    const movies = await catalog(result.dataset.itemIds.kind);
    return {
      dataset: movies ? { ...result.dataset, catalog: movies } : result.dataset,
      source: input.source,
      sha256: hash.digest('hex'),
      bad: result.bad,
      lines: result.lines,
      layout: result.layout,
      scaleFrom: result.scaleFrom,
      duplicates: result.duplicates,
    };
  } catch (err) {
    // Name the source in parse errors (subclasses, like ZipError, already do).
    if (err instanceof DataError && err.constructor === DataError && !err.message.includes(input.source)) {
      throw new DataError(`${input.source}: ${err.message}`, err.bad);
    }
    if (err instanceof DataError) throw err;
    throw new Error(`${input.source}: reading failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Parses a catalogue held whole in memory. */
export function catalogFromBytes(bytes: Uint8Array, format: CatalogFormat, name: string, ctx: SourceContext): Promise<Catalog> {
  return parseCatalog(oneChunk(bytes), format, { name, ...(ctx.log ? { onWarning: ctx.log } : {}) });
}

async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * A zip of your own, arriving as chunks: its one ratings file (any name but a readme,
 * licence or the items file) read with `schema`, and an items file (items.csv,
 * movies.csv, products.csv, catalog.csv...) as its catalogue if it has one.
 */
export function readOwnZip(
  chunks: AsyncIterable<Uint8Array>,
  source: string,
  name: string,
  schema: InteractionsFormat | undefined,
  ctx: SourceContext,
): Promise<LoadedDataset> {
  const entries = selectZipEntries(chunks, source, isRatingsFileName, isItemsFileName);
  return readRatings(entries.main, { name, source, format: 'auto', ...(schema ? { schema } : {}) }, ctx, async (ids) => {
    const items = entries.side();
    if (!items) return undefined;
    return parseCatalog(oneChunk(items.bytes), catalogFormatOf(items.name), { name: `${source}/${items.name}`, ids, ...(ctx.log ? { onWarning: ctx.log } : {}) });
  });
}
