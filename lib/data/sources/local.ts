import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Catalog } from '../dataset';
import { DataError } from '../errors';
import { parseCatalog, type InteractionsFormat, type RatingsFormat } from '../parse';
import type { LoadedDataset, SourceContext } from './context';
import { catalogFormatOf, LAYOUTS, layoutOfRatingsFile, MOVIELENS, ratingsFormatOf, type Layout } from './layouts';
import { catalogFromBytes, readOwnZip, readRatings, sizeHintForBytes } from './read';
import type { MovieLensName } from './spec';
import { selectZipEntries } from './zip-entries';

const isFile = async (path: string) => (await stat(path).catch(() => undefined))?.isFile() ?? false;
const chunksOf = (path: string) => createReadStream(path, { highWaterMark: 1 << 20 });

/**
 * A local ratings file, a folder with a MovieLens layout (u.data + u.item,
 * ratings.dat + movies.dat, ratings.csv + movies.csv), or a MovieLens release zip
 * (`ml-1m.zip`...). A ratings file named like a layout's picks up its movies file
 * from the same folder unless catalogPath says otherwise.
 */
export async function loadLocal(
  spec: { path: string; format?: RatingsFormat; schema?: InteractionsFormat; catalogPath?: string },
  ctx: SourceContext,
): Promise<LoadedDataset> {
  const found = await stat(spec.path).catch(() => undefined);
  if (!found) throw new DataError(`${spec.path}: no such file or folder`);

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
  } else {
    if (extname(spec.path).toLowerCase() === '.zip') return loadLocalZip(spec.path, spec.schema, ctx);
    layout = layoutOfRatingsFile(basename(spec.path));
    name = layout ? basename(dirname(spec.path)) : basename(spec.path, extname(spec.path));
  }

  let catalogPath = spec.catalogPath;
  if (catalogPath !== undefined && !(await isFile(catalogPath))) throw new DataError(`${catalogPath}: no such catalogue file`);
  if (catalogPath === undefined && layout && (await isFile(join(dirname(ratingsPath), layout.catalog)))) {
    catalogPath = join(dirname(ratingsPath), layout.catalog);
  }
  const catalog = async (ids: 'int' | 'string'): Promise<Catalog | undefined> =>
    catalogPath === undefined
      ? undefined
      : parseCatalog(chunksOf(catalogPath), catalogFormatOf(basename(catalogPath)), {
          name: catalogPath,
          ids,
          ...(ctx.log ? { onWarning: ctx.log } : {}),
        });
  const sizeHint = sizeHintForBytes((await stat(ratingsPath)).size);
  return readRatings(
    chunksOf(ratingsPath),
    {
      name,
      source: spec.path,
      format: spec.format ?? layout?.ratingsFormat ?? ratingsFormatOf(ratingsPath),
      ...(spec.schema ? { schema: spec.schema } : {}),
      ...(sizeHint ? { sizeHint } : {}),
    },
    ctx,
    catalog,
  );
}

/** A zip on disk: a MovieLens release named after itself (ml-1m.zip), or any zip holding one ratings file and maybe an items file. */
async function loadLocalZip(path: string, schema: InteractionsFormat | undefined, ctx: SourceContext): Promise<LoadedDataset> {
  const name = basename(path, extname(path));
  const release = MOVIELENS[name as MovieLensName];
  if (!release) return readOwnZip(chunksOf(path), path, name, schema, ctx);
  const { layout } = release;
  const entries = selectZipEntries(chunksOf(path), path, layout.ratings, layout.catalog);
  return readRatings(
    entries.main,
    { name, source: path, format: layout.ratingsFormat, scale: release.scale, sizeHint: release.ratings },
    ctx,
    async () => {
      const movies = entries.side();
      return movies ? catalogFromBytes(movies.bytes, layout.catalogFormat, `${path}/${layout.catalog}`, ctx) : undefined;
    },
  );
}
