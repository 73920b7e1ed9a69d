import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float32Text } from '../../lib/batch/score-text';

describe('float32Text', () => {
  it('reads back as the same float32, in at most 9 significant digits in the range scores live in', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = float32Text(x);
        expect(Math.fround(JSON.parse(text) as number)).toBe(x === 0 ? 0 : x);
        if (Math.abs(x) >= 1e-6 && Math.abs(x) < 1e6) expect(text.replace(/^-?0\.0*|[-.]/g, '').length).toBeLessThanOrEqual(9);
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes short numbers short, and a non-finite score as null', () => {
    expect([5, 1, 0, -0, -2.5, Math.fround(0.1), Math.fround(3.14159), 1e-10].map((x) => float32Text(Math.fround(x)))).toEqual([
      '5',
      '1',
      '0',
      '0',
      '-2.5',
      '0.1',
      '3.14159',
      '0.0000000001',
    ]);
    expect(float32Text(Number.NaN)).toBe('null');
    expect(float32Text(-Infinity)).toBe('null');
    // Beyond the integer path: the double's own text, still exact.
    expect(Math.fround(Number(float32Text(Math.fround(3.4e38))))).toBe(Math.fround(3.4e38));
  });
});
