import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerSource } from '../../threads/worker-source';
import { NL } from './bytes';
import { READ_CHUNK_BYTES, type RangeJob } from './file-range';
import { parseRatings, planParse, RatingsParser, SNIFF_BYTES, type RangePart } from './ratings';
import type { ParseOptions, ParseResult } from './types';

/** Below this a file is parsed on one thread: starting a worker costs more than it saves. */
const PARALLEL_MIN_BYTES = 64 << 20;
const MAX_THREADS = 4;
/** A range boundary is moved to the next line start within this many bytes, or dropped (a longer line is a bad line anyway). */
const BOUNDARY_SEARCH_BYTES = 1 << 20;

export const BUNDLED_RANGE_WORKER_NAME = 'parse-worker.mjs';

export interface FileParseOptions extends ParseOptions {
  /** Threads to parse with (default: the cores, at most 4); 1 reads the file as one stream. */
  threads?: number;
  /** Gets every byte of the file, in order (to hash it), whichever way it is parsed. */
  onBytes?: (chunk: Uint8Array) => void;
  /** Files smaller than this are parsed on one thread (default 64 MiB). */
  minParallelBytes?: number;
}

/**
 * Parses a local ratings file. A large file is cut into line-aligned
 * ranges parsed at once, the first on this thread, the rest on worker threads with the
 * same plan (separator and layout, decided from the file's first chunk exactly as a
 * stream parse decides it), and the ranges are joined in file order: ids interned in
 * first appearance, bad lines numbered in the file, duplicates resolved over the whole
 * file. The result is the one parseRatings gives for the same bytes. A small file, or
 * one thread, is read as one stream.
 */
export async function parseRatingsFile(path: string, options: FileParseOptions = {}): Promise<ParseResult> {
  const { threads = Math.min(MAX_THREADS, availableParallelism()), onBytes, minParallelBytes = PARALLEL_MIN_BYTES, ...parse } = options;
  const { size } = await stat(path);
  const sizeHint = parse.sizeHint ?? Math.ceil(size / 6) + 1;
  const { ranges, head } = threads > 1 && size >= minParallelBytes ? await lineRanges(path, size, threads) : { ranges: [], head: undefined };
  const plan = ranges.length > 1 ? planParse(head!, parse, size < SNIFF_BYTES) : undefined;
  if (!plan) {
    return parseRatings(tapped(createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }), onBytes), { ...parse, sizeHint });
  }
  const { onWarning: _callback, ...portable } = parse;
  const workers = ranges.slice(1).map(([start, end]) => startRange({ path, start, end, options: portable, plan }));
  try {
    const first = new RatingsParser({ ...parse, sizeHint }, { plan, header: true });
    const firstEnd = ranges[0]![1];
    for await (const chunk of tapped(createReadStream(path, { start: 0, end: firstEnd - 1, highWaterMark: READ_CHUNK_BYTES }), onBytes)) {
      first.push(chunk);
    }
    if (onBytes) for await (const chunk of createReadStream(path, { start: firstEnd, highWaterMark: READ_CHUNK_BYTES })) onBytes(chunk as Uint8Array);
    for (const worker of workers) first.absorb(await worker.part);
    return first.end();
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

async function* tapped(chunks: AsyncIterable<Buffer | string>, onBytes: ((chunk: Uint8Array) => void) | undefined): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    const bytes = chunk as Uint8Array;
    onBytes?.(bytes);
    yield bytes;
  }
}

/**
 * About equal [start, end) ranges, each starting on a line (a boundary with no line start
 * near it is dropped), and the file's first chunk, which a stream parse would decide the
 * plan from.
 */
async function lineRanges(path: string, size: number, count: number): Promise<{ ranges: Array<[number, number]>; head: Uint8Array }> {
  const file = await open(path);
  try {
    const head = new Uint8Array(Math.min(size, READ_CHUNK_BYTES));
    const { bytesRead: headBytes } = await file.read(head, 0, head.length, 0);
    const starts = [0];
    const window = new Uint8Array(BOUNDARY_SEARCH_BYTES);
    for (let k = 1; k < count; k++) {
      const from = Math.floor((size * k) / count);
      if (from <= starts[starts.length - 1]!) continue;
      const { bytesRead } = await file.read(window, 0, window.length, from - 1);
      const nl = window.subarray(0, bytesRead).indexOf(NL);
      if (nl !== -1 && from + nl < size) starts.push(from + nl);
    }
    return { ranges: starts.map((start, k) => [start, starts[k + 1] ?? size]), head: head.subarray(0, headBytes) };
  } finally {
    await file.close();
  }
}

interface RunningRange {
  part: Promise<RangePart>;
  stop(): Promise<void>;
}

function startRange(job: RangeJob): RunningRange {
  const here = import.meta.url as string | undefined;
  const src = workerSource({ from: here, source: './range-worker.ts', bundled: BUNDLED_RANGE_WORKER_NAME, override: process.env.PARSE_WORKER });
  const worker = new Worker(src.code, { eval: src.eval, workerData: job });
  const part = new Promise<RangePart>((resolve, reject) => {
    worker.once('message', (m: { part: RangePart } | { error: string }) => ('part' in m ? resolve(m.part) : reject(new Error(m.error))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the parse worker of bytes ${job.start}-${job.end} exited with code ${code}`)));
  });
  // Awaited in order by the caller; a failure of a later range must not go unhandled meanwhile.
  part.catch(() => undefined);
  return { part, stop: async () => void (await worker.terminate()) };
}
