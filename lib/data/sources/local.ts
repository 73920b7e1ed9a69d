import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { DataError } from '../errors';
import type { InteractionsFormat, RatingsFormat } from '../parse';
import { LAYOUTS, layoutOfRatingsFile, MOVIELENS, type Layout } from './layouts';
import type { Opened } from './opened';
import type { MovieLensName } from './spec';

const isFile = async (path: string) => (await stat(path).catch(() => undefined))?.isFile() ?? false;
/** Opened only when read: a local file may be parsed by path instead (parseRatingsFile). */
const chunksOf = (path: string): AsyncIterable<Uint8Array> => ({
  [Symbol.asyncIterator]: () => createReadStream(path, { highWaterMark: 1 << 20 })[Symbol.asyncIterator](),
});

/**
 * Opens a local source: a ratings file, a folder with a MovieLens layout (u.data +
 * u.item, ratings.dat + movies.dat, ratings.csv + movies.csv), or a zip (a MovieLens
 * release named after itself, or your own). A ratings file named like a layout's picks
 * up its movies file from the same folder unless catalogPath says otherwise.
 */
export async function openLocal(
  spec: { path: string; format?: RatingsFormat; schema?: InteractionsFormat; catalogPath?: string },
): Promise<Opened> {
  const found = await stat(spec.path).catch(() => undefined);
  if (!found) throw new DataError(`${spec.path}: no such file or folder`);
  const schema = { ...(spec.schema ? { schema: spec.schema } : {}), ...(spec.format ? { format: spec.format } : {}) };

  let ratingsPath = spec.path;
  let layout: Layout | undefined;
  let name: string;
  if (found.isDirectory()) {
    for (const candidate of Object.values(LAYOUTS)) {
      if (await isFile(join(spec.path, candidate.ratings))) {
        layout = candidate;
        break;
      }
    }
    if (!layout) {
      const names = Object.values(LAYOUTS).map((l) => l.ratings).join(', ');
      throw new DataError(`${spec.path}: a folder with none of ${names}`);
    }
    ratingsPath = join(spec.path, layout.ratings);
    name = basename(spec.path);
  } else if (extname(spec.path).toLowerCase() === '.zip') {
    name = basename(spec.path, extname(spec.path));
    const release = MOVIELENS[name as MovieLensName];
    return { name, source: spec.path, fileName: basename(spec.path), chunks: chunksOf(spec.path), size: found.size, ...(release ? { release } : {}), ...schema };
  } else {
    layout = layoutOfRatingsFile(basename(spec.path));
    name = layout ? basename(dirname(spec.path)) : basename(spec.path, extname(spec.path));
  }

  let catalogPath = spec.catalogPath;
  if (catalogPath !== undefined && !(await isFile(catalogPath))) throw new DataError(`${catalogPath}: no such catalogue file`);
  if (catalogPath === undefined && layout && (await isFile(join(dirname(ratingsPath), layout.catalog)))) {
    catalogPath = join(dirname(ratingsPath), layout.catalog);
  }
  const size = ratingsPath === spec.path ? found.size : (await stat(ratingsPath)).size;
  return {
    name,
    source: spec.path,
    fileName: basename(ratingsPath),
    chunks: chunksOf(ratingsPath),
    path: ratingsPath,
    size,
    ...schema,
    ...(catalogPath !== undefined
      ? { catalog: async () => ({ name: catalogPath, fileName: basename(catalogPath), chunks: chunksOf(catalogPath) }) }
      : {}),
  };
}
