import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatRatings,
  parseRatings,
  parseRatingsBuffer,
  type ConcreteRatingsFormat,
  type RatingRecord,
} from '../../lib/data/parse';
import { chunked, encode, triples } from './parse-helpers';

const FORMATS: ConcreteRatingsFormat[] = ['dat', 'tsv', 'csv', 'whitespace'];

// Small ids and ids past IdMap's direct table (2^24), which go to its Map.
const id = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 5000 }), weight: 4 },
  { arbitrary: fc.integer({ min: 1 << 24, max: 0x7fffffff }), weight: 1 },
);
// Ratings as MovieLens has them (whole and half stars) and arbitrary float32 values.
const rating = fc.oneof(
  fc.integer({ min: 1, max: 10 }).map((h) => h / 2),
  fc.float({ min: Math.fround(-1000), max: Math.fround(1000), noNaN: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
);
const recordArb: fc.Arbitrary<RatingRecord> = fc.record({ user: id, item: id, rating, timestamp: fc.integer({ min: 0, max: 2_000_000_000 }) });
/** Records with distinct (user, item) pairs (a repeated pair is resolved, see duplicates), all with a timestamp or none. */
const uniqueRecords = (minLength: number, maxLength: number): fc.Arbitrary<RatingRecord[]> =>
  fc
    .tuple(fc.uniqueArray(recordArb, { minLength, maxLength, selector: (r) => `${r.user},${r.item}` }), fc.boolean())
    .map(([rs, timed]) => (timed ? rs : rs.map(({ timestamp: _t, ...r }) => r)));

const expectedTriples = (records: RatingRecord[]): Array<[number, number, number]> =>
  records.map((r) => [r.user, r.item, Math.fround(r.rating)]);

describe('parse(format(x)) == x', () => {
  for (const format of FORMATS) {
    it(`holds for ${format}`, () => {
      fc.assert(
        fc.property(uniqueRecords(1, 60), fc.boolean(), (records, crlf) => {
          const text = formatRatings(format, records, { eol: crlf ? '\r\n' : '\n' });
          const { dataset, bad, lines } = parseRatingsBuffer(encode(text), { format: 'auto' });
          expect(bad.count).toBe(0);
          expect(lines).toBe(records.length);
          expect(triples(dataset)).toEqual(expectedTriples(records));
          const ratings = records.map((r) => Math.fround(r.rating));
          expect(dataset.scale).toEqual({ min: Math.min(...ratings), max: Math.max(...ratings) });
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('chunking does not matter', () => {
  it('random chunk sizes give the same data set as one buffer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FORMATS),
        uniqueRecords(1, 40),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 200 }),
        fc.boolean(),
        async (format, records, sizes, bom) => {
          const text = (bom ? '\uFEFF' : '') + formatRatings(format, records).replace(/\n$/, '');
          const bytes = encode(text);
          const whole = parseRatingsBuffer(bytes);
          const streamed = await parseRatings(chunked(bytes, sizes));
          expect(triples(streamed.dataset)).toEqual(triples(whole.dataset));
          expect(triples(whole.dataset)).toEqual(expectedTriples(records));
          expect(streamed.dataset.userIds.toArray()).toEqual(whole.dataset.userIds.toArray());
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('bad lines are found wherever they are', () => {
  it('reports each inserted bad line with its line number', () => {
    const badLine = fc.constantFrom('x::1::1', '1::2', '1::2::abc', '1::2::NaN::0', '99999999999::1::1', '1::2::3::4::5');
    fc.assert(
      fc.property(
        uniqueRecords(200, 300),
        fc.array(fc.tuple(fc.nat(), badLine), { minLength: 1, maxLength: 2 }),
        (records, inserts) => {
          const lines = records.map((r) => `${r.user}::${r.item}::${r.rating}`);
          // Not as the first line: the layout is read from it.
          for (const [at, text] of inserts) lines.splice(1 + (at % lines.length), 0, text);
          const { dataset, bad } = parseRatingsBuffer(encode(lines.join('\n')), { format: 'dat', maxBadShare: 1 });
          expect(dataset.size).toBe(records.length);
          expect(bad.count).toBe(inserts.length);
          for (const example of bad.examples) expect(lines[example.line - 1]).toBe(example.text);
        },
      ),
      { numRuns: 100 },
    );
  });
});
