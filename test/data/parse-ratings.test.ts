import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../lib/data/errors';
import { parseRatings, parseRatingsBuffer, type ParseOptions } from '../../lib/data/parse';
import { chunked, encode, everyNBytes, triples } from './parse-helpers';

const parse = (text: string, options?: ParseOptions) => parseRatingsBuffer(encode(text), options);

describe('parseRatings: formats', () => {
  it('reads .dat lines (UserID::MovieID::Rating::Timestamp)', () => {
    const { dataset, lines, bad } = parse('1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n');
    expect(triples(dataset)).toEqual([
      [1, 1193, 5],
      [1, 661, 3],
      [2, 1193, 4],
    ]);
    expect(lines).toBe(3);
    expect(bad.count).toBe(0);
    expect(dataset.userIds.size).toBe(2);
    expect(dataset.itemIds.size).toBe(2);
    expect(dataset.scale).toEqual({ min: 3, max: 5 });
  });

  it('reads u.data (tab separated)', () => {
    const { dataset } = parse('196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n');
    expect(triples(dataset)).toEqual([
      [196, 242, 3],
      [186, 302, 3],
      [22, 377, 1],
    ]);
  });

  it('reads csv with a header, half stars and CRLF', () => {
    const { dataset, lines } = parse('userId,movieId,rating,timestamp\r\n1,1,4.0,964982703\r\n1,3,3.5,964981247\r\n2,6,0.5,964982224\r\n');
    expect(triples(dataset)).toEqual([
      [1, 1, 4],
      [1, 3, 3.5],
      [2, 6, 0.5],
    ]);
    expect(lines).toBe(3);
    expect(dataset.scale).toEqual({ min: 0.5, max: 4 });
  });

  it('reads whitespace lines with or without a timestamp', () => {
    const { dataset } = parse('1 2 3\n  4\t 5   2.5  \n6 7 1 123456\n');
    expect(triples(dataset)).toEqual([
      [1, 2, 3],
      [4, 5, 2.5],
      [6, 7, 1],
    ]);
  });

  it('uses the given format instead of sniffing', () => {
    // "1,2,3" would sniff as csv; as whitespace it is a bad line.
    expect(() => parse('1,2,3\n', { format: 'whitespace', maxBadShare: 0 })).toThrow(DataError);
    expect(triples(parse('1,2,3\n', { format: 'csv' }).dataset)).toEqual([[1, 2, 3]]);
  });

  it('accepts unusual but valid numbers through the slow path', () => {
    const { dataset, bad } = parse('1::2::+4::5\n1::3::4e0::5\n1::4:: 3 ::5\n1::5::.5::5\n');
    expect(bad.count).toBe(0);
    expect(triples(dataset).map((t) => t[2])).toEqual([4, 4, 3, 0.5]);
  });

  it('names the data set', () => {
    expect(parse('1::2::3\n', { name: 'ml-1m' }).dataset.name).toBe('ml-1m');
  });
});

describe('parseRatings: line handling', () => {
  it('skips a UTF-8 BOM, blank lines and whitespace-only lines; reads a last line without newline', () => {
    const { dataset, lines, bad } = parse('\uFEFF1::2::3::4\n\n   \n\r\n5::6::4::7');
    expect(triples(dataset)).toEqual([
      [1, 2, 3],
      [5, 6, 4],
    ]);
    expect(lines).toBe(2);
    expect(bad.count).toBe(0);
  });

  it('gives the same result for every split of the input into two chunks', async () => {
    const text = '\uFEFFuserId,movieId,rating,timestamp\r\n1,10,4.5,9\r\n\r\n2,20,3,8\r\n3,10,1.5\n4,30,5,7';
    const bytes = encode(text);
    const whole = triples(parseRatingsBuffer(bytes).dataset);
    expect(whole).toHaveLength(4);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { dataset } = await parseRatings(chunked(bytes, [cut]));
      expect(triples(dataset), `cut at ${cut}`).toEqual(whole);
    }
  });

  it('gives the same result with one-byte chunks, for every format', async () => {
    const texts = [
      '1::1193::5::978300760\n1::661::3::978302109\r\n',
      '196\t242\t3\t881250949\n186\t302\t3\t891717742',
      'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,3.5,964981247\n',
      '1 2 3\n4 5 2.5 99\n',
    ];
    for (const text of texts) {
      const bytes = encode(text);
      const expected = triples(parseRatingsBuffer(bytes).dataset);
      expect((await parseRatings(everyNBytes(bytes, 1))).dataset.size).toBe(expected.length);
      expect(triples((await parseRatings(everyNBytes(bytes, 1))).dataset)).toEqual(expected);
    }
  });

  it('keeps ids above the direct lookup range and at the 2^31 - 1 limit', () => {
    const { dataset } = parse('2147483647::16777216::3\n0::99999999::4\n');
    expect(triples(dataset)).toEqual([
      [2147483647, 16777216, 3],
      [0, 99999999, 4],
    ]);
  });
});

