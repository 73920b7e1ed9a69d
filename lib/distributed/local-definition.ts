/**
 * The state machine's definition (state-machine.json, what serverless.yml deploys) made
 * runnable by aws-local-stepfunctions, which has no Distributed Map and no ItemReader.
 * Only those fields change:
 *
 * - a Map with an ItemReader gets a Task state before it, `<Map>ReadItems`, whose
 *   Parameters are the reader's (so its Bucket and Key paths are resolved the same way)
 *   and whose result, the JSON item list, goes to `$.<ITEMS_FIELD>`, the Map's ItemsPath;
 *   every transition into the Map goes through it;
 * - the Map's processor runs INLINE (MaxConcurrency / MaxConcurrencyPath, ItemSelector,
 *   Retry and the rest stay as they are); Label, ToleratedFailurePercentage (0 is what an
 *   inline Map does anyway: any failed item fails it), ItemBatcher and ResultWriter go;
 * - a Task Resource that is a CloudFormation reference becomes a placeholder ARN (every
 *   Task runs a local handler, bound by state name).
 */

export type StateDefinition = Record<string, unknown> & { Type: string };
export interface MachineDefinition {
  StartAt: string;
  States: Record<string, StateDefinition>;
  [field: string]: unknown;
}

export const ITEMS_FIELD = 'mapItems';
export const readItemsState = (mapName: string): string => `${mapName}ReadItems`;
const PLACEHOLDER_ARN = (state: string) => `arn:aws:lambda:us-east-1:000000000000:function:local-${state.replace(/[^A-Za-z0-9-_]/g, '-')}`;

export interface LocalDefinition {
  definition: MachineDefinition;
  /** Every Task state's name, nested ones included; the inserted ReadItems states apart. */
  taskStates: string[];
  /** The inserted ReadItems states. */
  readerStates: string[];
}

const DISTRIBUTED_ONLY = ['ItemReader', 'Label', 'ToleratedFailurePercentage', 'ToleratedFailureCount', 'ToleratedFailurePercentagePath', 'ToleratedFailureCountPath', 'ItemBatcher', 'ResultWriter'];

export function toLocalDefinition(source: MachineDefinition): LocalDefinition {
  const taskStates: string[] = [];
  const readerStates: string[] = [];
  const convert = (machine: MachineDefinition): MachineDefinition => {
    const states: Record<string, StateDefinition> = {};
    const renamed = new Map<string, string>();
    for (const [name, state] of Object.entries(machine.States)) {
      if (state.Type === 'Map' && state.ItemReader) renamed.set(name, readItemsState(name));
    }
    const target = (next: unknown) => (typeof next === 'string' ? (renamed.get(next) ?? next) : next);
    for (const [name, original] of Object.entries(machine.States)) {
      const state: StateDefinition = structuredClone(original);
      if ('Next' in state) state.Next = target(state.Next);
      if ('Default' in state) state.Default = target(state.Default);
      if (Array.isArray(state.Choices)) state.Choices = state.Choices.map((c: Record<string, unknown>) => ({ ...c, Next: target(c.Next) }));
      if (Array.isArray(state.Catch)) state.Catch = state.Catch.map((c: Record<string, unknown>) => ({ ...c, Next: target(c.Next) }));
      if (state.Type === 'Task') {
        taskStates.push(name);
        if (typeof state.Resource !== 'string') state.Resource = PLACEHOLDER_ARN(name);
      }
      if (state.Type === 'Map') {
        const processor = (state.ItemProcessor ?? state.Iterator) as MachineDefinition & { ProcessorConfig?: unknown };
        const { ProcessorConfig: _, ...rest } = processor;
        state.ItemProcessor = { ...convert(rest as MachineDefinition), ProcessorConfig: { Mode: 'INLINE' } };
        delete state.Iterator;
        const reader = state.ItemReader as { Parameters?: unknown } | undefined;
        if (reader) {
          const readName = readItemsState(name);
          readerStates.push(readName);
          states[readName] = {
            Type: 'Task',
            Resource: PLACEHOLDER_ARN(readName),
            Parameters: reader.Parameters ?? {},
            ResultPath: `$.${ITEMS_FIELD}`,
            Next: name,
          };
          state.ItemsPath = `$.${ITEMS_FIELD}`;
        }
        for (const field of DISTRIBUTED_ONLY) delete state[field];
      }
      states[name] = state;
    }
    return { ...machine, StartAt: target(machine.StartAt) as string, States: states };
  };
  return { definition: convert(source), taskStates, readerStates };
}
