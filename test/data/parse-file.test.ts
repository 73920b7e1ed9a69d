import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRatingsBuffer, parseRatingsFile, type ParseOptions, type ParseResult } from '../../lib/data/parse';
import { encode } from './parse-helpers';

const dir = mkdtempSync(join(tmpdir(), 'parse-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const write = (text: string): string => {
  const path = join(dir, `ratings-${files++}.txt`);
  writeFileSync(path, text);
  return path;
};

/** Everything a parse tells, with ids as external ids: what the one-stream and the ranged parse must agree on. */
function summary(r: ParseResult) {
  const d = r.dataset;
  return {
    users: Array.from(d.users),
    items: Array.from(d.items),
    ratings: Array.from(d.ratings),
    userIds: d.userIds.toArray(),
    itemIds: d.itemIds.toArray(),
    scale: d.scale,
    lines: r.lines,
    bad: r.bad,
    duplicates: r.duplicates,
    layout: r.layout,
  };
}

// Lines of every kind the parser meets: good ones (small ids and ids past the direct table),
// repeated pairs, bad lines, blank lines, CRLF ends.
const id = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 40 }), weight: 5 }, { arbitrary: fc.integer({ min: 1 << 24, max: 0x7fffffff }), weight: 1 });
const goodLine = fc
  .tuple(id, id, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 900_000_000, max: 1_000_000_000 }))
  .map(([u, i, r, t]) => `${u},${i},${r / 2},${t}`);
/** String user ids (`u-7`), the fast path's byte-level interning, and an odd one the careful path reads. */
const withStringUsers = (line: string): string => (/^\d/.test(line) ? (line.startsWith('1') ? `"u 1${line}` : `u-${line}`) : line);
const otherLine = fc.constantFrom('', 'x,1,3,900000000', '7,7', '3,4,not-a-rating,900000001', '  ', '"5",6,4,900000002');
const lines = fc.array(fc.oneof({ arbitrary: goodLine, weight: 12 }, { arbitrary: otherLine, weight: 1 }), { minLength: 1, maxLength: 300 });

describe('parseRatingsFile', () => {
  it('gives the one-stream result for any file, cut into ranges on worker threads', async () => {
    await fc.assert(
      fc.asyncProperty(lines, fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 2, max: 4 }), async (body, header, crlf, trailingNewline, stringUsers, threads) => {
        const eol = crlf ? '\r\n' : '\n';
        const rows = stringUsers ? body.map(withStringUsers) : body;
        const text = (header ? ['user,item,rating,timestamp', ...rows] : rows).join(eol) + (trailingNewline ? eol : '');
        const options: ParseOptions = { name: 'ratings', maxBadShare: 1, duplicates: 'last' };
        let one: ParseResult | Error;
        try {
          one = parseRatingsBuffer(encode(text), options);
        } catch (err) {
          one = err as Error;
        }
        const path = write(text);
        const ranged = await parseRatingsFile(path, { ...options, threads, minParallelBytes: 0 }).catch((err: Error) => err);
        if (one instanceof Error) expect((ranged as Error).message).toBe(one.message);
        else expect(summary(ranged as ParseResult)).toEqual(summary(one));
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('hands every byte of the file to onBytes in order, and numbers a later range\'s bad lines in the file', async () => {
    const body = Array.from({ length: 4000 }, (_, k) => (k === 3500 ? 'broken line' : `${1 + (k % 97)}::${1 + (k % 89)}::${1 + (k % 5)}::${900000000 + k}`));
    const text = `${body.join('\n')}\n`;
    const path = write(text);
    const seen: Uint8Array[] = [];
    const r = await parseRatingsFile(path, { threads: 2, minParallelBytes: 0, onBytes: (c) => void seen.push(Uint8Array.from(c)) });
    expect(Buffer.concat(seen).toString()).toBe(text);
    expect(r.bad.examples).toEqual([{ line: 3501, text: 'broken line', reason: expect.any(String) }]);
    expect(r.lines).toBe(4000);
  });

  it('interns string ids of a later range after the first range\'s, in first appearance', async () => {
    const text = `user,item,rating\n${Array.from({ length: 3000 }, (_, k) => `u-${k % 7 === 0 ? 'late' : k % 50},m-${k % 13},${1 + (k % 5)}`).join('\n')}\n`;
    const r = await parseRatingsFile(write(text), { threads: 3, minParallelBytes: 0, duplicates: 'first' });
    expect(summary(r)).toEqual(summary(parseRatingsBuffer(encode(text), { duplicates: 'first' })));
    expect(r.dataset.userIds.toArray().slice(0, 3)).toEqual(['u-late', 'u-1', 'u-2']);
  });
});
