import { MODELS_PREFIX } from '../artifacts/format';
import { BatchRequestError } from './errors';

/** Where a batch writes: a bucket and a key prefix that is empty or ends in '/'. */
export interface OutLocation {
  bucket: string;
  prefix: string;
}

// S3's rules for new buckets: 3-63 characters of a-z, 0-9, '.', '-', starting and ending with a letter or digit.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d+\.\d+\.\d+\.\d+$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Keys are at most 1,024 bytes; this leaves room for the part names. */
const MAX_PREFIX_BYTES = 960;

export const outUrl = (out: OutLocation, key = ''): string => `s3://${out.bucket}/${out.prefix}${key}`;

/** `s3://bucket/prefix/` (the trailing '/' is added when missing; no prefix writes at the bucket's top). */
export function parseOutLocation(url: string): OutLocation {
  const bad = (why: string) => new BatchRequestError(`--out / out must be s3://bucket/prefix/: ${JSON.stringify(url)} ${why}`);
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/s.exec(url);
  if (!m) throw bad('is not an s3:// URL');
  const bucket = m[1]!;
  let prefix = m[2] ?? '';
  if (!BUCKET.test(bucket) || bucket.includes('..') || IP_ADDRESS.test(bucket)) {
    throw bad(`does not name a valid bucket (3-63 of a-z 0-9 . -, starting and ending with a letter or digit)`);
  }
  if (CONTROL.test(prefix)) throw bad('has a control character in its prefix');
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  if (prefix !== '' && prefix.slice(0, -1).split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw bad("has an empty, '.' or '..' folder in its prefix");
  }
  if (Buffer.byteLength(prefix) > MAX_PREFIX_BYTES) throw bad(`has a prefix longer than ${MAX_PREFIX_BYTES} bytes`);
  return { bucket, prefix };
}

/** Refuses an output inside the model bucket's models/ folder, which holds only model versions. */
export function checkOutsideModels(out: OutLocation, modelBucket: string): void {
  if (out.bucket === modelBucket && (out.prefix === '' || out.prefix.startsWith(MODELS_PREFIX))) {
    throw new BatchRequestError(
      `--out / out ${outUrl(out)} is ${out.prefix === '' ? 'the top of' : 'inside models/ in'} the model bucket; give a prefix of its own, e.g. s3://${modelBucket}/batch/`,
    );
  }
}
