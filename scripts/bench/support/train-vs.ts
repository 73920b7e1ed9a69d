/**
 * `bench train --vs PEER`: our trainer and the peer on the same ratings, in turns (ours,
 * the peer's, ours, ...), each in its own child process so that each peak RSS is that
 * process's own (support/measured-child.ts) and neither side inherits the other's heap or
 * warm caches. Our turn is this bench itself (`bench train <the same data flags> ... --json`, run
 * the way this process was run) and its figure the median of its own epoch times over
 * epochs 2..N; the peer's figure is read from its output as its module says (LIBMF: the
 * gaps between its iteration lines, also iterations 2..N; implicit: its runner's own).
 * The peer reads a converted copy of the input in os.tmpdir() (support/peer-input.ts),
 * deleted afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from './cli';
import { runFailure, runMeasured, type ChildRun } from './measured-child';
import { getPeer, peersDir, type PeerSettings } from './peer';
import { writePeerInput } from './peer-input';
import { loadTrainData, trainDataArgs, type TrainDataOptions } from './train-data';
import { median } from './stats';
import { vsReport, type TurnPair, type VsReport } from './vs-report';

export interface TrainVsOptions extends PeerSettings, TrainDataOptions {
  model: string;
  vs: string;
  peers: string | undefined;
  runs: number;
}

const BENCH_INDEX = fileURLToPath(new URL('../index.ts', import.meta.url));
const OURS_MEASURE = "median of this bench's own epoch times (the model's progress clock) over epochs 2..N, in a child process";

/** What our child printed that the comparison uses. */
interface OurTurn {
  ratings: number;
  epochSeconds: number[];
}

function ourTurn(run: ChildRun): OurTurn {
  const last = run.stdout.at(-1)?.text;
  try {
    const out = JSON.parse(last ?? '') as Partial<OurTurn>;
    if (typeof out.ratings === 'number' && Array.isArray(out.epochSeconds)) return out as OurTurn;
  } catch {
    // reported below
  }
  throw new BenchError(`our bench train child printed no epoch times: ${last ?? 'nothing'}`, 1);
}

/** Writes the peer's copy of the input and returns its rating count; the parsed data set is garbage once this returns. */
async function writePeerCopy(o: TrainDataOptions, peerInput: string): Promise<number> {
  const data = await loadTrainData(o);
  writePeerInput(data, peerInput);
  return data.size;
}

const runOurs = (o: TrainVsOptions): Promise<ChildRun> =>
  runMeasured(process.execPath, [
    ...process.execArgv,
    BENCH_INDEX,
    'train',
    ...trainDataArgs(o),
    ...['--model', o.model, '--dim', String(o.dim), '--epochs', String(o.epochs)],
    ...['--threads', String(o.threads), '--seed', String(o.seed), '--json'],
  ]);

export async function runTrainVs(o: TrainVsOptions, say: (line: string) => void): Promise<VsReport> {
  const peer = getPeer(o.vs);
  if (peer.comparesWith !== o.model) throw new BenchError(`--vs ${peer.name} compares with --model ${peer.comparesWith}, not ${o.model}`);
  if (o.epochs < 2) throw new BenchError('--vs needs --epochs 2 or more: both sides leave the first epoch out');
  const dir = peersDir(o.peers);
  const work = mkdtempSync(join(tmpdir(), 'bench-train-vs-'));
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  // Ctrl-C skips `finally`; the copy can be as big as the input.
  const onInterrupt = () => {
    removeWork();
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const peerInput = join(work, 'ratings.txt');
    const peerCommand = peer.command(dir, peerInput, work, o); // fails here, before any work, when the peer is not built
    const ratings = await writePeerCopy(o, peerInput);
    say(`${trainDataArgs(o).join(' ')}: ${ratings} ratings written for ${peer.name} as 0-based "user item value" text`);

    const turns: TurnPair[] = [];
    for (let run = 1; run <= o.runs; run++) {
      const oursRun = await runOurs(o);
      const oursFailure = runFailure('our bench train child', oursRun);
      if (oursFailure) throw new BenchError(oursFailure, 1);
      const ours = ourTurn(oursRun);
      if (ours.ratings !== ratings) throw new BenchError(`our child trained on ${ours.ratings} ratings, the peer file has ${ratings}`, 1);

      const peerRun = await runMeasured(peerCommand.command, peerCommand.args, peerCommand.env);
      const peerFailure = runFailure(peer.name, peerRun);
      if (peerFailure) throw new BenchError(peerFailure, 1);

      const turn: TurnPair = {
        oursSecondsPerEpoch: median(ours.epochSeconds.slice(1)),
        peerSecondsPerEpoch: peer.secondsPerIteration(peerRun, o),
        oursPeakRssMB: oursRun.peakRssMB,
        peerPeakRssMB: peerRun.peakRssMB,
      };
      turns.push(turn);
      say(
        `run ${run}: ours ${turn.oursSecondsPerEpoch.toPrecision(4)} s/epoch (${turn.oursPeakRssMB ?? '?'} MB), ` +
          `${peer.name} ${turn.peerSecondsPerEpoch.toPrecision(4)} s/epoch (${turn.peerPeakRssMB ?? '?'} MB)`,
      );
    }
    return vsReport(
      {
        model: o.model,
        peer: peer.name,
        peerSettings: peer.describe(o),
        input: trainDataArgs(o).join(' '),
        ratings,
        dim: o.dim,
        threads: o.threads,
        epochs: o.epochs,
        measure: { ours: OURS_MEASURE, peer: peer.measure },
      },
      turns,
    );
  } finally {
    process.off('SIGINT', onInterrupt);
    removeWork();
  }
}
