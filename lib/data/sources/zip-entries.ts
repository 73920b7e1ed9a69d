import { Readable, pipeline } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { Unzip, UnzipInflate, UnzipPassThrough, type UnzipDecoder, type UnzipFile } from 'fflate';
import { DataError } from '../errors';

/** The zip itself is unreadable: truncated, corrupt, or not a zip (a cached copy is worth dropping). */
export class ZipError extends DataError {}

export interface ZipSelection {
  /** The big entry, streamed out as it inflates. */
  main: AsyncIterable<Uint8Array>;
  /** The small side entry (collected whole), once `main` has been read to its end. */
  side(): { name: string; bytes: Uint8Array } | undefined;
}

/** Which entries to pick: by exact file name (any folder), or by a test of the file name. */
export type EntryMatch = string | ((baseName: string) => boolean);

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * Streams one entry out of a zip that arrives as chunks (a download, an S3 object, a
 * file), without holding the zip or writing it out. fflate's streaming Unzip reads the
 * local headers in order and hands over the main entry's stored bytes, which Node's
 * zlib inflates (native, and off the main thread, so inflating overlaps parsing).
 * Entries are picked by file name (any folder); a side entry (the movies file) is
 * inflated by fflate and collected whole wherever it sits. Entries we do not want are
 * skipped without inflating. Reading `main` drives the whole zip, so `side()` is only
 * complete after `main` ends. A truncated or corrupt zip throws a ZipError naming `what`.
 */
