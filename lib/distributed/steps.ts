/**
 * The distributed engine's step events, as the state machine (state-machine.json) sends
 * them to the train function, and the one function that runs any of them. Modes:
 * `distributed-prepare` {request: {config, shards, maxConcurrency?, runId?}},
 * `distributed-solve` {run, side, block, iteration}, `distributed-reduce` {run, side,
 * iteration}, `distributed-finish` {run}.
 */
import * as z from 'zod';
import type { Manifest } from '../artifacts/format';
import { configFromEvent } from '../pipeline/train-event';
import type { TrainConfig } from '../pipeline/config';
import type { TrainingHooks } from '../pipeline/train-pipeline';
import type { ObjectStore } from '../storage/object-store';
import { finishStep } from './finish-step';
import { prepareRun, PrepareRequestSchema, type LoopState } from './prepare';
import { reduceStep } from './reduce-step';
import { RunRefSchema, SideSchema } from './run-layout';
import { solveStep, type SolveStepResult } from './solve-step';

const iteration = z.number().int().min(1);

export const StepEventSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('distributed-prepare'), request: PrepareRequestSchema }).strict(),
  z.object({ mode: z.literal('distributed-solve'), run: RunRefSchema, side: SideSchema, block: z.number().int().nonnegative(), iteration }).strict(),
  z.object({ mode: z.literal('distributed-reduce'), run: RunRefSchema, side: SideSchema, iteration }).strict(),
  // The loop's state passes through as it is; finish needs only the run.
  z.object({ mode: z.literal('distributed-finish'), run: RunRefSchema }).passthrough(),
]);
export type StepEvent = z.infer<typeof StepEventSchema>;

export class StepEventError extends Error {
  override name = 'StepEventError';
}

export const isDistributedStep = (event: unknown): boolean =>
  typeof event === 'object' && event !== null && typeof (event as { mode?: unknown }).mode === 'string' && (event as { mode: string }).mode.startsWith('distributed-');

export function parseStepEvent(event: unknown): StepEvent {
  const parsed = StepEventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StepEventError(`invalid distributed step event: ${issue.path.join('.') || '(event)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The prepare event's training config, over the env defaults as the train mode's (throws TrainConfigError). */
export const prepareConfig = (e: Extract<StepEvent, { mode: 'distributed-prepare' }>, env: NodeJS.ProcessEnv = process.env): TrainConfig =>
  configFromEvent({ ...e.request.config, mode: 'train' }, env);

/** Finish's report: the published version, its metrics, and the posted events merged into its data. */
export type FinishResult = { mode: 'distributed-finish'; version: string; metrics: Manifest['metrics']; events: { merged: number } };
export type StepResult = LoopState | SolveStepResult | FinishResult;

export async function runStep(store: ObjectStore, e: StepEvent, options: { threads?: number; hooks?: TrainingHooks; config?: TrainConfig } = {}): Promise<StepResult> {
  switch (e.mode) {
    case 'distributed-prepare':
      return prepareRun(store, options.config ?? prepareConfig(e), e.request, options.hooks);
    case 'distributed-solve':
      return solveStep(store, e.run, e.side, e.block, e.iteration, options);
    case 'distributed-reduce':
      return reduceStep(store, e.run, e.side, e.iteration);
    case 'distributed-finish': {
      const manifest = await finishStep(store, e.run, options.hooks);
      return { mode: 'distributed-finish', version: manifest.version, metrics: manifest.metrics, events: { merged: manifest.events?.merged ?? 0 } };
    }
  }
}
