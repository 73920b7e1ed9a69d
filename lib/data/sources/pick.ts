import type { RatingScale } from '../dataset';
import type { CatalogFormat, InteractionsFormat, RatingsFormat } from '../parse';
import { catalogFormatOf, isItemsFileName, isRatingsFileName, layoutOfRatingsFile, ratingsFormatOf } from './layouts';
import { capped, limitsFromEnv, type DataLimits } from './limits';
import type { Opened } from './opened';
import { selectZipEntries } from './zip-entries';

/** The second step: what to parse, and how, from an opened source (read.ts reads it). */
export interface Picked {
  name: string;
  source: string;
  chunks: AsyncIterable<Uint8Array>;
  /** The chunks are this plain local file's (read.ts may parse it by path, on several threads). */
  path?: string;
  format: RatingsFormat;
  scale?: RatingScale;
  schema?: InteractionsFormat;
  sizeHint?: number;
  /** The catalogue, collected or opened once the ratings are read. */
  catalog(): Promise<{ name: string; format: CatalogFormat; chunks: AsyncIterable<Uint8Array> } | undefined>;
  onUnreadableZip?: () => Promise<void>;
}

/**
 * An upper bound on the ratings a file of this many bytes can hold (the shortest line,
 * `1,1,1\n`, is 6 bytes), for preallocating the parser's arrays: capacity that is never
 * written costs address space, not memory.
 */
const sizeHintForBytes = (bytes: number | undefined): number | undefined => (bytes && bytes > 0 ? Math.ceil(bytes / 6) : undefined);

async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * A zip: a MovieLens release's ratings and movies files by their names, or, in a zip of
 * your own, its one ratings file and an items file. Anything else: the file itself,
 * read in the format its name or MovieLens layout implies (else sniffed), with the
 * separate catalogue the opener found.
 */
export function pickEntries(o: Opened, limits: DataLimits = limitsFromEnv()): Picked {
  const common = {
    name: o.name,
    source: o.source,
    ...(o.schema ? { schema: o.schema } : {}),
    ...(o.onUnreadableZip ? { onUnreadableZip: o.onUnreadableZip } : {}),
  };
  if (o.fileName.toLowerCase().endsWith('.zip')) {
    const layout = o.release?.layout;
    const entries = layout
      ? selectZipEntries(o.chunks, o.source, layout.ratings, layout.catalog, limits.itemsFileBytes)
      : selectZipEntries(o.chunks, o.source, isRatingsFileName, isItemsFileName, limits.itemsFileBytes);
    return {
      ...common,
      chunks: capped(entries.main, limits.inflatedBytes, `${o.source}: the zip's ratings file, inflated,`, 'inflatedBytes'),
      format: layout?.ratingsFormat ?? 'auto',
      ...(o.release ? { scale: o.release.scale, sizeHint: o.release.ratings } : {}),
      catalog: async () => {
        const side = entries.side();
        if (!side) return undefined;
        return { name: `${o.source}/${side.name}`, format: layout?.catalogFormat ?? catalogFormatOf(side.name), chunks: oneChunk(side.bytes) };
      },
    };
  }
  const layout = layoutOfRatingsFile(o.fileName);
  const sizeHint = sizeHintForBytes(o.size);
  return {
    ...common,
    chunks: o.chunks,
    ...(o.path !== undefined ? { path: o.path } : {}),
    format: o.format ?? layout?.ratingsFormat ?? ratingsFormatOf(o.fileName),
    ...(sizeHint ? { sizeHint } : {}),
    catalog: async () => {
      const file = await o.catalog?.();
      if (!file) return undefined;
      return { name: file.name, format: catalogFormatOf(file.fileName), chunks: capped(file.chunks, limits.itemsFileBytes, file.name, 'itemsFileBytes') };
    },
  };
}
