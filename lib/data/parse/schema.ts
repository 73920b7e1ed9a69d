/**
 * The interactions schema (after Surprise's Reader and Amazon Personalize's
 * interactions data set): which column holds the user id, the item id, and optionally
 * the rating, a timestamp and an event type. Columns are read by header name when the
 * file has a header, by position when it has none, or as the caller declares them. A
 * file without a rating column is implicit feedback: each line weighs 1, or its event
 * type's weight.
 *
 * Nothing is guessed silently: an unknown header name, too many unnamed columns, or an
 * unnamed third column of Unix times is an error that says what to pass.
 */
import { DataError } from '../errors';

export const COLUMN_ROLES = ['user', 'item', 'rating', 'timestamp', 'event'] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];
/** A declared column: a role, or '-' to skip it. */
export type ColumnSpec = ColumnRole | '-';

/** Header names (case-insensitive; spaces, dashes and underscores ignored) and the role each names. */
const ALIASES: Record<ColumnRole, readonly string[]> = {
  user: ['user', 'userid', 'uid', 'customer', 'customerid', 'visitor', 'visitorid', 'member', 'memberid'],
  item: ['item', 'itemid', 'iid', 'movie', 'movieid', 'product', 'productid', 'sku', 'article', 'articleid'],
  rating: ['rating', 'score', 'stars', 'value'],
  timestamp: ['timestamp', 'time', 'ts', 'date', 'datetime', 'eventtime'],
  event: ['event', 'eventtype', 'action', 'type', 'interaction', 'interactiontype'],
};

const normalise = (name: string): string => name.trim().replace(/^"|"$/g, '').toLowerCase().replace(/[\s_-]/g, '');

/** The role a header name stands for, or undefined. */
export function roleOfHeader(name: string): ColumnRole | undefined {
  const n = normalise(name);
  return COLUMN_ROLES.find((role) => ALIASES[role].includes(n));
}

/** The names a header may use, for error messages. */
export const knownHeaderNames = (): string =>
  COLUMN_ROLES.map((role) => `${role} (${ALIASES[role].filter((a) => a !== role).slice(0, 4).join(', ')}...)`).join('; ');

export type DuplicatePolicy = 'last' | 'first' | 'mean' | 'max' | 'error';

/** What the caller declares about a file; everything is optional. */
export interface InteractionsFormat {
  columns?: readonly ColumnSpec[];
  /** ',', '\t', '::', ';', '|' or ' ' (runs of spaces or tabs); default: sniffed. */
  separator?: string;
  /** true: the first line names the columns; false: it is data; default: detected. */
  header?: boolean;
  /** Accepted rating range; lines outside it are bad lines. Default: the data's own range (reported). */
  scale?: { min: number; max: number };
  /** What to do with repeated (user, item) pairs: default 'last' (latest timestamp, else last in the file). */
  duplicates?: DuplicatePolicy;
  /** 'string': ids are strings even where they look like numbers; 'int': integers only. Default: from the first lines. */
  ids?: 'int' | 'string';
  /** Weights of implicit events by type (view=1, cart=3...); an event type not listed is a bad line. */
  eventWeights?: Readonly<Record<string, number>>;
}

/** Where each role sits in a line, resolved for one file. */
export interface ColumnLayout {
  user: number;
  item: number;
  rating?: number;
  timestamp?: number;
  event?: number;
  /** Fields a line has: `fields`, or down to `minFields` when trailing columns are optional. */
  fields: number;
  minFields: number;
  /** How the columns were found, for the run report. */
  readFrom: 'header' | 'position' | 'declared';
  /** The file's first line is a header to skip. */
  skipHeader: boolean;
  /** Each column as read: its role, or '-' for a skipped one. */
  columns: ColumnSpec[];
  /** Integer ids when every sampled id of the column is a non-negative integer below 2^31, else string ids. */
  userIds: 'int' | 'string';
  itemIds: 'int' | 'string';
}

/** The layout of the fast paths: user, item, rating and an optional timestamp, in that order. */
export function isPositionalRatings(l: ColumnLayout): boolean {
  const timeLast = l.timestamp === undefined ? l.fields === 3 : l.timestamp === 3 && l.fields === 4;
  return l.user === 0 && l.item === 1 && l.rating === 2 && l.event === undefined && timeLast;
}

function layoutOf(
  columns: readonly ColumnSpec[],
  readFrom: ColumnLayout['readFrom'],
  skipHeader: boolean,
  where: string,
  // A line may leave out a last timestamp column (it then has no time); every other column is required.
  minFields = columns.at(-1) === 'timestamp' ? columns.length - 1 : columns.length,
): ColumnLayout {
  const at: Partial<Record<ColumnRole, number>> = {};
  columns.forEach((c, k) => {
    if (c === '-') return;
    if (at[c] !== undefined) throw new DataError(`${where}: column "${c}" is given twice (columns ${at[c] + 1} and ${k + 1})`);
    at[c] = k;
  });
  if (at.user === undefined || at.item === undefined) {
    throw new DataError(`${where}: the columns (${columns.join(',')}) need a user and an item column`);
  }
  return {
    user: at.user,
    item: at.item,
    ...(at.rating !== undefined ? { rating: at.rating } : {}),
    ...(at.timestamp !== undefined ? { timestamp: at.timestamp } : {}),
    ...(at.event !== undefined ? { event: at.event } : {}),
    fields: columns.length,
    minFields,
    readFrom,
    skipHeader,
    columns: [...columns],
    userIds: 'int',
    itemIds: 'int',
  };
}

