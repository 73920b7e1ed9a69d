import { describe, expect, it } from 'vitest';
import { chooseEngine, DEFAULT_THRESHOLDS, engineSettingsFromEnv } from '../../lib/pipeline/engine-choice';
import { TrainConfigError } from '../../lib/pipeline/config';
import { parseTrainEvent } from '../../lib/pipeline/train-event';

const limits = { aboveRatings: 1000, aboveBytes: 20_000 };
const ratings = (value: number) => ({ unit: 'ratings' as const, value, basis: 'users x perUser of the generator' });
const bytes = (value: number) => ({ unit: 'bytes' as const, value, basis: 'size of s3://b/data/r.csv' });

describe('chooseEngine', () => {
  it('auto: the state machine only past the threshold of the size unit the source has', () => {
    expect(chooseEngine('auto', ratings(1000), limits).engine).toBe('single');
    expect(chooseEngine('auto', ratings(1001), limits)).toEqual({ engine: 'distributed', reason: '1001 ratings (users x perUser of the generator) is above 1000 ratings' });
    // Bytes are compared with the bytes threshold, never with the ratings one.
    expect(chooseEngine('auto', bytes(19_999), limits).engine).toBe('single');
    expect(chooseEngine('auto', bytes(20_001), limits).engine).toBe('distributed');
    expect(chooseEngine('auto', bytes(5000), { aboveRatings: 10, aboveBytes: 20_000 }).engine).toBe('single');
  });

  it('auto stays single, saying why, when the state machine cannot take the run', () => {
    const choice = chooseEngine('auto', ratings(5000), limits, 'distributed training runs iALS only, not svd');
    expect(choice).toEqual({ engine: 'single', reason: '5000 ratings (users x perUser of the generator) is above 1000 ratings, but distributed training runs iALS only, not svd' });
    expect(() => chooseEngine('auto', undefined, limits)).toThrow(TrainConfigError);
  });

  it('single and distributed override the size; distributed refuses a run it cannot take', () => {
    expect(chooseEngine('single', ratings(1e9), limits).engine).toBe('single');
    expect(chooseEngine('distributed', ratings(1), limits).engine).toBe('distributed');
    expect(() => chooseEngine('distributed', undefined, limits, 'no state machine is configured (DISTRIBUTED_TRAIN_ARN)')).toThrow(
      'trainEngine is distributed, but no state machine is configured (DISTRIBUTED_TRAIN_ARN)',
    );
  });
});

describe('engine settings', () => {
  it('reads TRAIN_ENGINE (auto by default) and the thresholds, refusing what is not one', () => {
    expect(engineSettingsFromEnv({})).toEqual({ setting: 'auto', thresholds: DEFAULT_THRESHOLDS });
    expect(engineSettingsFromEnv({ TRAIN_ENGINE: 'single', DISTRIBUTED_ABOVE_RATINGS: '7', DISTRIBUTED_ABOVE_BYTES: '9' })).toEqual({
      setting: 'single',
      thresholds: { aboveRatings: 7, aboveBytes: 9 },
    });
    expect(() => engineSettingsFromEnv({ TRAIN_ENGINE: 'spark' })).toThrow('TRAIN_ENGINE must be one of auto, single, distributed, got "spark"');
    expect(() => engineSettingsFromEnv({ DISTRIBUTED_ABOVE_BYTES: '1e3.5' })).toThrow(/DISTRIBUTED_ABOVE_BYTES must be a whole number/);
    expect(() => engineSettingsFromEnv({ DISTRIBUTED_ABOVE_RATINGS: '0' })).toThrow(/DISTRIBUTED_ABOVE_RATINGS/);
  });

  it('takes an event\'s engine out of its training fields', () => {
    const job = parseTrainEvent({ engine: 'single', source: 'ml-100k', model: 'ials' }, {});
    expect(job).toMatchObject({ mode: 'train', engine: 'single', request: { source: 'ml-100k', model: 'ials' }, config: { source: 'ml-100k' } });
    expect(parseTrainEvent({ source: 'ml-100k' }, {})).not.toHaveProperty('engine');
    expect(() => parseTrainEvent({ engine: 'fast' }, {})).toThrow('engine must be one of auto, single, distributed, got "fast"');
    // A scheduled event asks with its detail only (usually empty): the env decides.
    expect(parseTrainEvent({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }, { TRAIN_SOURCE: 'ml-1m' })).toMatchObject({ request: {}, config: { source: 'ml-1m' } });
  });
});
