import { DataError } from '../errors';
import { baseUrlOf, cacheDirOf, DEFAULT_CACHE_PREFIX, type LoadedDataset, type SourceContext } from './context';
import { downloadChunks } from './download';
import { MOVIELENS } from './layouts';
import { catalogFromBytes, readRatings } from './read';
import type { MovieLensName } from './spec';
import { LocalZipCache, S3ZipCache, type ZipCache } from './zip-cache';
import { checkedZip, selectZipEntries, ZipError } from './zip-entries';

/**
 * A MovieLens release by name: its zip comes from the cache (S3 under the cache prefix
 * when ctx.store is given, else a local folder) or is downloaded into it first, then
 * the ratings and movies files are streamed out of it and parsed.
 */
export async function loadMovieLens(name: MovieLensName, ctx: SourceContext): Promise<LoadedDataset> {
  const release = MOVIELENS[name];
  if (!release) throw new DataError(`unknown MovieLens data set '${name}'`);
  const cache: ZipCache = ctx.store
    ? new S3ZipCache(ctx.store, `${ctx.cachePrefix ?? DEFAULT_CACHE_PREFIX}${name}.zip`)
    : new LocalZipCache(cacheDirOf(ctx), `${name}.zip`);

  let zip = await cache.open();
  if (!zip) {
    const url = `${baseUrlOf(ctx)}/${name}.zip`;
    ctx.log?.(`${name}: downloading ${url} into ${cache.where}`);
    const bytes = await cache.fill(checkedZip(downloadChunks(url, name), name));
    ctx.log?.(`${name}: cached ${bytes} bytes`);
    zip = await cache.open();
    if (!zip) throw new Error(`${name}: ${cache.where} is missing right after it was written`);
  } else {
    ctx.log?.(`${name}: reading the cached ${cache.where}`);
  }

  const { layout } = release;
  const entries = selectZipEntries(zip, `${name} (${cache.where})`, layout.ratings, layout.catalog);
  try {
    return await readRatings(
      entries.main,
      { name, source: name, format: layout.ratingsFormat, scale: release.scale, sizeHint: release.ratings },
      ctx,
      async () => {
        const movies = entries.side();
        if (!movies) {
          ctx.log?.(`${name}: no ${layout.catalog} in the zip; going on without titles`);
          return undefined;
        }
        return catalogFromBytes(movies.bytes, layout.catalogFormat, `${name}/${layout.catalog}`, ctx);
      },
    );
  } catch (err) {
    if (err instanceof ZipError) {
      ctx.log?.(`${name}: dropping the unreadable cached copy ${cache.where}`);
      await cache.evict();
    }
    throw err;
  }
}
