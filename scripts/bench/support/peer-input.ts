/**
 * The peers' input: plain `user item value` text, one rating a line, single spaces,
 * with our Dataset's dense 0-based indices as ids (LIBMF and implicit size their
 * matrices by the largest id, and both read 0-based ids). Written from the Dataset our
 * parser made of the bench's --input, so the peer trains on exactly the ratings we
 * train on (repeated pairs already resolved), whatever the original layout was.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Dataset } from '../../../lib/data/dataset';

type Triples = Pick<Dataset, 'users' | 'items' | 'ratings'>;

/** The shortest decimal that reads back as the same float32 (ratings are float32). */
export function formatValue(x: number): string {
  if (Number.isInteger(x)) return String(x);
  for (let digits = 6; digits < 9; digits++) {
    const text = String(Number(x.toPrecision(digits)));
    if (Math.fround(Number(text)) === x) return text;
  }
  return String(Number(x.toPrecision(9)));
}

/** Lines [start, end) of the peer file, each ending in '\n'. */
export function peerLines(d: Triples, start: number, end: number): string {
  const lines = new Array<string>(end - start);
  for (let r = start; r < end; r++) lines[r - start] = `${d.users[r]} ${d.items[r]} ${formatValue(d.ratings[r]!)}\n`;
  return lines.join('');
}

/** Writes the whole data set as a peer file at `path`. */
export function writePeerInput(d: Dataset, path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (let start = 0; start < d.size; start += 1 << 16) writeSync(fd, peerLines(d, start, Math.min(d.size, start + (1 << 16))));
  } finally {
    closeSync(fd);
  }
}
