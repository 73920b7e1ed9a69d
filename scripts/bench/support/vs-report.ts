/**
 * The report of `bench train --vs`: one row per pair of turns (ours, then the peer's, on
 * the same file), the ratio ours / peer's seconds per epoch in each pair (above 1: we are
 * slower), the medians, and each side's peak RSS (the largest over its runs).
 */
import { median, round } from './stats';

export interface TurnPair {
  oursSecondsPerEpoch: number;
  peerSecondsPerEpoch: number;
  oursPeakRssMB: number | undefined;
  peerPeakRssMB: number | undefined;
}

export interface VsSetup {
  model: string;
  peer: string;
  /** The peer's version and settings. */
  peerSettings: string;
  input: string;
  ratings: number;
  dim: number;
  threads: number;
  epochs: number;
  measure: { ours: string; peer: string };
}

export interface VsReport extends VsSetup {
  pairs: { run: number; oursSecondsPerEpoch: number; peerSecondsPerEpoch: number; ratio: number }[];
  median: { oursSecondsPerEpoch: number; peerSecondsPerEpoch: number; ratio: number };
  peakRssMB: { ours: number | null; peer: number | null };
}

const seconds = (x: number) => round(x, 6);
const largest = (xs: (number | undefined)[]): number | null => {
  const known = xs.filter((x): x is number => x !== undefined);
  return known.length ? Math.max(...known) : null;
};

export function vsReport(setup: VsSetup, turns: readonly TurnPair[]): VsReport {
  const ratios = turns.map((t) => t.oursSecondsPerEpoch / t.peerSecondsPerEpoch);
  return {
    ...setup,
    pairs: turns.map((t, k) => ({
      run: k + 1,
      oursSecondsPerEpoch: seconds(t.oursSecondsPerEpoch),
      peerSecondsPerEpoch: seconds(t.peerSecondsPerEpoch),
      ratio: round(ratios[k]!),
    })),
    median: {
      oursSecondsPerEpoch: seconds(median(turns.map((t) => t.oursSecondsPerEpoch))),
      peerSecondsPerEpoch: seconds(median(turns.map((t) => t.peerSecondsPerEpoch))),
      ratio: round(median(ratios)),
    },
    peakRssMB: { ours: largest(turns.map((t) => t.oursPeakRssMB)), peer: largest(turns.map((t) => t.peerPeakRssMB)) },
  };
}

/** The report as a small table in words. */
export function formatVsReport(r: VsReport): string {
  const s = (x: number) => x.toPrecision(4);
  const mb = (x: number | null) => (x === null ? 'unknown' : `${x} MB`);
  const peerColumn = `${r.peer} s/epoch`;
  const row = (label: string, ours: string, peer: string, ratio: string) =>
    `${label.padEnd(7)}${ours.padStart(14)}${peer.padStart(Math.max(14, peerColumn.length + 2))}${ratio.padStart(9)}`;
  return [
    `${r.model} vs ${r.peerSettings}`,
    `on ${r.input}: ${r.ratings.toLocaleString('en')} ratings, dim ${r.dim}, ${r.threads} threads, ${r.epochs} epochs`,
    row('run', 'ours s/epoch', peerColumn, 'ratio'),
    ...r.pairs.map((p) => row(String(p.run), s(p.oursSecondsPerEpoch), s(p.peerSecondsPerEpoch), `${p.ratio.toFixed(2)}x`)),
    row('median', s(r.median.oursSecondsPerEpoch), s(r.median.peerSecondsPerEpoch), `${r.median.ratio.toFixed(2)}x`),
    `peak RSS: ours ${mb(r.peakRssMB.ours)}, ${r.peer} ${mb(r.peakRssMB.peer)}`,
    `ratio = our seconds per epoch / ${r.peer}'s in the same pair of turns (above 1: we are slower); median ratio = median of the pairs' ratios`,
    `ours: ${r.measure.ours}`,
    `${r.peer}: ${r.measure.peer}`,
  ].join('\n');
}
