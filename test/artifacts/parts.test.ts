import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderCurveSvg } from '../../lib/artifacts/curve-svg';
import { popularItems } from '../../lib/artifacts/popular';
import { buildSeenCsr } from '../../lib/artifacts/seen';
import { newVersionId, versionTime } from '../../lib/artifacts/version-id';
import { littleEndianBytes } from '../../lib/artifacts/write';
import { DatasetBuilder } from '../../lib/data/dataset';
import { IdMap } from '../../lib/data/id-map';

describe('version ids', () => {
  it('sort by time and carry it', () => {
    const a = newVersionId(new Date('2026-01-02T03:04:05.678Z'));
    const b = newVersionId(new Date('2026-01-02T03:04:06.001Z'));
    const c = newVersionId(new Date('2026-11-30T00:00:00Z'));
    expect(a).toMatch(/^20260102T030405Z-[0-9a-f]{6}$/);
    expect([c, a, b].sort()).toEqual([a, b, c]);
    expect(versionTime(a)?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(versionTime('hand-made')).toBeUndefined();
  });
});

describe('binary files', () => {
  it('are views over the typed array memory, not copies', () => {
    const arr = new Float32Array([1.5, -2, 3]);
    const bytes = littleEndianBytes(arr.subarray(1));
    expect(bytes.length).toBe(8);
    expect(bytes.readFloatLE(0)).toBe(-2);
    arr[2] = 42;
    expect(bytes.readFloatLE(4)).toBe(42);
  });
});

describe('seen CSR and popularity', () => {
  it('lists each user\'s distinct items ascending, for any ratings (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 9 })), { maxLength: 80 }), (pairs) => {
        // Every user and item is interned first, so some users have no ratings at all.
        const b = new DatasetBuilder(4, { userIds: IdMap.fromExternal([...Array(13).keys()]), itemIds: IdMap.fromExternal([...Array(10).keys()]) });
        for (const [u, i] of pairs) b.add(u, i, 3);
        const d = b.build('prop', { min: 1, max: 5 });
        const seen = buildSeenCsr(d);
        expect(seen.offsets.length).toBe(14);
        for (let u = 0; u < 13; u++) {
          const want = [...new Set(pairs.filter(([pu]) => pu === u).map(([, i]) => i))].sort((x, y) => x - y);
          expect([...seen.items.subarray(seen.offsets[u]!, seen.offsets[u + 1]!)]).toEqual(want);
        }
        const popular = popularItems(d);
        expect([...popular].sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
        const count = (i: number) => pairs.filter(([, pi]) => pi === i).length;
        for (let k = 1; k < popular.length; k++) expect(count(popular[k - 1]!)).toBeGreaterThanOrEqual(count(popular[k]!));
      }),
      { numRuns: 60 },
    );
  });
});

describe('learning curve SVG', () => {
  const point = (epoch: number, step: number, batchError: number, testError: number, best = false) => ({
    epoch,
    step,
    batchError,
    testError,
    elapsedMs: 0,
    best,
  });

  it('draws both series with axes, labels and a legend', () => {
    const svg = renderCurveSvg([point(0, 1, 1.2, 1.3, true), point(1, 2, 1.0, 1.1, true), point(2, 3, 0.9, 1.15)], 'svd <on> "x"');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<polyline[^>]*points="([^"]*)"/)![1]!.split(' ')).toHaveLength(3);
    expect(svg).toContain('>epoch</text>');
    expect(svg).toContain('>error</text>');
    expect(svg).toContain('train (batch) error');
    expect(svg).toContain('svd &#60;on&#62; &#34;x&#34;');
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('falls back to steps when points share an epoch, and copes with no curve or no test error', () => {
    const svg = renderCurveSvg([point(0, 100, 1.1, NaN), point(0, 200, 1.0, NaN), point(1, 300, 0.95, NaN)]);
    expect(svg).toContain('>step</text>');
    expect(svg.match(/<polyline /g)).toHaveLength(1);
    expect(svg).not.toMatch(/NaN/);
    expect(renderCurveSvg([])).toContain('no training curve recorded');
    expect(renderCurveSvg([point(0, 1, 1, 1)])).not.toMatch(/NaN|Infinity/);
  });
});
