import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

/**
 * Starts DistributedTrain executions. With SFN_ENDPOINT set (a local stand-in for the Step
 * Functions API, as in the tests) requests go there with placeholder credentials; without
 * it, the SDK's default region and credential chain talk to AWS.
 */
export function createSfnClient(env: NodeJS.ProcessEnv = process.env): SFNClient {
  const endpoint = env.SFN_ENDPOINT;
  return new SFNClient({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: 3,
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}

export interface StartedExecution {
  executionArn: string;
  /** When it started; absent when an execution of that name had already run (`alreadyStarted`). */
  startDate?: string;
  alreadyStarted?: true;
}

/**
 * One StartExecution; `name` is the run id, so an execution and its `distributed/<run>/`
 * share it. A name still running with the same input is the same execution (Step Functions
 * answers as the first time); a name already used and finished is ExecutionAlreadyExists:
 * this run was started before, so it is reported as such, not started again.
 */
export async function startExecution(client: SFNClient, stateMachineArn: string, name: string, input: unknown): Promise<StartedExecution> {
  try {
    const out = await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    if (!out.executionArn) throw new Error(`StartExecution of ${stateMachineArn} returned no execution ARN`);
    return { executionArn: out.executionArn, startDate: (out.startDate ?? new Date()).toISOString() };
  } catch (err) {
    if (!(err instanceof ExecutionAlreadyExists)) throw err;
    return { executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`, alreadyStarted: true };
  }
}
