import { COLON, COMMA, CR, NL, SPACE, TAB } from './parse/bytes';
import type { SeparatorText } from './parse/slow-line';

const SEMICOLON = 0x3b;
const PIPE = 0x7c;
/** When a line has several, the first of these is its separator. */
const PRIORITY: readonly SeparatorText[] = ['::', '\t', ',', ';', '|', ' '];

/**
 * Guesses a ratings file's separator from its first bytes: the separator found in most
 * of the first (up to 20) non-blank lines wins, in PRIORITY order on a tie. Undefined
 * when no line has any of them.
 */
export function detectSeparator(head: Uint8Array): SeparatorText | undefined {
  const votes = new Map<SeparatorText, number>();
  let start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  let seen = 0;
  while (start < head.length && seen < 20) {
    let end = head.indexOf(NL, start);
    if (end === -1) end = head.length;
    const sep = lineSeparator(head, start, end);
    if (sep) {
      votes.set(sep, (votes.get(sep) ?? 0) + 1);
      seen++;
    }
    start = end + 1;
  }
  let best: SeparatorText | undefined;
  for (const sep of PRIORITY) if ((votes.get(sep) ?? 0) > (best ? votes.get(best)! : 0)) best = sep;
  return best;
}

function lineSeparator(b: Uint8Array, start: number, end: number): SeparatorText | undefined {
  const found = new Set<SeparatorText>();
  for (let p = start; p < end; p++) {
    const c = b[p]!;
    if (c === COLON && b[p + 1] === COLON && p + 1 < end) return '::';
    if (c === TAB) found.add('\t');
    else if (c === COMMA) found.add(',');
    else if (c === SEMICOLON) found.add(';');
    else if (c === PIPE) found.add('|');
    else if (c === SPACE && p > start && p + 1 < end && b[p + 1] !== CR) found.add(' ');
  }
  return PRIORITY.find((sep) => found.has(sep));
}
