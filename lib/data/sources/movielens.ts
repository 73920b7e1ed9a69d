import { DataError } from '../errors';
import { baseUrlOf, cacheDirOf, DEFAULT_CACHE_PREFIX, type SourceContext } from './context';
import { downloadChunks } from './download';
import { MOVIELENS } from './layouts';
import { capped, limitsFromEnv } from './limits';
import type { Opened } from './opened';
import type { MovieLensName } from './spec';
import { LocalZipCache, S3ZipCache, type ZipCache } from './zip-cache';
import { checkedZip } from './zip-entries';

/**
 * Opens a MovieLens release by name: its zip from the cache (S3 under the cache prefix
 * when ctx.store is given, else a local folder), downloaded into it first if missing.
 * An unreadable cached copy is dropped when reading finds it so.
 */
export async function openMovieLens(name: MovieLensName, ctx: SourceContext): Promise<Opened> {
  const release = MOVIELENS[name];
  if (!release) throw new DataError(`unknown MovieLens data set '${name}'`);
  const cache: ZipCache = ctx.store
    ? new S3ZipCache(ctx.store, `${ctx.cachePrefix ?? DEFAULT_CACHE_PREFIX}${name}.zip`)
    : new LocalZipCache(cacheDirOf(ctx), `${name}.zip`);

  let zip = await cache.open();
  if (!zip) {
    const url = `${baseUrlOf(ctx)}/${name}.zip`;
    ctx.log?.(`${name}: downloading ${url} into ${cache.where}`);
    const max = (ctx.limits ?? limitsFromEnv()).downloadBytes;
    const bytes = await cache.fill(checkedZip(capped(downloadChunks(url, name), max, `${name}: the download of ${url}`, 'downloadBytes'), name));
    ctx.log?.(`${name}: cached ${bytes} bytes`);
    zip = await cache.open();
    if (!zip) throw new Error(`${name}: ${cache.where} is missing right after it was written`);
  } else {
    ctx.log?.(`${name}: reading the cached ${cache.where}`);
  }
  return {
    name,
    source: name,
    fileName: `${name}.zip`,
    chunks: zip,
    release,
    onUnreadableZip: async () => {
      ctx.log?.(`${name}: dropping the unreadable cached copy ${cache.where}`);
      await cache.evict();
    },
  };
}
