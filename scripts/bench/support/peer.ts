/**
 * Peers for `bench train --vs`: third-party trainers built outside the repo (the peers
 * folder's build scripts write them into a folder of your choice, passed as --peers DIR
 * or PEERS_DIR). Each peer says which of our model kinds it is compared with, how to run
 * it on a peer input file (support/peer-input.ts), and how to read its seconds per
 * iteration from what it printed.
 */
import { BenchError } from './cli';
import type { ChildRun } from './measured-child';
import { implicit } from './peer-implicit';
import { libmf } from './peer-libmf';

export interface PeerSettings {
  dim: number;
  epochs: number;
  threads: number;
}

export interface PeerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface Peer {
  readonly name: string;
  /** Our model kind it is compared with. */
  readonly comparesWith: string;
  /** Its version and the settings it runs with, for the report. */
  describe(s: PeerSettings): string;
  /** How seconds per iteration are measured, for the report. */
  readonly measure: string;
  /** The command for one run; throws a BenchError saying how to build the peer when it is not built in `peersDir`. */
  command(peersDir: string, inputFile: string, workDir: string, s: PeerSettings): PeerCommand;
  /** Seconds per iteration of a finished run; throws a BenchError when its output has none. */
  secondsPerIteration(run: ChildRun, s: PeerSettings): number;
}

export const PEERS: Record<string, Peer> = { libmf, implicit };

export function getPeer(name: string): Peer {
  const peer = PEERS[name];
  if (!peer) throw new BenchError(`--vs: unknown peer "${name}"; pass ${Object.keys(PEERS).join(' or ')}`);
  return peer;
}

/** The built peers' folder: --peers, else PEERS_DIR. */
export function peersDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const dir = flag ?? env.PEERS_DIR;
  if (!dir) {
    throw new BenchError(
      '--vs needs the folder the peers were built into: pass --peers DIR or set PEERS_DIR (build them with the peers folder\'s build-libmf.sh DIR/libmf, build-implicit.sh DIR/implicit, build-surprise.sh DIR/surprise)',
    );
  }
  return dir;
}
