import type { ConcreteRatingsFormat } from './types';

/**
 * The complete (and slow, string-based) rules for one ratings line. The byte parser
 * in ratings.ts handles the common shapes itself and hands every line it does not
 * accept to this function, which either accepts it (e.g. "+4", "4e0", a quoted csv
 * field, spaces around fields) or says exactly what is wrong with it.
 *
 * A line is `user SEP item SEP rating [SEP timestamp]`; ids are integers in [0, 2^31),
 * the rating a finite decimal number inside the accepted range, the timestamp a number.
 */
export const MAX_ID = 0x7fffffff;

export type SlowLineResult = { user: number; item: number; rating: number } | { reason: string };

const INTEGER = /^\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

function splitFields(text: string, format: ConcreteRatingsFormat): string[] {
  switch (format) {
    case 'dat':
      return text.split('::').map((f) => f.trim());
    case 'tsv':
      return text.split('\t').map((f) => f.trim());
    case 'csv':
      return text.split(',').map((f) => unquote(f.trim()));
    case 'whitespace':
      return text.trim().split(/[ \t]+/);
  }
}

function unquote(field: string): string {
  return field.length >= 2 && field.startsWith('"') && field.endsWith('"') ? field.slice(1, -1).trim() : field;
}

function parseId(field: string, what: string): number | string {
  if (!INTEGER.test(field)) return `${what} ${JSON.stringify(field)} is not a non-negative integer`;
  const id = Number(field);
  return id > MAX_ID ? `${what} ${field} is out of range [0, 2^31)` : id;
}

export function parseLineSlow(
  text: string,
  format: ConcreteRatingsFormat,
  min: number,
  max: number,
): SlowLineResult {
  const fields = splitFields(text, format);
  if (fields.length < 3 || fields.length > 4) {
    return { reason: `expected 3 or 4 fields separated by ${JSON.stringify(SEPARATOR_NAMES[format])}, found ${fields.length}` };
  }
  const user = parseId(fields[0]!, 'user id');
  if (typeof user === 'string') return { reason: user };
  const item = parseId(fields[1]!, 'item id');
  if (typeof item === 'string') return { reason: item };
  const ratingText = fields[2]!;
  if (NON_FINITE.test(ratingText)) return { reason: `rating ${ratingText} is not a finite number` };
  if (!DECIMAL.test(ratingText)) return { reason: `rating ${JSON.stringify(ratingText)} is not a number` };
  const rating = Number(ratingText);
  if (!Number.isFinite(rating)) return { reason: `rating ${ratingText} is not a finite number` };
  if (rating < min || rating > max) return { reason: `rating ${ratingText} is outside the scale [${min}, ${max}]` };
  const timestamp = fields[3];
  if (timestamp !== undefined && !DECIMAL.test(timestamp)) {
    return { reason: `timestamp ${JSON.stringify(timestamp)} is not a number` };
  }
  return { user, item, rating };
}

const SEPARATOR_NAMES: Record<ConcreteRatingsFormat, string> = { dat: '::', tsv: '\t', csv: ',', whitespace: ' ' };
