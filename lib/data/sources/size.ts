import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../errors';
import { parseS3Url } from '../../storage/s3-client';
import type { SourceContext } from './context';
import { LAYOUTS, MOVIELENS } from './layouts';
import { storeFor } from './s3';
import type { SourceSpec } from './spec';

/**
 * How big a source is, found without reading it: in ratings where that is known before
 * reading (a MovieLens release's published count, the generator's users x perUser, the
 * same product DATA_MAX_SYNTHETIC_RATINGS caps), else in bytes as stored (an s3:// object's
 * ContentLength from one HeadObject, a local file's size). Bytes are not turned into
 * ratings here: a line's length depends on the format (ids, timestamps). A zip counts as the
 * text it holds, ZIP_INFLATION times its bytes.
 */
export type SourceSize = { unit: 'ratings' | 'bytes'; value: number; basis: string };

/**
 * Deflate shrinks ratings text 2.4-3.6x (gzip of ml-100k's u.data and ml-latest-small's
 * ratings.csv); 4 errs towards the larger engine.
 */
export const ZIP_INFLATION = 4;

function storedBytes(name: string, size: number, where: string): SourceSize {
  if (name.toLowerCase().endsWith('.zip')) return { unit: 'bytes', value: size * ZIP_INFLATION, basis: `${ZIP_INFLATION} x the ${size} bytes of the zip ${where}` };
  return { unit: 'bytes', value: size, basis: `size of ${where}` };
}

async function localSize(path: string): Promise<SourceSize> {
  const found = await stat(path).catch(() => undefined);
  if (!found) throw new DataError(`${path}: no such file or folder`);
  if (found.isFile()) return storedBytes(path, found.size, path);
  for (const layout of Object.values(LAYOUTS)) {
    const ratings = await stat(join(path, layout.ratings)).catch(() => undefined);
    if (ratings?.isFile()) return { unit: 'bytes', value: ratings.size, basis: `size of ${join(path, layout.ratings)}` };
  }
  throw new DataError(`${path}: a folder with none of ${Object.values(LAYOUTS).map((l) => l.ratings).join(', ')}`);
}

export async function estimateSourceSize(spec: SourceSpec, ctx: SourceContext = {}): Promise<SourceSize> {
  switch (spec.kind) {
    case 'movielens':
      return { unit: 'ratings', value: MOVIELENS[spec.name].ratings, basis: `${spec.name}'s published rating count` };
    case 'synthetic':
      return { unit: 'ratings', value: (spec.users ?? 0) * (spec.perUser ?? 0), basis: 'users x perUser of the generator' };
    case 's3': {
      const { bucket, key } = parseS3Url(spec.url);
      const head = await storeFor(bucket, ctx).head(key);
      if (!head) throw new DataError(`${spec.url}: no such object`);
      return storedBytes(key, head.size, spec.url);
    }
    case 'file':
      return localSize(spec.path);
  }
}
