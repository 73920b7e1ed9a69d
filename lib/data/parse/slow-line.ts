import { stringIdProblem, type ExternalId } from '../external-id';
import type { ColumnLayout } from './schema';
import type { ConcreteRatingsFormat } from './types';

/**
 * The complete (and slow, string-based) rules for one interactions line. The byte
 * parser in ratings.ts handles the common shape itself (numeric user, item, rating and
 * an optional timestamp, in that order) and hands every other line to this module,
 * which either accepts it (e.g. "+4", "4e0", a quoted csv field, spaces around fields,
 * columns in any order, extra columns) or says exactly what is wrong with it.
 *
 * Ids are integers in [0, 2^31) in an integer-id column, else any string of up to 128
 * bytes without control characters; a rating is a finite decimal inside the accepted range;
 * a timestamp is a number or an ISO 8601 date; an event type must have a weight.
 */
export const MAX_ID = 0x7fffffff;

/** How fields are separated: 2 = '::', 1 = the single byte `byte`, 0 = runs of spaces or tabs. */
export interface Separator {
  kind: 0 | 1 | 2;
  byte: number;
  /** As the user would write it, for messages. */
  text: string;
}

export const SEPARATORS = {
  '::': { kind: 2, byte: 0x3a, text: '::' },
  '\t': { kind: 1, byte: 0x09, text: '\t' },
  ',': { kind: 1, byte: 0x2c, text: ',' },
  ';': { kind: 1, byte: 0x3b, text: ';' },
  '|': { kind: 1, byte: 0x7c, text: '|' },
  ' ': { kind: 0, byte: 0x20, text: ' ' },
} as const satisfies Record<string, Separator>;

export type SeparatorText = keyof typeof SEPARATORS;

/** The separator of each MovieLens-style format name. */
export const FORMAT_SEPARATORS: Record<ConcreteRatingsFormat, Separator> = {
  dat: SEPARATORS['::'],
  tsv: SEPARATORS['\t'],
  csv: SEPARATORS[','],
  whitespace: SEPARATORS[' '],
};

export interface ParsedLine {
  user: ExternalId;
  item: ExternalId;
  rating: number;
  /** NaN when the line has no timestamp. */
  time: number;
}
export type SlowLineResult = ParsedLine | { reason: string };

/** What a line needs besides its text. */
export interface LineRules {
  sep: Separator;
  layout: ColumnLayout;
  min: number;
  max: number;
  eventWeights?: Readonly<Record<string, number>> | undefined;
}

const INTEGER = /^\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** One line's fields (csv-style quotes understood for single-byte separators). */
export function splitFields(text: string, sep: Separator): string[] {
  if (sep.kind === 2) return text.split('::').map((f) => f.trim());
  if (sep.kind === 0) return text.trim().split(/[ \t]+/);
  if (!text.includes('"')) return text.split(sep.text).map((f) => f.trim());
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k < text.length; k++) {
    const c = text[k]!;
    if (quoted) {
      if (c === '"' && text[k + 1] === '"') {
        field += '"';
        k++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === sep.text) {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  fields.push(field.trim());
  return fields;
}

function parseId(field: string, what: string, kind: 'int' | 'string'): ExternalId | { reason: string } {
  if (kind === 'string') {
    const problem = stringIdProblem(field);
    return problem ? { reason: `${what} ${JSON.stringify(field)} ${problem}` } : field;
  }
  if (!INTEGER.test(field)) return { reason: `${what} ${JSON.stringify(field)} is not a non-negative integer (the column holds integer ids; pass --ids string if its ids are strings)` };
  const id = Number(field);
  return id > MAX_ID ? { reason: `${what} ${field} is out of range [0, 2^31)` } : id;
}

/** A timestamp field: a number (seconds or milliseconds, as the file has them) or an ISO 8601 date (ms). */
export function parseTime(field: string): number | undefined {
  if (DECIMAL.test(field)) return Number(field);
  if (ISO_DATE.test(field)) {
    const t = Date.parse(field);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

function parseValue(fields: string[], rules: LineRules): number | string {
  const { layout } = rules;
  if (layout.rating !== undefined) {
    const text = fields[layout.rating]!;
    if (NON_FINITE.test(text)) return `rating ${text} is not a finite number`;
    if (!DECIMAL.test(text)) return `rating ${JSON.stringify(text)} is not a number`;
    const rating = Number(text);
    if (!Number.isFinite(rating)) return `rating ${text} is not a finite number`;
    if (rating < rules.min || rating > rules.max) return `rating ${text} is outside the scale [${rules.min}, ${rules.max}]`;
    return rating;
  }
  if (layout.event !== undefined) {
    const event = fields[layout.event]!;
    const weights = rules.eventWeights;
    if (!weights) return 1;
    const weight = weights[event];
    if (weight === undefined || !Object.hasOwn(weights, event)) {
      return `event type ${JSON.stringify(event)} has no weight (known: ${Object.keys(weights).join(', ')})`;
    }
    return weight;
  }
  return 1;
}

export function parseLineSlow(text: string, rules: LineRules): SlowLineResult {
  const { layout, sep } = rules;
  const fields = splitFields(text, sep);
  if (fields.length < layout.minFields || fields.length > layout.fields) {
    const expected = layout.minFields === layout.fields ? `${layout.fields}` : `${layout.minFields} or ${layout.fields}`;
    return { reason: `expected ${expected} fields separated by ${JSON.stringify(sep.text)}, found ${fields.length}` };
  }
  const user = parseId(fields[layout.user]!, 'user id', layout.userIds);
  if (typeof user === 'object') return user;
  const item = parseId(fields[layout.item]!, 'item id', layout.itemIds);
  if (typeof item === 'object') return item;
  const rating = parseValue(fields, rules);
  if (typeof rating === 'string') return { reason: rating };
  let time = NaN;
  if (layout.timestamp !== undefined && layout.timestamp < fields.length) {
    const t = parseTime(fields[layout.timestamp]!);
    if (t === undefined) return { reason: `timestamp ${JSON.stringify(fields[layout.timestamp])} is not a number or an ISO 8601 date` };
    time = t;
  }
  return { user, item, rating, time };
}
