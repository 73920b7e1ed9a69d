import { readFile } from 'node:fs/promises';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { ITEMS_FIELD, readItemsState, toLocalDefinition, type MachineDefinition } from '../../lib/distributed/local-definition';
import { stateMachineDefinition } from '../../lib/distributed/local-run';

const TRAIN_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:movie-reco-ci-train';

/** The definition as CloudFormation deploys it: every `Fn::GetAtt` of the train function resolved to its ARN. */
function deployed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deployed);
  if (value && typeof value === 'object') {
    if ('Fn::GetAtt' in value) return TRAIN_ARN;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deployed(v)]));
  }
  return value;
}

const validate = (definition: unknown) => aslValidator(definition as never);

describe('the distributed training state machine (lib/distributed/state-machine.json)', () => {
  const source = stateMachineDefinition();

  it('is valid Amazon States Language as deployed, with Distributed Maps over S3 item lists', () => {
    const { isValid, errorsText } = validate(deployed(source));
    expect(isValid, errorsText('\n')).toBe(true);
    for (const name of ['SolveItems', 'SolveUsers']) {
      const map = source.States[name]! as Record<string, any>;
      expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
      expect(map.ItemReader.Resource).toBe('arn:aws:states:::s3:getObject');
      expect(map.ToleratedFailurePercentage).toBe(0);
      expect(map.MaxConcurrencyPath).toBe('$.run.maxConcurrency');
      const task = Object.values(map.ItemProcessor.States)[0] as Record<string, any>;
      const retried = task.Retry.flatMap((r: { ErrorEquals: string[] }) => r.ErrorEquals);
      expect(retried).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Lambda.SdkClientException', 'States.TaskFailed']));
    }
  });

  it("gives every Task the train function's own 15-minute limit (the ASL default is 60 s, which a large prepare passes)", async () => {
    const yml = await readFile('serverless.yml', 'utf8');
    const trainTimeout = Number(/trainCommon: &trainCommon[\s\S]*?\n\s+timeout: (\d+)/.exec(yml)![1]);
    expect(trainTimeout).toBe(900);
    const tasks: [string, Record<string, any>][] = [];
    const collect = (states: Record<string, any>) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === 'Task') tasks.push([name, state]);
        if (state.ItemProcessor) collect(state.ItemProcessor.States);
      }
    };
    collect(source.States);
    expect(tasks.map(([name]) => name).sort()).toEqual(['Finish', 'Prepare', 'ReduceItems', 'ReduceUsers', 'SolveItemBlock', 'SolveUserBlock']);
    for (const [name, task] of tasks) expect(task.TimeoutSeconds, name).toBe(trainTimeout);
  });

  it('loops: the Choice goes back to the items step until the users reduce says done, then to Finish', () => {
    const choice = source.States.MoreIterations! as Record<string, any>;
    expect(choice.Choices).toEqual([{ Variable: '$.done', BooleanEquals: false, Next: 'SolveItems' }]);
    expect(choice.Default).toBe('Finish');
    expect(source.States.ReduceUsers!.Next).toBe('MoreIterations');
  });
});

describe('toLocalDefinition (the Distributed Map for aws-local-stepfunctions)', () => {
  const source = stateMachineDefinition();
  const { definition, taskStates, readerStates } = toLocalDefinition(source);

  it('puts a ReadItems task, with the reader own Parameters, before each Distributed Map and routes every transition through it', () => {
    expect(readerStates.sort()).toEqual([readItemsState('SolveItems'), readItemsState('SolveUsers')].sort());
    const read = definition.States[readItemsState('SolveItems')]! as Record<string, any>;
    expect(read).toMatchObject({ Type: 'Task', ResultPath: `$.${ITEMS_FIELD}`, Next: 'SolveItems' });
    expect(read.Parameters).toEqual((source.States.SolveItems as Record<string, any>).ItemReader.Parameters);
    expect(definition.States.Prepare!.Next).toBe(readItemsState('SolveItems'));
    expect(definition.States.ReduceItems!.Next).toBe(readItemsState('SolveUsers'));
    expect((definition.States.MoreIterations as Record<string, any>).Choices[0].Next).toBe(readItemsState('SolveItems'));
  });

  it('runs the maps inline over that list, keeping concurrency, selector and retries, dropping only distributed fields', () => {
    const map = definition.States.SolveItems! as Record<string, any>;
    const original = source.States.SolveItems! as Record<string, any>;
    expect(map.ItemsPath).toBe(`$.${ITEMS_FIELD}`);
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    expect(map.MaxConcurrencyPath).toBe(original.MaxConcurrencyPath);
    expect(map.ItemSelector).toEqual(original.ItemSelector);
    expect(map.ItemProcessor.States.SolveItemBlock.Retry).toEqual(original.ItemProcessor.States.SolveItemBlock.Retry);
    for (const field of ['ItemReader', 'Label', 'ToleratedFailurePercentage']) expect(map).not.toHaveProperty(field);
    expect(source.States.SolveItems).toHaveProperty('ItemReader'); // the source is left as it was
  });

  it('names every Task (nested ones too) and gives each a string ARN; the result is valid ASL', () => {
    expect(taskStates.sort()).toEqual(['Finish', 'Prepare', 'ReduceItems', 'ReduceUsers', 'SolveItemBlock', 'SolveUserBlock']);
    const { isValid, errorsText } = validate(definition);
    expect(isValid, errorsText('\n')).toBe(true);
  });

  it('leaves a machine without Distributed Maps as it was, apart from resources', () => {
    const plain: MachineDefinition = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } } };
    expect(toLocalDefinition(plain).definition).toEqual(plain);
  });
});
