import type { Readable } from 'node:stream';
import { DataError } from '../errors';
import type { InteractionsFormat, RatingsFormat } from '../parse';
import { ObjectStore } from '../../storage/object-store';
import { createS3Client, parseS3Url } from '../../storage/s3-client';
import type { SourceContext } from './context';
import { layoutOfRatingsFile, MOVIELENS } from './layouts';
import type { Opened } from './opened';
import type { MovieLensName } from './spec';

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
 * Opens an s3:// object: a ratings file (a MovieLens layout name picks up its movies
 * object beside it, if there is one), or a zip (a MovieLens release named after itself,
 * or your own).
 */
export async function openS3(spec: { url: string; format?: RatingsFormat; schema?: InteractionsFormat; catalogUrl?: string }, ctx: SourceContext): Promise<Opened> {
  const { bucket, key } = parseS3Url(spec.url);
  const store = storeFor(bucket, ctx);
  const file = baseName(key);
  const object = await openObject(store, key, spec.url);
  if (!object) throw new DataError(`${spec.url}: no such object`);
  const schema = { ...(spec.schema ? { schema: spec.schema } : {}), ...(spec.format ? { format: spec.format } : {}) };
  const opened = { source: spec.url, fileName: file, chunks: object.stream, size: object.size, ...schema };

  if (file.toLowerCase().endsWith('.zip')) {
    const name = file.slice(0, -4);
    const release = MOVIELENS[name as MovieLensName];
    return { ...opened, name, ...(release ? { release } : {}) };
  }
  const layout = layoutOfRatingsFile(file);
  const catalogUrl = spec.catalogUrl ?? (layout ? `s3://${bucket}/${key.slice(0, key.length - file.length)}${layout.catalog}` : undefined);
  const parent = key.split('/').at(-2);
  const name = layout && parent ? parent : file.replace(/\.[^.]+$/, '');
  if (catalogUrl === undefined) return { ...opened, name };
  return {
    ...opened,
    name,
    catalog: async () => {
      const where = parseS3Url(catalogUrl);
      const movies = await openObject(storeFor(where.bucket, ctx), where.key, catalogUrl);
      if (!movies) {
        if (spec.catalogUrl !== undefined) throw new DataError(`${catalogUrl}: no such object`);
        return undefined;
      }
      return { name: catalogUrl, fileName: baseName(where.key), chunks: movies.stream };
    },
  };
}
