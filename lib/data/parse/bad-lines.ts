import { DataError } from '../errors';
import type { BadLine, BadLineReport } from './types';

const MAX_EXAMPLES = 5;
const MAX_QUOTED_CHARS = 200;
const textDecoder = new TextDecoder('utf-8');

/** Counts bad lines and keeps the first few, quoted, for the report. */
export class BadLineCollector {
  count = 0;
  readonly examples: BadLine[] = [];

  /** Records a bad line; bytes are decoded only while examples are still wanted. */
  addBytes(line: number, bytes: Uint8Array, start: number, end: number, reason: string): void {
    this.count++;
    if (this.examples.length < MAX_EXAMPLES) {
      this.examples.push({ line, text: decodeQuote(bytes, start, end), reason });
    }
  }

  add(line: number, text: string, reason: string): void {
    this.count++;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push({ line, text: clip(text), reason });
  }

  /** Counts another range's bad lines after this one's; its line numbers start `lineOffset` lines later. */
  absorb(other: BadLineReport, lineOffset: number): void {
    this.count += other.count;
    for (const b of other.examples) {
      if (this.examples.length === MAX_EXAMPLES) break;
      this.examples.push({ ...b, line: b.line + lineOffset });
    }
  }

  report(): BadLineReport {
    return { count: this.count, examples: [...this.examples] };
  }
}

export function decodeQuote(bytes: Uint8Array, start: number, end: number): string {
  return clip(textDecoder.decode(bytes.subarray(start, Math.min(end, start + MAX_QUOTED_CHARS * 4))));
}

function clip(text: string): string {
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}...` : text;
}

const percent = (share: number): string => `${+(share * 100).toPrecision(3)}%`;

/** "line 7: "1::x::3" (item id is not an integer); line 9: ..." */
export function quoteBadLines(report: BadLineReport): string {
  const quoted = report.examples.map((b) => `line ${b.line}: ${JSON.stringify(b.text)} (${b.reason})`).join('; ');
  const more = report.count > report.examples.length ? `; and ${report.count - report.examples.length} more` : '';
  return quoted + more;
}

export function describeBadLines(name: string, report: BadLineReport, lines: number): string {
  const share = lines === 0 ? 1 : report.count / lines;
  return `${report.count} of ${lines} lines in ${name} are bad (${percent(share)}): ${quoteBadLines(report)}`;
}

/**
 * Throws a DataError when the share of bad lines is above maxBadShare; otherwise,
 * if there were any, tells onWarning once.
 */
export function enforceBadShare(
  name: string,
  report: BadLineReport,
  lines: number,
  maxBadShare: number,
  onWarning: ((message: string) => void) | undefined,
): void {
  if (report.count === 0) return;
  const share = lines === 0 ? 1 : report.count / lines;
  if (share > maxBadShare) {
    throw new DataError(`${describeBadLines(name, report, lines)}; more than the ${percent(maxBadShare)} allowed`, report);
  }
  onWarning?.(`skipped ${describeBadLines(name, report, lines)}`);
}

export function checkMaxBadShare(maxBadShare: number): number {
  if (!(maxBadShare >= 0 && maxBadShare <= 1)) throw new RangeError(`maxBadShare must be in [0, 1], got ${maxBadShare}`);
  return maxBadShare;
}
