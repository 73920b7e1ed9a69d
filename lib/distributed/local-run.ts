/**
 * Runs the deployed state machine's definition on this machine: aws-local-stepfunctions
 * interprets it (after local-definition.ts's translation of the Distributed Map), every
 * Task bound to `invoke` (the train function's real handler, in-process) and the
 * ItemReaders to the run's bucket. Retries wait `retryDelayMs` instead of the
 * definition's back-off (there is no throttling to wait out here).
 */
import './with-resolvers';
import type { ObjectStore } from '../storage/object-store';
import definitionJson from './state-machine.json';
import { toLocalDefinition, type MachineDefinition } from './local-definition';

export const stateMachineDefinition = (): MachineDefinition => structuredClone(definitionJson) as unknown as MachineDefinition;

export interface LocalRunOptions {
  /** What a Task state calls with its input: the Lambda handler. */
  invoke: (event: unknown, state: string) => Promise<unknown>;
  /** Where the ItemReaders read their item lists (the run's bucket). */
  store: ObjectStore;
  /** Stops the execution, as StopExecution does: no further state starts (the run's result rejects). */
  signal?: AbortSignal;
  /** Every event of the execution (state entered, retried, map iteration...). */
  onEvent?: (event: { type: string; state?: string; [k: string]: unknown }) => void;
}

export interface LocalRunResult {
  output: unknown;
  /** Retried Task states, by name. */
  retries: Record<string, number>;
}

export async function runLocalStateMachine(input: unknown, options: LocalRunOptions, source: MachineDefinition = stateMachineDefinition()): Promise<LocalRunResult> {
  const { StateMachine } = await import('aws-local-stepfunctions');
  const local = toLocalDefinition(source);
  const handlers: Record<string, (input: never) => Promise<never>> = {};
  const delays: Record<string, number> = {};
  for (const name of local.taskStates) {
    handlers[name] = (async (event: unknown) => options.invoke(event, name)) as never;
    delays[name] = 0; // locally a retry does not wait: the definition's back-off is for AWS's throttles
  }
  for (const name of local.readerStates) {
    handlers[name] = (async (params: { Bucket?: string; Key?: string }) => {
      if (params.Bucket !== options.store.bucket || !params.Key) throw new Error(`ItemReader: s3://${params.Bucket}/${params.Key} is not in bucket ${options.store.bucket}`);
      const body = await options.store.get(params.Key);
      if (!body) throw new Error(`ItemReader: s3://${params.Bucket}/${params.Key} does not exist`);
      const items = JSON.parse(body.toString('utf8')) as unknown;
      if (!Array.isArray(items)) throw new Error(`ItemReader: s3://${params.Bucket}/${params.Key} is not a JSON array`);
      return items;
    }) as never;
  }
  const machine = new StateMachine(local.definition as never, { validationOptions: { checkArn: false } as never });
  const execution = machine.run(input as never, { overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: delays } });
  if (options.signal?.aborted) execution.abort();
  options.signal?.addEventListener('abort', () => execution.abort(), { once: true });
  const retries: Record<string, number> = {};
  const logs = (async () => {
    for await (const event of execution.eventLogs) {
      const e = event as unknown as { type: string; state?: { name?: string } };
      if (e.type === 'StateRetried' && e.state?.name) retries[e.state.name] = (retries[e.state.name] ?? 0) + 1;
      options.onEvent?.({ ...(event as unknown as Record<string, unknown>), type: e.type, ...(e.state?.name ? { state: e.state.name } : {}) });
    }
  })();
  const output = await execution.result;
  await logs.catch(() => {});
  return { output, retries };
}