describe('parseRatings: bad data', () => {
  const good = (n: number): string => Array.from({ length: n }, (_, i) => `${i}::${i % 7}::${1 + (i % 5)}::0`).join('\n');

  it('counts and quotes bad lines with 1-based line numbers, and warns once', () => {
    const warnings: string[] = [];
    const text = `1::2::3::4\nfoo::2::3::4\n${good(500)}\n5::6::NaN::1\n7::8\n9::2147483648::3::1\n`;
    const { dataset, bad, lines } = parse(text, { onWarning: (m) => warnings.push(m) });
    expect(dataset.size).toBe(501);
    expect(lines).toBe(505);
    expect(bad.count).toBe(4);
    expect(bad.examples.map((b) => b.line)).toEqual([2, 503, 504, 505]);
    expect(bad.examples[0]).toMatchObject({ text: 'foo::2::3::4' });
    expect(bad.examples[0]!.reason).toMatch(/user id "foo"/);
    expect(bad.examples[1]!.reason).toMatch(/not a finite number/);
    expect(bad.examples[2]!.reason).toMatch(/expected 3 or 4 fields.*found 2/);
    expect(bad.examples[3]!.reason).toMatch(/out of range/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/4 of 505 lines/);
    expect(warnings[0]).toContain('line 2: "foo::2::3::4"');
  });

  it('rejects Infinity, negative ids and a trailing separator', () => {
    const { bad } = parse(`${good(400)}\n1::2::Infinity\n-1::2::3\n1::2::3::\n1::2::3::4::5\n`);
    expect(bad.count).toBe(4);
    expect(bad.examples.map((b) => b.line)).toEqual([401, 402, 403, 404]);
    expect(bad.examples[0]!.reason).toMatch(/finite/);
    expect(bad.examples[1]!.reason).toMatch(/user id/);
    expect(bad.examples[2]!.reason).toMatch(/timestamp/);
    expect(bad.examples[3]!.reason).toMatch(/found 5/);
  });

  it('keeps at most five examples but counts them all', () => {
    const { bad } = parse(`${good(2000)}\n${'x::1::1\n'.repeat(12)}`);
    expect(bad.count).toBe(12);
    expect(bad.examples).toHaveLength(5);
  });

  it('treats ratings outside a given scale as bad lines and reports that scale', () => {
    const { dataset, bad } = parse(`${good(200)}\n1::2::6\n1::2::0\n`, { scale: { min: 1, max: 5 }, maxBadShare: 0.05 });
    expect(bad.count).toBe(2);
    expect(bad.examples[0]!.reason).toMatch(/outside the scale \[1, 5\]/);
    expect(dataset.scale).toEqual({ min: 1, max: 5 });
    expect(dataset.size).toBe(200);
  });

  it('fails with a DataError quoting the lines when the bad share exceeds maxBadShare', () => {
    const text = `${good(98)}\nbad line one\n1::2::oops\n`;
    let error: unknown;
    try {
      parse(text, { name: 'tiny', maxBadShare: 0.01 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    const dataError = error as DataError;
    expect(dataError.message).toMatch(/2 of 100 lines in tiny are bad/);
    expect(dataError.message).toContain('line 99: "bad line one"');
    expect(dataError.bad?.count).toBe(2);
    // The same input passes with a looser threshold.
    expect(parse(text, { maxBadShare: 0.02 }).dataset.size).toBe(98);
  });

  it('fails with "no ratings in <name>" for empty, blank-only and header-only input', async () => {
    for (const text of ['', '\n\n  \r\n', '\uFEFF', 'userId,movieId,rating,timestamp\r\n']) {
      expect(() => parse(text, { name: 'empty.csv' }), JSON.stringify(text)).toThrow(/no ratings in empty\.csv/);
    }
    await expect(parseRatings(chunked(new Uint8Array(0), []), { name: 'nothing' })).rejects.toThrow(/no ratings in nothing/);
  });

  it('fails clearly when the format cannot be told', () => {
    expect(() => parse('hello\nworld\n', { name: 'words' })).toThrow(/cannot tell the format of words/);
  });

  it('turns an over-long line into one bad line instead of buffering it', async () => {
    const long = `1::2::${'9'.repeat(3 << 20)}`;
    const bytes = encode(`${good(200)}\n${long}\n3::4::5\n`);
    const { dataset, bad } = await parseRatings(everyNBytes(bytes, 64 << 10));
    expect(bad.count).toBe(1);
    expect(bad.examples[0]!.reason).toMatch(/longer than/);
    expect(bad.examples[0]!.text.length).toBeLessThan(300);
    expect(dataset.size).toBe(201);
  });
});

describe('parseRatings: from a file stream', () => {
  it('reads a file through fs.createReadStream with small chunks like one buffer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parse-ratings-'));
    try {
      // 1500 users x 900 items: line i is pair (i % 1500, (i / 1500 | 0) * 7 % 900 ...), every pair once.
      const lines = Array.from({ length: 20_000 }, (_, i) => `${i % 1500}::${(Math.floor(i / 1500) * 7 + i) % 900}::${1 + (i % 5)}::${978300760 + i}`);
      const path = join(dir, 'ratings.dat');
      await writeFile(path, lines.join('\n'));
      const streamed = await parseRatings(createReadStream(path, { highWaterMark: 1000 }), { name: 'ratings.dat' });
      const reference = parse(lines.join('\n'));
      expect(streamed.dataset.size).toBe(20_000);
      expect(triples(streamed.dataset)).toEqual(triples(reference.dataset));
      expect(streamed.dataset.userIds.size).toBe(1500);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parseRatings: options', () => {
  it('fills the data set whatever the size hint', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `${i % 97}\t${i}\t${(i % 5) + 1}`).join('\n');
    const reference = triples(parse(text).dataset);
    for (const sizeHint of [1, 10, 4999, 5000, 100_000]) {
      const { dataset } = parse(text, { sizeHint });
      expect(dataset.users.length).toBe(5000);
      expect(triples(dataset)).toEqual(reference);
    }
  });

  it('refuses text chunks (a stream opened with an encoding)', async () => {
    async function* text(): AsyncGenerator<Uint8Array> {
      yield '1::2::3\n' as unknown as Uint8Array;
    }
    await expect(parseRatings(text(), { format: 'dat' })).rejects.toThrow(/without an encoding/);
  });

  it('rejects a maxBadShare outside [0, 1]', () => {
    expect(() => parse('1 2 3\n', { maxBadShare: 2 })).toThrow(RangeError);
  });
});
