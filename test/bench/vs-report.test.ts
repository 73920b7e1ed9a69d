import { describe, expect, it } from 'vitest';
import { median } from '../../scripts/bench/support/stats';
import { formatVsReport, vsReport, type VsSetup } from '../../scripts/bench/support/vs-report';

const setup: VsSetup = {
  model: 'svd',
  peer: 'libmf',
  peerSettings: 'LIBMF -k 8',
  input: 'ratings.dat',
  ratings: 1_234_567,
  dim: 8,
  threads: 2,
  epochs: 3,
  measure: { ours: 'our clock', peer: 'line gaps' },
};

describe('bench train --vs report', () => {
  const report = vsReport(setup, [
    { oursSecondsPerEpoch: 3, peerSecondsPerEpoch: 2, oursPeakRssMB: 100, peerPeakRssMB: 40 },
    { oursSecondsPerEpoch: 1, peerSecondsPerEpoch: 4, oursPeakRssMB: 120, peerPeakRssMB: undefined },
    { oursSecondsPerEpoch: 2, peerSecondsPerEpoch: 1, oursPeakRssMB: 110, peerPeakRssMB: 45 },
  ]);

  it('gives each pair its ratio, ours over the peer\'s', () => {
    expect(report.pairs).toEqual([
      { run: 1, oursSecondsPerEpoch: 3, peerSecondsPerEpoch: 2, ratio: 1.5 },
      { run: 2, oursSecondsPerEpoch: 1, peerSecondsPerEpoch: 4, ratio: 0.25 },
      { run: 3, oursSecondsPerEpoch: 2, peerSecondsPerEpoch: 1, ratio: 2 },
    ]);
  });

  it('takes the median ratio over pairs, not the ratio of the medians', () => {
    expect(report.median).toEqual({ oursSecondsPerEpoch: 2, peerSecondsPerEpoch: 2, ratio: 1.5 });
  });

  it('reports the largest peak RSS of each side, null when none was measured', () => {
    expect(report.peakRssMB).toEqual({ ours: 120, peer: 45 });
    const unmeasured = vsReport(setup, [{ oursSecondsPerEpoch: 1, peerSecondsPerEpoch: 1, oursPeakRssMB: undefined, peerPeakRssMB: undefined }]);
    expect(unmeasured.peakRssMB).toEqual({ ours: null, peer: null });
  });

  it('prints a row per pair and the medians', () => {
    const lines = formatVsReport(report).split('\n');
    expect(lines[0]).toBe('svd vs LIBMF -k 8');
    expect(lines[1]).toContain('1,234,567 ratings');
    const row = (label: string) => lines.find((l) => l.startsWith(label))!.trim().split(/\s+/);
    expect(row('run')).toEqual(['run', 'ours', 's/epoch', 'libmf', 's/epoch', 'ratio']);
    expect(row('2')).toEqual(['2', '1.000', '4.000', '0.25x']);
    expect(row('median')).toEqual(['median', '2.000', '2.000', '1.50x']);
    expect(lines).toContain('peak RSS: ours 120 MB, libmf 45 MB');
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
