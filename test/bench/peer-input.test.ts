import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRatingsBuffer } from '../../lib/data/parse';
import { formatValue, peerLines, writePeerInput } from '../../scripts/bench/support/peer-input';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('peer input file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peer-input-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // MovieLens ids (sparse, 1-based), a repeated pair whose later line wins, and a half star.
  const source = parseRatingsBuffer(utf8('196\t242\t3\t881250949\n186\t302\t3.5\t891717742\n196\t51\t2\t881250950\n196\t242\t5\t881250999\n')).dataset;

  it('writes one "user item value" line per rating with our 0-based dense indices', () => {
    const path = join(dir, 'ratings.txt');
    writePeerInput(source, path);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(source.size);
    for (const [r, line] of lines.entries()) {
      expect(line).toMatch(/^\d+ \d+ \S+$/);
      const [u, i, v] = line.split(' ').map(Number);
      expect([u, i, v]).toEqual([source.users[r], source.items[r], source.ratings[r]]);
    }
    const users = lines.map((l) => Number(l.split(' ')[0]));
    expect(Math.max(...users)).toBe(source.userIds.size - 1);
  });

  it('reads back through our parser as the same ratings', () => {
    const back = parseRatingsBuffer(utf8(peerLines(source, 0, source.size))).dataset;
    expect(back.size).toBe(source.size);
    for (let r = 0; r < back.size; r++) {
      expect(Number(back.userIds.external(back.users[r]!))).toBe(source.users[r]);
      expect(Number(back.itemIds.external(back.items[r]!))).toBe(source.items[r]);
      expect(back.ratings[r]).toBe(source.ratings[r]);
    }
  });

  it('writes any range of lines', () => {
    expect(peerLines(source, 1, 2)).toBe(`${source.users[1]} ${source.items[1]} ${source.ratings[1]}\n`);
    expect(peerLines(source, 2, 2)).toBe('');
  });

  it('formats a float32 value as the shortest text that reads back as the same float32', () => {
    expect(formatValue(4)).toBe('4');
    expect(formatValue(Math.fround(0.1))).toBe('0.1');
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = formatValue(x);
        expect(Math.fround(Number(text))).toBe(x === 0 ? 0 : x);
        expect(text).not.toMatch(/[\s,]/);
      }),
    );
  });
});
