import { DataError } from '../errors';
import type { InteractionsFormat, RatingsFormat } from '../parse';
import type { SyntheticSpec } from '../synthetic';

export const MOVIELENS_NAMES = ['ml-100k', 'ml-1m', 'ml-10m', 'ml-20m', 'ml-25m', 'ml-latest-small'] as const;
export type MovieLensName = (typeof MOVIELENS_NAMES)[number];

/** Where ratings come from. */
export type SourceSpec =
  | { kind: 'movielens'; name: MovieLensName }
  /** A ratings file (or a MovieLens .zip), or a folder holding a MovieLens layout. */
  | { kind: 'file'; path: string; format?: RatingsFormat; schema?: InteractionsFormat; catalogPath?: string }
  | { kind: 's3'; url: string; format?: RatingsFormat; schema?: InteractionsFormat; catalogUrl?: string }
  | ({ kind: 'synthetic' } & SyntheticSpec);

/** The PoC's `-e` example numbers. */
export const EXAMPLES: Record<'1' | '10' | '20', MovieLensName> = { '1': 'ml-1m', '10': 'ml-10m', '20': 'ml-20m' };

/**
 * `npm start`'s data: planted, 10,000 users x 1,000 movies, about 50 ratings per user
 * (long-tailed), about 500,000 ratings, rank 2, taste deciding which movies a user rates
 * (the generator's default), so a ranking model has real structure to find. For the
 * rating check (SVD within 5% of the generator's best RMSE) see the README: that needs
 * more ratings per user and a milder taste, since choosing by taste biases the ratings.
 */
export const DEFAULT_SYNTHETIC: SourceSpec = {
  kind: 'synthetic',
  users: 10_000,
  movies: 1_000,
  perUser: 50,
  seed: 7,
  mode: 'planted',
  dim: 2,
  noise: 0.3,
  titles: true,
};

const SYNTHETIC_KEYS: Record<string, keyof SyntheticSpec> = {
  users: 'users',
  movies: 'movies',
  peruser: 'perUser',
  'per-user': 'perUser',
  seed: 'seed',
  mode: 'mode',
  dim: 'dim',
  noise: 'noise',
  taste: 'taste',
  titles: 'titles',
};

/**
 * Reads a source from text: `ml-1m` (or the PoC's example numbers 1, 10, 20),
 * `s3://bucket/key.csv`, `synthetic` (DEFAULT_SYNTHETIC), `synthetic:users=10000,
 * movies=1000,perUser=30,seed=7,mode=planted` (over DEFAULT_SYNTHETIC), or else a
 * local path (`file:` prefix optional).
 */
export function parseSource(text: string): SourceSpec {
  const t = text.trim();
  if (!t) throw new DataError('empty data source');
  if ((MOVIELENS_NAMES as readonly string[]).includes(t)) return { kind: 'movielens', name: t as MovieLensName };
  if (t in EXAMPLES) return { kind: 'movielens', name: EXAMPLES[t as keyof typeof EXAMPLES] };
  if (/^ml-[a-z0-9-]+$/i.test(t)) {
    throw new DataError(`unknown MovieLens data set '${t}'; known: ${MOVIELENS_NAMES.join(', ')}`);
  }
  if (t.startsWith('s3://')) {
    if (!/^s3:\/\/[^/]+\/.+/.test(t)) throw new DataError(`not an s3:// URL with a bucket and a key: ${t}`);
    return { kind: 's3', url: t };
  }
  if (/^https?:\/\//i.test(t)) {
    throw new DataError(`http(s) sources are not supported (${t}); use a MovieLens name, an s3:// URL or a local path`);
  }
  if (t === 'synthetic' || t.startsWith('synthetic:')) return parseSynthetic(t.slice('synthetic:'.length));
  return { kind: 'file', path: t.startsWith('file:') ? t.slice('file:'.length) : t };
}

/**
 * The source with a declared format (columns, separator, header...): only files and S3
 * objects have one to declare; MovieLens releases and the generator refuse it.
 */
export function withFormat(spec: SourceSpec, format: InteractionsFormat | undefined, items?: string): SourceSpec {
  const hasFormat = format !== undefined && Object.keys(format).length > 0;
  if (!hasFormat && items === undefined) return spec;
  if (spec.kind === 'movielens' || spec.kind === 'synthetic') {
    const what = spec.kind === 'movielens' ? `the MovieLens release ${spec.name}` : 'synthetic data';
    throw new DataError(`a data format or an items file applies to files and s3:// objects, not to ${what}`);
  }
  const schema = hasFormat ? { schema: format } : {};
  if (items === undefined) return { ...spec, ...schema };
  const inS3 = items.startsWith('s3://');
  if (spec.kind === 's3' && inS3) return { ...spec, ...schema, catalogUrl: items };
  if (spec.kind === 'file' && !inS3) return { ...spec, ...schema, catalogPath: items.startsWith('file:') ? items.slice(5) : items };
  throw new DataError(`the items file (${items}) must be where the interactions are: ${spec.kind === 's3' ? 'an s3:// object' : 'a local file'}`);
}

function parseSynthetic(params: string): SourceSpec {
  const spec: Record<string, unknown> = { ...DEFAULT_SYNTHETIC };
  for (const part of params.split(',').map((p) => p.trim()).filter(Boolean)) {
    if (part === 'planted' || part === 'uniform') {
      spec.mode = part;
      continue;
    }
    const eq = part.indexOf('=');
    const key = SYNTHETIC_KEYS[(eq === -1 ? part : part.slice(0, eq)).toLowerCase()];
    if (eq === -1 || !key) {
      throw new DataError(`bad synthetic parameter '${part}'; use key=value with keys ${Object.keys(SYNTHETIC_KEYS).join(', ')}`);
    }
    const value = part.slice(eq + 1);
    if (key === 'mode') spec.mode = value;
    else if (key === 'titles') {
      if (value !== 'true' && value !== 'false') throw new DataError(`synthetic titles must be true or false, got '${value}'`);
      spec.titles = value === 'true';
    } else {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) throw new DataError(`synthetic ${key} must be a number, got '${value}'`);
      spec[key] = n;
    }
  }
  return spec as SourceSpec;
}
