import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../lib/data/dataset';
import { DataError } from '../../lib/data/errors';
import { formatCatalog, parseCatalog, parseCatalogText, type CatalogFormat } from '../../lib/data/parse';
import { chunked, encode, everyNBytes } from './parse-helpers';

const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));
const flags = (on: number[]): string => Array.from({ length: 19 }, (_, g) => (on.includes(g) ? '1' : '0')).join('|');

describe('parseCatalog: u.item', () => {
  it('reads titles (Latin-1) and genre flags in the ML-100K order', async () => {
    const text =
      `1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|${flags([3, 4, 5])}\n` +
      `543|Misérables, Les (1995)|01-Jan-1995||http://x|${flags([8])}\n` +
      `267|unknown||||${flags([0])}\n`;
    const catalog = await parseCatalog(everyNBytes(latin1(text), 7), 'u.item');
    expect(catalog.size).toBe(3);
    expect(catalog.get(1)).toEqual({ title: 'Toy Story (1995)', genres: ['Animation', "Children's", 'Comedy'] });
    expect(catalog.get(543)).toEqual({ title: 'Misérables, Les (1995)', genres: ['Drama'] });
    expect(catalog.get(267)?.genres).toEqual(['unknown']);
  });
});

describe('parseCatalog: movies.dat', () => {
  it('reads Latin-1 titles containing "::"-free punctuation and | genres', async () => {
    const text = "1::Toy Story (1995)::Animation|Children's|Comedy\r\n73::Misérables, Les (1995)::Drama|Musical\r\n";
    const catalog = await parseCatalog(chunked(latin1(text), [10, 30]), 'movies.dat');
    expect(catalog.get(1)).toEqual({ title: 'Toy Story (1995)', genres: ['Animation', "Children's", 'Comedy'] });
    expect(catalog.get(73)).toEqual({ title: 'Misérables, Les (1995)', genres: ['Drama', 'Musical'] });
  });

  it('reads UTF-8 titles as UTF-8', async () => {
    const catalog = await parseCatalog(chunked(encode('5::Nyû Yôku no koppu (1993)::Action\n'), []), 'movies.dat');
    expect(catalog.get(5)?.title).toBe('Nyû Yôku no koppu (1993)');
  });
});

describe('parseCatalog: movies.csv', () => {
  it('reads RFC 4180 quoted titles with commas and doubled quotes, a BOM and "(no genres listed)"', async () => {
    const text =
      '\uFEFFmovieId,title,genres\r\n' +
      '1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\r\n' +
      '11,"American President, The (1995)",Comedy|Drama|Romance\r\n' +
      '1024,"Three Caballeros, The ""Los Tres"" (1944)",Animation|Children|Musical\r\n' +
      '2,"Line\nBreak (2000)",Drama\r\n' +
      '182727,A Christmas Story Live! (2017),(no genres listed)';
    const catalog = await parseCatalog(everyNBytes(encode(text), 5), 'movies.csv');
    expect(catalog.size).toBe(5);
    expect(catalog.get(11)).toEqual({ title: 'American President, The (1995)', genres: ['Comedy', 'Drama', 'Romance'] });
    expect(catalog.get(1024)?.title).toBe('Three Caballeros, The "Los Tres" (1944)');
    expect(catalog.get(2)?.title).toBe('Line\nBreak (2000)');
    expect(catalog.get(182727)?.genres).toEqual([]);
  });

  it('round-trips formatCatalog output in every format', async () => {
    const catalog: Catalog = new Map([
      [3, { title: 'Plain (1999)', genres: ['Drama'] }],
      [9, { title: 'Comma, The "Quote" (2001)', genres: ['Comedy', 'Romance'] }],
      [12, { title: 'None (2002)', genres: [] }],
    ]);
    for (const format of ['movies.csv', 'movies.dat', 'u.item'] as CatalogFormat[]) {
      const back = await parseCatalog(chunked(encode(formatCatalog(format, catalog)), []), format);
      expect(back, format).toEqual(catalog);
    }
  });
});

describe('parseCatalog: bad data', () => {
  const many = (n: number): string => Array.from({ length: n }, (_, i) => `${i + 1}::Movie ${i + 1}::Drama`).join('\n');

  it('skips and reports malformed lines and repeated ids', async () => {
    const warnings: string[] = [];
    const text = `${many(300)}\nx::Bad::Drama\n5::Again::Drama\n`;
    const catalog = await parseCatalog(chunked(encode(text), []), 'movies.dat', { onWarning: (m) => warnings.push(m) });
    expect(catalog.size).toBe(300);
    expect(catalog.get(5)?.title).toBe('Movie 5');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('line 301');
    expect(warnings[0]).toContain('line 302');
    expect(warnings[0]).toMatch(/appeared before/);
  });

  it('fails when too many lines are bad, and on an empty file', async () => {
    await expect(parseCatalog(chunked(encode(`${many(10)}\nnope\n`), []), 'movies.dat')).rejects.toBeInstanceOf(DataError);
    await expect(parseCatalog(chunked(encode('movieId,title,genres\n'), []), 'movies.csv', { name: 'm.csv' })).rejects.toThrow(
      /no movies in m\.csv/,
    );
    await expect(parseCatalog(chunked(encode('1|too|few\n'), []), 'u.item')).rejects.toThrow(/expected 24/);
  });
});

describe('your own items file', () => {
  const parse = (text: string, ids: 'int' | 'string' = 'int') => parseCatalogText(text, 'items', { name: 'items.csv', ids, maxBadShare: 0.5 });

  it('reads columns by header name, in any order, with csv quotes, categories and a year', () => {
    const catalog = parse('Year,Title,movieId,Genres\n1995,"Toy Story, the",1,Animation|Comedy\n,Heat,2,\n');
    expect(catalog.get(1)).toEqual({ title: 'Toy Story, the', genres: ['Animation', 'Comedy'], year: 1995 });
    expect(catalog.get(2)).toEqual({ title: 'Heat', genres: [] });
  });

  it('reads ids as the ratings read theirs: strings for string ids, integers (or a bad line) otherwise', () => {
    expect(parse('sku\tname\nA-1\tLamp\n', 'string').get('A-1')).toEqual({ title: 'Lamp', genres: [] });
    expect(() => parse('sku\tname\nA-1\tLamp\n', 'int')).toThrow(/no movies in items.csv.*not a non-negative integer/);
  });

  it('refuses an unknown column name, listing the names it knows, and quotes bad lines', () => {
    expect(() => parse('id,titel\n1,x\n')).toThrow(/unknown column name\(s\) "titel" in the items header; known names: id/);
    expect(() => parse('id,title,year\n1,x,95\n2,y,1999\n3,z,2001\n', 'int')).not.toThrow();
    let warned = '';
    parseCatalogText('id,title,year\n1,x,95\n2,y,1999\n3,z,2001\n', 'items', { name: 'i', maxBadShare: 0.5, onWarning: (m) => (warned = m) });
    expect(warned).toMatch(/year "95" is not a four-digit year/);
  });
});
