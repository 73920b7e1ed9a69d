import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRatingsBuffer, type ColumnSpec } from '../../lib/data/parse';
import { encode, triples } from './parse-helpers';

/**
 * format(x) then parse gives x back, for random schemas: column orders with skipped
 * columns, separators, headers in any spelling, csv quoting, and string ids.
 */
const SEPARATORS = [',', '\t', ';', '|'] as const;
const HEADER_NAMES: Record<string, readonly string[]> = {
  user: ['user', 'userId', 'USER_ID', 'customer'],
  item: ['item', 'itemId', 'movieId', 'sku', 'Product ID'],
  rating: ['rating', 'score', 'Stars'],
  timestamp: ['timestamp', 'time', 'ts'],
};

// String ids: printable, with the separators and quotes they may need quoting for, never blank or space-padded.
const stringId = fc
  .string({ unit: fc.constantFrom(...'abcXYZ-_.:/@ 0123456789,;|"é中'.split('')), minLength: 1, maxLength: 12 })
  .filter((s) => s.trim() === s && s.length > 0 && /[^0-9]/.test(s));

interface Row {
  user: string;
  item: string;
  rating: number;
  time: number;
  extra: string;
}

const rowArb = fc.record({
  user: stringId,
  item: stringId,
  rating: fc.integer({ min: 1, max: 10 }).map((h) => h / 2),
  time: fc.integer({ min: 0, max: 2_000_000_000 }),
  extra: fc.string({ unit: fc.constantFrom(...'ab ,"x'.split('')), maxLength: 6 }),
});

const quote = (field: string, sep: string): string => (field.includes(sep) || field.includes('"') ? `"${field.replaceAll('"', '""')}"` : field);

describe('parse(format(x)) == x for random schemas', () => {
  it('holds for any column order, separator, header spelling, quoting and string ids', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(rowArb, { minLength: 1, maxLength: 40, selector: (r) => `${r.user}\u0000${r.item}` }),
        fc.constantFrom(...SEPARATORS),
        fc.shuffledSubarray(['user', 'item', 'rating', 'timestamp', '-'] as const, { minLength: 5, maxLength: 5 }),
        fc.boolean(),
        fc.nat(),
        (rows, sep, columns, header, spelling) => {
          const field = (r: Row, c: (typeof columns)[number]): string =>
            c === 'user' ? quote(r.user, sep) : c === 'item' ? quote(r.item, sep) : c === 'rating' ? String(r.rating) : c === 'timestamp' ? String(r.time) : quote(r.extra, sep);
          const lines = rows.map((r) => columns.map((c) => field(r, c)).join(sep));
          // A header names every column; the skipped one must then be declared, so a header goes with declared columns
          // only when it has an unknown name. Here: a header of known names for the four roles, '-' declared.
          const names = columns.map((c) => (c === '-' ? 'notes' : HEADER_NAMES[c]![spelling % HEADER_NAMES[c]!.length]!));
          const text = (header ? [names.join(sep), ...lines] : lines).join('\n') + '\n';
          const { dataset, bad } = parseRatingsBuffer(encode(text), {
            separator: sep,
            columns: columns as unknown as ColumnSpec[],
            header,
            ids: 'string',
          });
          expect(bad.examples).toEqual([]);
          expect(triples(dataset)).toEqual(rows.map((r) => [r.user, r.item, r.rating]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads string ids without being told when most ids are not numbers, and keeps numeric-looking ones as written', () => {
    fc.assert(
      fc.property(fc.uniqueArray(rowArb, { minLength: 3, maxLength: 30, selector: (r) => `${r.user}\u0000${r.item}` }), (rows) => {
        const withNumbers = rows.map((r, k) => (k === 0 ? { ...r, user: '007' } : r));
        const text = ['user,item,rating', ...withNumbers.map((r) => [quote(r.user, ','), quote(r.item, ','), r.rating].join(','))].join('\n');
        const { dataset, layout } = parseRatingsBuffer(encode(text));
        expect(layout).toMatchObject({ userIds: 'string', itemIds: 'string' });
        expect(triples(dataset)).toEqual(withNumbers.map((r) => [r.user, r.item, r.rating]));
      }),
      { numRuns: 100 },
    );
  });
});
