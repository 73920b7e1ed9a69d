import type { Readable } from 'node:stream';
import type { Catalog } from '../dataset';
import { DataError } from '../errors';
import { parseCatalog, type InteractionsFormat, type RatingsFormat } from '../parse';
import { ObjectStore } from '../../storage/object-store';
import { createS3Client, parseS3Url } from '../../storage/s3-client';
import type { LoadedDataset, SourceContext } from './context';
import { catalogFormatOf, layoutOfRatingsFile, MOVIELENS, ratingsFormatOf } from './layouts';
import { catalogFromBytes, readOwnZip, readRatings, sizeHintForBytes } from './read';
import type { MovieLensName } from './spec';
import { selectZipEntries } from './zip-entries';

const baseName = (key: string) => key.slice(key.lastIndexOf('/') + 1);

/** The store for a bucket: ctx.store if it is that bucket's, else a new one on the same client. */
export function storeFor(bucket: string, ctx: SourceContext): ObjectStore {
  if (ctx.store?.bucket === bucket) return ctx.store;
  return new ObjectStore(bucket, ctx.store?.client ?? createS3Client());
}

async function openObject(store: ObjectStore, key: string, url: string): Promise<{ stream: Readable; size: number } | undefined> {
  try {
    return await store.getStream(key);
  } catch (err) {
    throw new DataError(`${url}: cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * An s3:// ratings object (any format parseRatings reads; a MovieLens release zip named
 * after its release also works). A ratings object named like a MovieLens layout
 * (ratings.csv...) picks up its movies object beside it, if there is one.
 */
export async function loadS3(
  spec: { url: string; format?: RatingsFormat; schema?: InteractionsFormat; catalogUrl?: string },
  ctx: SourceContext,
): Promise<LoadedDataset> {
  const { bucket, key } = parseS3Url(spec.url);
  const store = storeFor(bucket, ctx);
  const file = baseName(key);
  const object = await openObject(store, key, spec.url);
  if (!object) throw new DataError(`${spec.url}: no such object`);
  const { stream } = object;

  if (file.toLowerCase().endsWith('.zip')) {
    const name = file.slice(0, -4) as MovieLensName;
    const release = MOVIELENS[name];
    if (!release) return readOwnZip(stream, spec.url, name, spec.schema, ctx);
    const { layout } = release;
    const entries = selectZipEntries(stream, spec.url, layout.ratings, layout.catalog);
    return readRatings(
      entries.main,
      { name, source: spec.url, format: layout.ratingsFormat, scale: release.scale, sizeHint: release.ratings },
      ctx,
      async () => {
        const movies = entries.side();
        return movies ? catalogFromBytes(movies.bytes, layout.catalogFormat, `${spec.url}/${layout.catalog}`, ctx) : undefined;
      },
    );
  }

  const layout = layoutOfRatingsFile(file);
  const catalogUrl = spec.catalogUrl ?? (layout ? `s3://${bucket}/${key.slice(0, key.length - file.length)}${layout.catalog}` : undefined);
  const catalog = async (ids: 'int' | 'string'): Promise<Catalog | undefined> => {
    if (catalogUrl === undefined) return undefined;
    const where = parseS3Url(catalogUrl);
    const movies = await openObject(storeFor(where.bucket, ctx), where.key, catalogUrl);
    if (!movies) {
      if (spec.catalogUrl !== undefined) throw new DataError(`${catalogUrl}: no such object`);
      return undefined;
    }
    return parseCatalog(movies.stream, catalogFormatOf(baseName(where.key)), {
      name: catalogUrl,
      ids,
      ...(ctx.log ? { onWarning: ctx.log } : {}),
    });
  };
  const parent = key.split('/').at(-2);
  const name = layout && parent ? parent : file.replace(/\.[^.]+$/, '');
  const sizeHint = sizeHintForBytes(object.size);
  const format = spec.format ?? layout?.ratingsFormat ?? ratingsFormatOf(file);
  const input = { name, source: spec.url, format, ...(spec.schema ? { schema: spec.schema } : {}), ...(sizeHint ? { sizeHint } : {}) };
  return readRatings(stream, input, ctx, catalog);
}
