import type { ConcreteRatingsFormat } from './parse/types';
import { COLON, COMMA, CR, NL, SPACE, TAB } from './parse/bytes';

/**
 * Guesses a ratings file's format from its first bytes: the separator found in most
 * of the first (up to 20) non-blank lines wins, '::' before tab before comma before
 * plain whitespace. Undefined when no line has any of them.
 */
export function detectRatingsFormat(head: Uint8Array): ConcreteRatingsFormat | undefined {
  const votes = { dat: 0, tsv: 0, csv: 0, whitespace: 0 };
  let start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  let seen = 0;
  while (start < head.length && seen < 20) {
    let end = head.indexOf(NL, start);
    if (end === -1) end = head.length;
    const kind = lineSeparator(head, start, end);
    if (kind) {
      votes[kind]++;
      seen++;
    }
    start = end + 1;
  }
  let best: ConcreteRatingsFormat | undefined;
  for (const kind of ['dat', 'tsv', 'csv', 'whitespace'] as const) {
    if (votes[kind] > 0 && (!best || votes[kind] > votes[best])) best = kind;
  }
  return best;
}

function lineSeparator(b: Uint8Array, start: number, end: number): ConcreteRatingsFormat | undefined {
  let tab = false;
  let comma = false;
  let space = false;
  for (let p = start; p < end; p++) {
    const c = b[p]!;
    if (c === COLON && b[p + 1] === COLON && p + 1 < end) return 'dat';
    if (c === TAB) tab = true;
    else if (c === COMMA) comma = true;
    else if (c === SPACE && p > start && p + 1 < end && b[p + 1] !== CR) space = true;
  }
  return tab ? 'tsv' : comma ? 'csv' : space ? 'whitespace' : undefined;
}
