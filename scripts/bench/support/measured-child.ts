/**
 * Runs one benchmark child process and measures it from outside, the same way for our
 * trainer and for a peer: each stdout line with the time it arrived, and the child's
 * peak RSS as the largest VmHWM read from /proc/PID/status every 20 ms. VmHWM is the
 * kernel's own high-water mark, so sampling misses only growth in the child's last
 * 20 ms; it is Linux only (elsewhere peakRssMB is undefined).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { BenchError } from './cli';

export interface TimedLine {
  text: string;
  /** performance.now() in this process when the line arrived. */
  atMs: number;
}

export interface ChildRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: TimedLine[];
  /** The last 4 KB of stderr, for error messages. */
  stderrTail: string;
  peakRssMB: number | undefined;
}

const SAMPLE_MS = 20;
const STDERR_TAIL = 4096;

/** VmHWM of a /proc/PID/status text, in KiB. */
export function vmHwmKiB(status: string): number | undefined {
  const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return m ? Number(m[1]) : undefined;
}

function readVmHwmKiB(pid: number): number | undefined {
  try {
    return vmHwmKiB(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined; // not Linux, or the child has just exited
  }
}

export function runMeasured(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: TimedLine[] = [];
    let stderrTail = '';
    let peakKiB: number | undefined;
    const sample = () => {
      const kib = child.pid === undefined ? undefined : readVmHwmKiB(child.pid);
      if (kib !== undefined) peakKiB = Math.max(peakKiB ?? 0, kib);
    };
    const timer = setInterval(sample, SAMPLE_MS);
    createInterface({ input: child.stdout }).on('line', (text) => {
      stdout.push({ text, atMs: performance.now() });
      sample(); // a line often marks a phase end, when memory is at its highest
    });
    child.stderr.on('data', (chunk: Buffer) => (stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL)));
    child.on('error', (error) => {
      clearInterval(timer);
      reject(new BenchError(`cannot start ${command}: ${error.message}`));
    });
    child.on('close', (exitCode, signal) => {
      clearInterval(timer);
      resolve({ exitCode, signal, stdout, stderrTail, peakRssMB: peakKiB === undefined ? undefined : Math.round(peakKiB / 1024) });
    });
  });
}

/** The one-line reason a run failed, or undefined when it exited 0. */
export function runFailure(name: string, run: ChildRun): string | undefined {
  if (run.exitCode === 0) return undefined;
  const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`;
  const last = run.stderrTail.trim().split('\n').at(-1)?.trim() || run.stdout.at(-1)?.text.trim();
  return `${name} ${how}${last ? `: ${last}` : ''}`;
}
