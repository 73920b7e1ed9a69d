import { describe, expect, it, vi } from 'vitest';
import { main } from '../../scripts/bench/train';

describe('bench train', () => {
  it('prints one JSON line with the documented fields', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      await main(['--users', '300', '--movies', '40', '--per-user', '10', '--dim', '8', '--epochs', '3', '--threads', '2', '--json']);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(out).toMatchObject({ model: 'svd', ratings: 3000, dim: 8, threads: 2, epochs: 3 });
    expect(out.secondsPerEpoch).toBeGreaterThan(0);
    expect(out.ratingsPerSecond).toBeGreaterThan(0);
    expect(out.peakRssMB).toBeGreaterThan(10);
  });
});