const INTEGER_ID = /^\d{1,10}$/;
const isIntegerId = (field: string | undefined): boolean => field !== undefined && INTEGER_ID.test(field) && Number(field) <= 0x7fffffff;

/**
 * Each id column's kind: as declared, else from the sampled lines (the header excluded):
 * string ids when most sampled ids are not integers. A few odd ids in an integer column
 * stay bad lines (whose reason says how to declare string ids), never a silent switch.
 */
function withIdKinds(layout: ColumnLayout, lines: readonly string[][], declared: InteractionsFormat['ids']): ColumnLayout {
  const data = layout.skipHeader ? lines.slice(1) : lines;
  const kind = (k: number): 'int' | 'string' => {
    if (declared) return declared;
    const ids = data.filter((fields) => fields.length > k).map((fields) => fields[k]);
    const other = ids.filter((id) => !isIntegerId(id)).length;
    return other * 2 > ids.length ? 'string' : 'int';
  };
  return { ...layout, userIds: kind(layout.user), itemIds: kind(layout.item) };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const looksNumeric = (field: string): boolean => NUMBER.test(field.trim().replace(/^"|"$/g, ''));

/** Positions of an unnamed file by its number of fields (the MovieLens order; its timestamp is optional). */
const RATINGS_BY_POSITION: ColumnSpec[] = ['user', 'item', 'rating', 'timestamp'];
const BY_POSITION: Record<number, ColumnSpec[]> = { 2: ['user', 'item'], 3: RATINGS_BY_POSITION, 4: RATINGS_BY_POSITION };

/** Unix times in seconds since 1973 and in milliseconds are above this; no rating scale is. */
const UNIX_TIME_FLOOR = 1e8;

/**
 * The layout of a file from its first lines (split into fields), the first of which
 * may be a header: the roles from the first one, the id kinds from all. `where` names
 * the file in messages.
 */
export function resolveLayout(format: InteractionsFormat, firstLines: readonly string[][], where: string): ColumnLayout {
  const first = firstLines[0];
  if (!first) {
    return layoutOf(format.columns ?? RATINGS_BY_POSITION, format.columns ? 'declared' : 'position', false, where);
  }
  const headerNamed = first.some((f) => roleOfHeader(f) !== undefined) && !first.some(looksNumeric);
  const hasHeader = format.header ?? headerNamed;
  if (format.columns) return withIdKinds(layoutOf(format.columns, 'declared', hasHeader, where), firstLines, format.ids);
  if (hasHeader) {
    const roles = first.map((name) => roleOfHeader(name));
    const unknown = first.filter((_, k) => roles[k] === undefined);
    if (unknown.length) {
      throw new DataError(
        `${where}: unknown column name(s) ${unknown.map((u) => JSON.stringify(u.trim())).join(', ')} in the header; ` +
          `known names: ${knownHeaderNames()}. Name the columns with --columns (e.g. user,item,-,rating; '-' skips one)`,
        undefined,
        { quotesData: true },
      );
    }
    return withIdKinds(layoutOf(roles as ColumnRole[], 'header', true, where), firstLines, format.ids);
  }
  const positional = BY_POSITION[first.length];
  if (!positional) {
    throw new DataError(
      `${where}: ${first.length} columns and no header naming them; say which is which with --columns ` +
        `(e.g. user,item,-,-,rating,timestamp; '-' skips a column)`,
    );
  }
  const layout = layoutOf(positional, 'position', false, where);
  refuseTimesAsRatings(layout, firstLines, where);
  return withIdKinds(layout, firstLines, format.ids);
}

/** An unnamed third column of Unix times is a click log's timestamp, not a rating: say what to pass. */
function refuseTimesAsRatings(layout: ColumnLayout, lines: readonly string[][], where: string): void {
  const k = layout.rating!;
  const values = lines.map((fields) => Number(fields[k])).filter((v) => Number.isFinite(v));
  if (values.length === 0 || !values.every((v) => Number.isInteger(v) && v > UNIX_TIME_FLOOR)) return;
  const columns = lines[0]!.length === 3 ? 'user,item,timestamp' : 'user,item,timestamp,-';
  throw new DataError(
    `${where}: column ${k + 1} holds values like ${values[0]}, which look like Unix times, not ratings. ` +
      `For a click log pass --columns ${columns} (implicit feedback); if they really are ratings, name the column: --columns user,item,rating`,
    undefined,
    { quotesData: true },
  );
}

/** "user,item,rating (from the header)" for the run report. */
export function describeLayout(l: ColumnLayout): string {
  const how = l.readFrom === 'header' ? 'from the header' : l.readFrom === 'declared' ? 'as declared' : 'by position';
  const ids = l.userIds === l.itemIds ? `${l.userIds} ids` : `${l.userIds} user ids, ${l.itemIds} item ids`;
  return `${l.columns.join(',')} (${how}; ${l.rating === undefined ? 'implicit feedback' : 'explicit ratings'}; ${ids})`;
}
