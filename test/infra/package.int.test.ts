import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLS, esbuildWorkDir, run } from './process';

type Resource = { Type: string; Properties: Record<string, any>; [k: string]: unknown };

/** `sls package --stage ci`: CloudFormation without Docker or an AWS account. */
describe('serverless.yml packaged for the ci stage', () => {
  let dir: string;
  const work = esbuildWorkDir('package');
  let resources: Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sls-package-'));
    const out = await run(SLS, ['package', '--stage', 'ci', '--package', dir], {
      timeoutMs: 110_000,
      env: { ESBUILD_WORK_DIR: work.name },
    });
    expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
    const template = JSON.parse(await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
    resources = template.Resources;
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await work.remove();
  });

  it('defines train as a container image with 15 minutes and >= 4 GB, and recommend as a zip', () => {
    const train = resources.TrainLambdaFunction!.Properties;
    expect(train.PackageType).toBe('Image');
    expect(train.Code.ImageUri).toMatch(/\.dkr\.ecr\..*@sha256:[0-9a-f]{64}$/);
    expect(train.Timeout).toBe(900);
    expect(train.MemorySize).toBeGreaterThanOrEqual(4096);
    expect(train.Environment.Variables).toMatchObject({ MODEL_BUCKET: expect.any(String), TRAIN_SOURCE: expect.any(String) });
    expect(train.Environment.Variables.S3_ENDPOINT).toBeUndefined();
    const reco = resources.RecommendLambdaFunction!.Properties;
    expect(reco.Runtime).toBe('nodejs22.x');
    expect(reco.Handler).toBe('functions/recommend.handler');
    expect(reco.Environment.Variables.S3_ENDPOINT).toBeUndefined();
  });

  it('schedules training once a day on the train function, which picks its engine (trainEngine auto), and the refresh every 15 minutes; the state machine has no schedule', () => {
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.State === 'ENABLED');
    expect(rules).toHaveLength(2);
    expect(ofType('AWS::Events::Rule')).toHaveLength(2);
    expect(JSON.stringify(ofType('AWS::Events::Rule'))).not.toContain('DistributedTrainStateMachine');
    const env = resources.TrainLambdaFunction!.Properties.Environment.Variables;
    expect(env).toMatchObject({ TRAIN_ENGINE: 'auto', DISTRIBUTED_ABOVE_RATINGS: '50000000', DISTRIBUTED_ABOVE_BYTES: '1000000000', DISTRIBUTED_SHARDS: '64' });
    // The ARN of the one state machine, by its name (a Ref would be a cycle: its definition refers to train).
    expect(env.DISTRIBUTED_TRAIN_ARN).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:movie-reco-ci-distributed-train',
    });
    expect(resources.DistributedTrainStateMachine!.Properties.StateMachineName).toBe('movie-reco-ci-distributed-train');
    const refresh = rules.map(([, r]) => r.Properties).find((p) => p.ScheduleExpression === 'rate(15 minutes)')!;
    expect(JSON.parse(refresh.Targets[0].Input)).toEqual({ mode: 'refresh' });
    const rule = rules.map(([, r]) => r.Properties).find((p) => p !== refresh)!;
    expect(rule.State).toBe('ENABLED');
    expect(rule.ScheduleExpression).toMatch(/^(cron\(\d+ \d+ \* \* \? \*\)|rate\(1 day\))$/);
    expect(JSON.stringify(rule.Targets)).toContain('TrainLambdaFunction');
    // A failed run is not retried on the spot (bad data stays bad).
    const retry = ofType('AWS::Lambda::EventInvokeConfig').map(([, r]) => r.Properties);
    expect(retry).toEqual([expect.objectContaining({ MaximumRetryAttempts: 0 })]);
  });

  it('makes the model bucket private, encrypted and versioned', () => {
    const bucket = resources.ModelBucket!;
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    const p = bucket.Properties;
    expect(p.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toMatch(/AES256|aws:kms/);
    expect(p.VersioningConfiguration.Status).toBe('Enabled');
    const policy = ofType('AWS::S3::BucketPolicy').find(([, r]) => JSON.stringify(r.Properties.Bucket) === '{"Ref":"ModelBucket"}');
    const deny = policy![1].Properties.PolicyDocument.Statement.find((s: any) => s.Effect === 'Deny');
    expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  it('gives each function its own least-privilege role (no s3:* on *)', () => {
    const statements = (roleName: string) =>
      (resources[roleName]!.Properties.Policies as Array<{ PolicyDocument: { Statement: any[] } }>).flatMap(
        (p) => p.PolicyDocument.Statement,
      );
    const actionsOn = (roleName: string, action: string) =>
      statements(roleName)
        .filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes(action))
        .flatMap((s) => [s.Resource].flat())
        .map((r) => JSON.stringify(r));
    for (const role of ['TrainRole', 'RecommendRole', 'EventsRole', 'EventsAuthorizerRole']) {
      for (const s of statements(role)) {
        expect([s.Action].flat().some((a: string) => a === '*' || a === 's3:*')).toBe(false);
        expect([s.Resource].flat()).not.toContain('*');
      }
    }
    expect(resources.TrainLambdaFunction!.Properties.Role).toEqual({ 'Fn::GetAtt': ['TrainRole', 'Arn'] });
    expect(resources.RecommendLambdaFunction!.Properties.Role).toEqual({ 'Fn::GetAtt': ['RecommendRole', 'Arn'] });

    expect(actionsOn('RecommendRole', 's3:GetObject')).toEqual([JSON.stringify({ 'Fn::Sub': '${ModelBucket.Arn}/models/*' })]);
    for (const write of ['s3:PutObject', 's3:DeleteObject']) {
      expect(actionsOn('RecommendRole', write)).toEqual([]);
      // models/ and cache/ for training, batch/ for the batch mode's exports, distributed/ (put only) for the distributed engine's steps.
      const prefixes = ['batch', 'cache', ...(write === 's3:PutObject' ? ['distributed'] : []), 'models'];
      expect(actionsOn('TrainRole', write).sort()).toEqual(prefixes.map((p) => JSON.stringify({ 'Fn::Sub': `\${ModelBucket.Arn}/${p}/*` })));
    }
    expect(actionsOn('TrainRole', 's3:GetObject').join()).toContain('/data/*');
    expect(actionsOn('TrainRole', 's3:GetObject').join()).toContain('/events/*');

    // POST /events: a put on events/* and nothing else in S3 but reading the live manifest; the key only in SSM, for the authorizer.
    expect(resources.EventsLambdaFunction!.Properties.Role).toEqual({ 'Fn::GetAtt': ['EventsRole', 'Arn'] });
    expect(resources.EventsAuthorizerLambdaFunction!.Properties.Role).toEqual({ 'Fn::GetAtt': ['EventsAuthorizerRole', 'Arn'] });
    expect(actionsOn('EventsRole', 's3:PutObject')).toEqual([JSON.stringify({ 'Fn::Sub': '${ModelBucket.Arn}/events/*' })]);
    expect(actionsOn('EventsRole', 's3:GetObject').sort()).toEqual(
      ['${ModelBucket.Arn}/models/*/manifest.json', '${ModelBucket.Arn}/models/LATEST'].map((r) => JSON.stringify({ 'Fn::Sub': r })),
    );
    const eventsActions = statements('EventsRole').flatMap((s) => [s.Action].flat());
    expect(eventsActions.filter((a: string) => a.startsWith('s3:')).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(actionsOn('RecommendRole', 's3:PutObject')).toEqual([]);
    expect(statements('EventsAuthorizerRole').flatMap((s) => [s.Action].flat()).filter((a: string) => !a.startsWith('logs:'))).toEqual(['ssm:GetParameter']);
    expect(actionsOn('EventsAuthorizerRole', 'ssm:GetParameter').join()).toContain(':parameter/movie-reco/ci/events-api-key');
    // Past one function's size train starts the state machine: StartExecution on that one machine, no other states: action.
    const states = statements('TrainRole').filter((s) => [s.Action].flat().some((a: string) => a.startsWith('states:')));
    expect(states).toEqual([
      {
        Sid: 'StartDistributedTrain',
        Effect: 'Allow',
        Action: ['states:StartExecution'],
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:movie-reco-ci-distributed-train' },
      },
    ]);
    const list = statements('TrainRole').find((s) => [s.Action].flat().includes('s3:ListBucket'));
    expect(list.Condition.StringLike['s3:prefix']).toEqual(expect.arrayContaining(['models/*', 'cache/*']));
  });

  it('defines the distributed training state machine: Distributed Maps over S3 item lists, no tolerated failures, its own role', () => {
    const machines = ofType('AWS::StepFunctions::StateMachine');
    expect(machines.map(([id]) => id)).toEqual(['DistributedTrainStateMachine']);
    const props = machines[0]![1].Properties;
    const [text, refs] = props.DefinitionString['Fn::Sub'] as [string, Record<string, unknown>];
    const definition = JSON.parse(text);
    // Every Task is the train function.
    expect(Object.values(refs)).toEqual([{ 'Fn::GetAtt': ['TrainLambdaFunction', 'Arn'] }]);
    for (const name of ['SolveItems', 'SolveUsers']) {
      const map = definition.States[name];
      expect(map.Type).toBe('Map');
      expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
      expect(map.ItemReader).toMatchObject({ Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' } });
      expect(map.ToleratedFailurePercentage).toBe(0);
      expect(map.MaxConcurrencyPath).toBeDefined();
      const task = Object.values(map.ItemProcessor.States)[0] as { Resource: string; Retry: Array<{ ErrorEquals: string[] }> };
      expect(task.Resource).toMatch(/^\$\{\w+\}$/);
      expect(task.Retry.flatMap((r) => r.ErrorEquals)).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Lambda.SdkClientException']));
    }
    expect(props.RoleArn).toEqual({ 'Fn::GetAtt': ['DistributedTrainRole', 'Arn'] });
    const role = resources.DistributedTrainRole!.Properties;
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'states.amazonaws.com' });
    const statements = role.Policies.flatMap((p: { PolicyDocument: { Statement: any[] } }) => p.PolicyDocument.Statement);
    const bySid = Object.fromEntries(statements.map((s: any) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual(['InvokeTrain', 'ReadBlockLists', 'RunMapChildren', 'WatchMapChildren']);
    expect(bySid.InvokeTrain.Action).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(bySid.InvokeTrain.Resource)).toContain('TrainLambdaFunction');
    expect(bySid.ReadBlockLists).toMatchObject({ Action: ['s3:GetObject'], Resource: { 'Fn::Sub': '${ModelBucket.Arn}/distributed/*' } });
    expect(bySid.RunMapChildren.Action).toEqual(['states:StartExecution']);
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      expect([s.Action].flat().some((a: string) => a.endsWith('*'))).toBe(false);
      expect([s.Resource].flat()).not.toContain('*');
    }
    // Its runs' working data expires.
    const rules = resources.ModelBucket!.Properties.LifecycleConfiguration.Rules;
    expect(rules).toContainEqual(expect.objectContaining({ Prefix: 'distributed/', ExpirationInDays: 7 }));
  });

  it('routes the API, the demo page and a catch-all on an HTTP API', () => {
    expect(ofType('AWS::ApiGatewayV2::Api')).toHaveLength(1);
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey).sort();
    // $default: every other method and path reaches the function, which answers 404 / 405 itself.
    expect(routes).toEqual([
      '$default',
      'GET /',
      'GET /app.css',
      'GET /app.js',
      'GET /health',
      'GET /movies/popular',
      'GET /movies/{id}/similar',
      'GET /reco',
      'GET /users/{id}/rated',
      'POST /events',
      'POST /reco',
    ]);
    // POST /events goes through the key authorizer (REQUEST, simple responses, not cached).
    const post = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === 'POST /events')![1].Properties;
    expect(post.AuthorizationType).toBe('CUSTOM');
    const [[authId, auth]] = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(post.AuthorizerId).toEqual({ Ref: authId });
    expect(auth.Properties).toMatchObject({ AuthorizerType: 'REQUEST', EnableSimpleResponses: true, AuthorizerResultTtlInSeconds: 0 });
    expect(JSON.stringify(auth.Properties.AuthorizerUri)).toContain('EventsAuthorizerLambdaFunction');
  });

  it('throttles the HTTP API, reserves recommend its concurrency, and writes JSON access logs', () => {
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 });
    expect(stage.Properties.RouteSettings['POST /events']).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    const recommend = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('Recommend'))!;
    expect(recommend[1].Properties.ReservedConcurrentExecutions).toBe(50);
  });

  it('alarms when recommend answers from an older model, or refuses user rows that fail their block checksums', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms).toContainEqual(expect.objectContaining({ Namespace: 'MovieReco', MetricName: 'degradedAnswers', Threshold: 1 }));
    expect(alarms).toContainEqual(expect.objectContaining({ Namespace: 'MovieReco', MetricName: 'corruptUserRows', Threshold: 1 }));
  });
});
