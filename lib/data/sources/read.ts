import { createHash } from 'node:crypto';
import { DataError } from '../errors';
import { parseCatalog, parseRatings, parseRatingsFile } from '../parse';
import type { LoadedDataset, SourceContext } from './context';
import type { Picked } from './pick';
import { ZipError } from './zip-entries';

/**
 * The last step: parses what pickEntries chose into a LoadedDataset, hashing the bytes
 * on the way, then its catalogue (after the ratings: a zip's movies file may come after
 * them, and an items file's ids are read as the ratings' item ids are). Errors name the
 * source; an unreadable zip is reported to the opener (a cached copy is dropped).
 */
export async function readPicked(picked: Picked, ctx: SourceContext): Promise<LoadedDataset> {
  const hash = createHash('sha256');
  async function* hashed() {
    for await (const chunk of picked.chunks) {
      hash.update(chunk);
      yield chunk;
    }
  }
  const onWarning = ctx.log ? { onWarning: ctx.log } : {};
  try {
    const options = {
      format: picked.format,
      name: picked.name,
      ...(picked.scale ? { scale: picked.scale } : {}),
      ...picked.schema,
      ...(picked.sizeHint ? { sizeHint: picked.sizeHint } : {}),
      ...(ctx.maxBadShare !== undefined ? { maxBadShare: ctx.maxBadShare } : {}),
      ...onWarning,
    };
    const result = picked.path
      ? await parseRatingsFile(picked.path, { ...options, onBytes: (chunk) => void hash.update(chunk) })
      : await parseRatings(hashed(), options);
    const file = await picked.catalog();
    const catalog = file && (await parseCatalog(file.chunks, file.format, { name: file.name, ids: result.dataset.itemIds.kind, ...onWarning }));
    return {
      dataset: catalog ? { ...result.dataset, catalog } : result.dataset,
      source: picked.source,
      sha256: hash.digest('hex'),
      bad: result.bad,
      lines: result.lines,
      layout: result.layout,
      scaleFrom: result.scaleFrom,
      duplicates: result.duplicates,
      ...(result.newestTime !== undefined ? { newestTime: result.newestTime } : {}),
    };
  } catch (err) {
    if (err instanceof ZipError) await picked.onUnreadableZip?.();
    // Name the source in parse errors (subclasses, like ZipError, already do).
    if (err instanceof DataError && err.constructor === DataError && !err.message.includes(picked.source)) {
      throw new DataError(`${picked.source}: ${err.message}`, err.bad, { quotesData: err.quotesData });
    }
    if (err instanceof DataError) throw err;
    throw new Error(`${picked.source}: reading failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