export function selectZipEntries(
  source: AsyncIterable<Uint8Array>,
  what: string,
  mainFile: EntryMatch,
  sideFile?: EntryMatch,
  /** The side entry is collected whole: past this many inflated bytes the zip is refused. */
  maxSideBytes = Infinity,
): ZipSelection {
  let sideBytes = 0;
  const matches = (m: EntryMatch, base: string) => (typeof m === 'string' ? base === m : m(base));
  const describeMain = typeof mainFile === 'string' ? mainFile : 'ratings file';
  // Picked by a test, the main entry must be the only one that passes: the whole zip is read to know.
  const mustBeOnly = typeof mainFile !== 'string';
  const alsoMain: string[] = [];
  let mainPath: string | undefined;
  let mainCompression = -1;
  let mainEnded = false;
  let sidePath: string | undefined;
  let sideEnded = false;
  const sideChunks: Uint8Array[] = [];
  const stored: Uint8Array[] = [];
  let failure: Error | undefined;
  let entries = 0;

  const roles = new Map<string, 'main' | 'side'>();
  const roleOf = (name: string): 'main' | 'side' | undefined => {
    if (name.startsWith('__MACOSX/')) return undefined;
    const base = baseName(name);
    if (base === '' || base.startsWith('.')) return undefined;
    if (sideFile !== undefined && matches(sideFile, base) && sidePath === undefined) return 'side';
    if (matches(mainFile, base)) {
      if (mainPath === undefined) return 'main';
      alsoMain.push(name);
    }
    return undefined;
  };

  const unzip = new Unzip((file: UnzipFile) => {
    entries++;
    const role = roleOf(file.name);
    if (role === 'main') {
      mainPath = file.name;
      mainCompression = file.compression;
    }
    if (role === 'side') sidePath = file.name;
    if (role) roles.set(file.name, role);
    file.ondata = (err, data, final) => {
      if (err) {
        failure ??= new ZipError(`${what}: cannot read ${file.name}: ${err.message}`);
        return;
      }
      if (role === 'main') {
        if (data.length) stored.push(data);
        if (final) mainEnded = true;
      } else if (role === 'side') {
        sideBytes += data.length;
        if (sideBytes > maxSideBytes) {
          failure ??= new DataError(
            `${what}: ${file.name} inflates past ${Math.round(maxSideBytes / 2 ** 20)} MB; raise DATA_MAX_ITEMS_FILE_MB if it really is that big`,
          );
          return;
        }
        if (data.length) sideChunks.push(data);
        if (final) sideEnded = true;
      }
    };
    // Starting every entry keeps fflate from buffering the skipped ones; the decoders
    // below drop their bytes.
    file.start();
  });
  /** Per entry: the main one's bytes pass through as stored, the side one inflates, the rest are dropped. */
  const decoder = (Inflater: new () => UnzipDecoder, compression: number) =>
    class {
      static compression = compression;
      ondata: UnzipDecoder['ondata'] = () => undefined;
      private readonly inner: UnzipDecoder | undefined;
      private readonly keep: boolean;
      constructor(name: string) {
        const role = roles.get(name);
        this.keep = role === 'main';
        if (role === 'side') {
          this.inner = new Inflater();
          this.inner.ondata = (err, data, final) => this.ondata(err, data, final);
        }
      }
      push(chunk: Uint8Array, final: boolean): void {
        if (this.inner) this.inner.push(chunk, final);
        else if (this.keep) this.ondata(null, chunk as Uint8Array<ArrayBuffer>, final);
        else if (final) this.ondata(null, new Uint8Array(0), true);
      }
    };
  unzip.register(decoder(UnzipInflate, 8));
  unzip.register(decoder(UnzipPassThrough, 0));

  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final);
    } catch (err) {
      failure ??= new ZipError(`${what}: not a readable zip, or cut short (${err instanceof Error ? err.message : String(err)})`);
    }
    if (failure) throw failure;
  };

  /** The main entry's bytes as stored in the zip. */
  async function* storedBytes(): AsyncGenerator<Uint8Array> {
    let done = false;
    for await (const chunk of source) {
      push(chunk, false);
      while (stored.length) yield stored.shift()!;
      if (mainEnded && (sideFile === undefined || sideEnded) && !mustBeOnly) {
        done = true;
        break;
      }
    }
    if (!done) push(new Uint8Array(0), true);
    while (stored.length) yield stored.shift()!;
    if (entries === 0) throw new ZipError(`${what}: not a zip (no entries found)`);
    if (mainPath === undefined) throw new DataError(`${what}: the zip holds no ${describeMain}`);
    if (!mainEnded) throw new ZipError(`${what}: the zip ends inside ${mainPath} (truncated?)`);
    if (alsoMain.length) {
      throw new DataError(`${what}: the zip holds more than one ratings file (${[mainPath, ...alsoMain].join(', ')}); unzip it and pass the one to read`);
    }
  }

  async function* main(): AsyncGenerator<Uint8Array> {
    const bytes = storedBytes();
    const first = await bytes.next();
    if (first.done) return;
    if (mainCompression === 0) {
      yield first.value;
      yield* bytes;
      return;
    }
    const inflater = createInflateRaw({ chunkSize: 256 * 1024 });
    pipeline(Readable.from(prepend(first.value, bytes)), inflater, () => undefined);
    try {
      for await (const chunk of inflater as AsyncIterable<Buffer>) yield chunk;
    } catch (err) {
      if (err instanceof DataError) throw err;
      throw new ZipError(`${what}: cannot inflate ${mainPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  return {
    main: main(),
    side: () => (sidePath !== undefined && sideEnded ? { name: sidePath, bytes: concat(sideChunks) } : undefined),
  };
}

async function* prepend(first: Uint8Array, rest: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield first;
  yield* rest;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Passes a download through, keeping its last bytes; at the end throws a ZipError if
 * they are not the end of a zip, so a consumer (a cache write) never completes with a
 * truncated zip.
 */
export async function* checkedZip(chunks: AsyncIterable<Uint8Array>, what: string): AsyncGenerator<Uint8Array> {
  let tail = new Uint8Array(0);
  for await (const chunk of chunks) {
    if (chunk.length >= ZIP_TAIL_BYTES) tail = chunk.slice(chunk.length - ZIP_TAIL_BYTES);
    else {
      const keep = Math.min(tail.length, ZIP_TAIL_BYTES - chunk.length);
      const next = new Uint8Array(keep + chunk.length);
      next.set(tail.subarray(tail.length - keep));
      next.set(chunk, keep);
      tail = next;
    }
    yield chunk;
  }
  if (!endsLikeZip(tail)) throw new ZipError(`${what}: the download is not a complete zip (truncated?)`);
}

/** True when the bytes end with a zip's end-of-central-directory record (a complete zip). */
export function endsLikeZip(tail: Uint8Array): boolean {
  // The record is 22 bytes plus a comment of up to 65,535.
  for (let i = tail.length - 22; i >= 0 && i >= tail.length - 22 - 0xffff; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) {
      const commentLength = tail[i + 20]! | (tail[i + 21]! << 8);
      if (i + 22 + commentLength === tail.length) return true;
    }
  }
  return false;
}

/** Bytes a tail must have for endsLikeZip to decide. */
export const ZIP_TAIL_BYTES = 22 + 0xffff;
