import { createReadStream } from 'node:fs';
import { RatingsParser, type ParsePlan, type RangePart } from './ratings';
import type { ParseOptions } from './types';

/** One range [start, end) of a ratings file that starts on a line and ends after a '\n' (or at the end of the file). */
export interface RangeJob {
  path: string;
  start: number;
  end: number;
  /** The parse options, without callbacks (they do not cross threads). */
  options: Omit<ParseOptions, 'onWarning'>;
  plan: ParsePlan;
}

export const READ_CHUNK_BYTES = 1 << 20;

/** Parses a range other than the file's first with the file's plan (no header, no BOM). */
export async function parseFileRange(job: RangeJob): Promise<RangePart> {
  // Every rating line takes at least 6 bytes, so this hint is never too small.
  const parser = new RatingsParser({ ...job.options, sizeHint: Math.ceil((job.end - job.start) / 6) + 1 }, { plan: job.plan, header: false });
  for await (const chunk of createReadStream(job.path, { start: job.start, end: job.end - 1, highWaterMark: READ_CHUNK_BYTES })) {
    parser.push(chunk as Uint8Array);
  }
  return parser.part();
}

/** The buffers of a part, to transfer rather than copy between threads. */
export function partBuffers(part: RangePart): ArrayBuffer[] {
  const { rows } = part;
  const ids = [part.userIds, part.itemIds].flatMap((p) => (p.kind === 'int' ? [p.ids] : [p.bytes, p.starts]));
  return [rows.users, rows.items, rows.ratings, rows.times, ...ids].filter((a) => a !== undefined).map((a) => a.buffer as ArrayBuffer);
}
