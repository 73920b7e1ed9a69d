import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveDuplicates, type Interactions } from '../../lib/data/parse/duplicates';
import type { DuplicatePolicy } from '../../lib/data/parse/schema';

/** The obvious resolution with a Map, to hold the radix-and-bitset one to. */
function reference(lines: Array<[number, number, number, number]>, policy: Exclude<DuplicatePolicy, 'error'>) {
  const byPair = new Map<string, number[]>();
  lines.forEach(([u, i], r) => {
    const key = `${u},${i}`;
    byPair.set(key, [...(byPair.get(key) ?? []), r]);
  });
  const kept: Array<[number, number, number]> = [];
  for (const [, at] of [...byPair].sort((a, b) => a[1][0]! - b[1][0]!)) {
    const values = at.map((r) => lines[r]![2]);
    const [u, i] = lines[at[0]!]!;
    let latest = at[0]!;
    for (const r of at.slice(1)) if (!(lines[r]![3] < lines[latest]![3])) latest = r;
    const value =
      policy === 'first' ? values[0]! : policy === 'max' ? Math.max(...values) : policy === 'mean' ? values.reduce((a, b) => a + b) / values.length : lines[latest]![2];
    kept.push([u, i, value]);
  }
  return { kept, pairs: [...byPair.values()].filter((at) => at.length > 1).length };
}

const shape = fc.record({
  nUsers: fc.integer({ min: 1, max: 5000 }),
  // Up to past 2^22 items, where a bucket holds one user.
  nItems: fc.oneof(fc.integer({ min: 1, max: 70_000 }), fc.integer({ min: 4_000_000, max: 9_000_000 })),
});

describe('resolveDuplicates', () => {
  it('finds exactly the repeated pairs and resolves them as a Map would, for any shape and policy', () => {
    fc.assert(
      fc.property(
        shape.chain(({ nUsers, nItems }) =>
          fc.record({
            nUsers: fc.constant(nUsers),
            nItems: fc.constant(nItems),
            // Few distinct values per column, so that pairs repeat.
            lines: fc.array(
              fc.tuple(
                fc.oneof(fc.integer({ min: 0, max: Math.min(nUsers - 1, 3) }), fc.integer({ min: 0, max: nUsers - 1 })),
                fc.oneof(fc.integer({ min: 0, max: Math.min(nItems - 1, 3) }), fc.integer({ min: 0, max: nItems - 1 })),
                fc.integer({ min: 1, max: 5 }),
                fc.integer({ min: 0, max: 3 }),
              ),
              { maxLength: 300 },
            ),
            policy: fc.constantFrom('last', 'first', 'mean', 'max') as fc.Arbitrary<Exclude<DuplicatePolicy, 'error'>>,
          }),
        ),
        ({ nUsers, nItems, lines, policy }) => {
          const data: Interactions = {
            users: Int32Array.from(lines, (l) => l[0]),
            items: Int32Array.from(lines, (l) => l[1]),
            ratings: Float32Array.from(lines, (l) => l[2]),
            times: Float64Array.from(lines, (l) => l[3]),
          };
          const { data: out, report } = resolveDuplicates(data, nUsers, nItems, policy, (u, i) => `${u},${i}`);
          const want = reference(lines, policy);
          expect(report.pairs).toBe(want.pairs);
          expect(report.dropped).toBe(lines.length - want.kept.length);
          const got = Array.from(out.users, (u, r) => [u, out.items[r]!, out.ratings[r]!]);
          expect(got).toEqual(want.kept.map(([u, i, v]) => [u, i, Math.fround(v)]));
        },
      ),
      { numRuns: 300 },
    );
  });
});
