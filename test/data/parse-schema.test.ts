import { describe, expect, it } from 'vitest';
import { DataError } from '../../lib/data/errors';
import { parseRatingsBuffer, type ParseOptions } from '../../lib/data/parse';
import { encode, triples } from './parse-helpers';

const parse = (text: string, options?: ParseOptions) => parseRatingsBuffer(encode(text), options);

describe('columns from the header', () => {
  it('reads columns by name, in any order and any spelling it knows', () => {
    const { dataset, layout } = parse('movieId,userId,rating\n10,1,4\n20,2,5\n');
    expect(triples(dataset)).toEqual([
      [1, 10, 4],
      [2, 20, 5],
    ]);
    expect(layout).toMatchObject({ readFrom: 'header', user: 1, item: 0, rating: 2 });
    expect(triples(parse('User_ID;Item ID;Score\n7;8;3\n', { separator: ';' }).dataset)).toEqual([[7, 8, 3]]);
  });

  it('refuses an unknown header name, listing the names it knows and how to declare columns', () => {
    expect(() => parse('userId,moveId,rating\n1,10,4\n')).toThrow(DataError);
    expect(() => parse('userId,moveId,rating\n1,10,4\n')).toThrow(/unknown column name\(s\) "moveId".*known names: user.*--columns/);
  });

  it('reads an export with extra columns once they are declared', () => {
    const text = 'user,item,genre,review,rating,date\n1,10,drama,"good, long",4,2020-01-02\n2,10,comedy,meh,2,2020-01-03T10:00:00Z\n';
    expect(() => parse(text)).toThrow(/unknown column name\(s\) "genre", "review"/);
    const { dataset, layout } = parse(text, { columns: ['user', 'item', '-', '-', 'rating', 'timestamp'] });
    expect(triples(dataset)).toEqual([
      [1, 10, 4],
      [2, 10, 2],
    ]);
    expect(layout).toMatchObject({ readFrom: 'declared', skipHeader: true, fields: 6 });
  });

  it('takes a first line with numbers as data, and --header/--no-header override the guess', () => {
    expect(triples(parse('1,10,4\n2,20,5\n').dataset)).toHaveLength(2);
    // A header of numbers is still a header when declared so.
    expect(triples(parse('1,2,3\n5,6,4\n', { header: true, columns: ['user', 'item', 'rating'] }).dataset)).toEqual([[5, 6, 4]]);
    expect(() => parse('user,item,rating\n1,2,3\n', { header: false })).toThrow(/user id "user" is not/);
  });
});

describe('columns by position', () => {
  it('refuses an unnamed third column of Unix times, saying what to pass', () => {
    const clicks = '196,242,881250949\n186,302,891717742\n22,377,878887116\n';
    expect(() => parse(clicks)).toThrow(/column 3 holds values like 881250949, which look like Unix times.*--columns user,item,timestamp/);
    const { dataset } = parse(clicks, { columns: ['user', 'item', 'timestamp'] });
    expect(dataset.feedback).toBe('implicit');
    expect(Array.from(dataset.ratings)).toEqual([1, 1, 1]);
  });

  it('reads two columns as implicit feedback, weight 1 each', () => {
    const { dataset, layout } = parse('1 10\n1 11\n2 10\n');
    expect(dataset.feedback).toBe('implicit');
    expect(layout.rating).toBeUndefined();
    expect(triples(dataset)).toEqual([
      [1, 10, 1],
      [1, 11, 1],
      [2, 10, 1],
    ]);
  });

  it('asks for --columns when there are more columns than user, item, rating, timestamp', () => {
    expect(() => parse('1,2,3,4,5\n')).toThrow(/5 columns and no header naming them.*--columns/);
  });
});

describe('event types', () => {
  const log = 'user|item|event\n1|10|view\n1|11|purchase\n2|10|cart\n2|12|like\n';

  it('weighs each interaction by its event type', () => {
    const { dataset, bad } = parse(log, { eventWeights: { view: 1, cart: 3, purchase: 5 }, maxBadShare: 0.5 });
    expect(dataset.feedback).toBe('implicit');
    expect(triples(dataset)).toEqual([
      [1, 10, 1],
      [1, 11, 5],
      [2, 10, 3],
    ]);
    expect(bad.examples[0]).toMatchObject({ line: 5, reason: expect.stringMatching(/event type "like" has no weight/) });
  });

  it('counts every event 1 without weights', () => {
    expect(Array.from(parse(log).dataset.ratings)).toEqual([1, 1, 1, 1]);
  });
});

describe('repeated (user, item) pairs', () => {
  const text = 'user,item,rating,timestamp\n1,10,2,300\n1,10,5,100\n2,10,3,1\n1,10,4,200\n';

  it('keeps the latest by timestamp by default, and reports the pair', () => {
    const { dataset, duplicates } = parse(text);
    expect(triples(dataset)).toEqual([
      [1, 10, 2],
      [2, 10, 3],
    ]);
    expect(duplicates).toMatchObject({ policy: 'last', pairs: 1, dropped: 2 });
    expect(duplicates.examples[0]!.values).toEqual([2, 5, 4]);
  });

  it('keeps the last in the file without times, or resolves by first, mean or max', () => {
    const untimed = 'user,item,rating\n1,10,2\n1,10,5\n1,10,4\n';
    expect(triples(parse(untimed).dataset)).toEqual([[1, 10, 4]]);
    expect(triples(parse(untimed, { duplicates: 'first' }).dataset)).toEqual([[1, 10, 2]]);
    expect(parse(untimed, { duplicates: 'mean' }).dataset.ratings[0]).toBeCloseTo(11 / 3, 6);
    expect(triples(parse(untimed, { duplicates: 'max' }).dataset)).toEqual([[1, 10, 5]]);
  });

  it("refuses them with --duplicates error, naming the pair", () => {
    expect(() => parse(text, { name: 'r.csv', duplicates: 'error' })).toThrow(/r\.csv: user 1, item 10 is rated more than once/);
  });

  it('leaves a file without repeats untouched', () => {
    const { dataset, duplicates } = parse('1,10,2\n1,11,3\n');
    expect(dataset.size).toBe(2);
    expect(duplicates).toMatchObject({ pairs: 0, dropped: 0, examples: [] });
  });
});

describe('separators', () => {
  it('reads ; and | separated files when told, and refuses an unknown separator', () => {
    expect(triples(parse('1;2;3\n', { separator: ';' }).dataset)).toEqual([[1, 2, 3]]);
    expect(triples(parse('1|2|3\n', { separator: '|' }).dataset)).toEqual([[1, 2, 3]]);
    expect(() => parse('1,2,3\n', { separator: '#' })).toThrow(/unknown separator "#"/);
  });
});
