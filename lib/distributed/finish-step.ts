/**
 * The finish step: the run's last factor blocks become one model, published the way
 * every model is. The source is read and split again through lib/pipeline (it must be
 * the bytes prepare read: same checksum, same counts), the factors are assembled as
 * ials/train.ts's fit returns them (items back in the data set's order), evaluated by
 * the pipeline's evaluateFit (on a sample of users when the run asks for one:
 * eval-sample.ts) and published by publishModel (every file verified, LATEST last). A
 * run stopped before this step has written nothing under models/. The posted events
 * prepare merged are merged again, read up to the moment prepare stopped reading.
 */
import { publishModel } from '../artifacts/publish';
import type { Manifest } from '../artifacts/format';
import { nItems, nUsers } from '../data/dataset';
import type { Factors } from '../math/factors';
import type { FitResult, Progress } from '../models/contract';
import { rowsInOrder, type IalsParams } from '../models/ials/train';
import type { TrainConfig } from '../pipeline/config';
import { toPublishInput } from '../pipeline/publish-input';
import { evaluateFit, loadAndSplit, type TrainingHooks, type TrainingRun } from '../pipeline/train-pipeline';
import type { ObjectStore } from '../storage/object-store';
import { sampleUsers } from './eval-sample';
import { readItemOrder, readJson, readSide, S3_PARALLEL } from './factor-blocks';
import type { CurvePoint } from './reduce-step';
import { keys, type RunManifest, type RunRef } from './run-layout';
import { readManifest } from './solve-step';
import { mapLimit } from '../storage/map-limit';

/** The run's learning curve, one point per iteration, as a fit reports it. */
async function readCurve(store: ObjectStore, run: RunRef): Promise<Progress[]> {
  const epochs = Array.from({ length: run.iterations }, (_, k) => k + 1);
  const points = await mapLimit(epochs, S3_PARALLEL, (t) => readJson<CurvePoint>(store, keys.curve(run.prefix, t)));
  let best = Infinity;
  return points.map((p) => {
    const improved = p.batchError < best;
    if (improved) best = p.batchError;
    return { epoch: p.epoch, step: p.epoch, batchError: p.batchError, testError: p.batchError, elapsedMs: p.elapsedMs, best: improved };
  });
}

/** The run's factors after its last iteration, as ials/train.ts's fit returns them. */
export async function assembleFactors(store: ObjectStore, run: RunRef, manifest: RunManifest, scale: Factors['scale']): Promise<Factors> {
  const params = manifest.params as unknown as IalsParams;
  const { dim } = manifest;
  const [P, Qpopular, order] = await Promise.all([
    readSide(store, run.prefix, 'users', run.iterations, manifest.blocks.users, dim),
    readSide(store, run.prefix, 'items', run.iterations, manifest.blocks.items, dim),
    readItemOrder(store, run.prefix, manifest.nItems),
  ]);
  return {
    kind: 'ials',
    scoring: 'ranking',
    dim,
    nUsers: manifest.nUsers,
    nItems: manifest.nItems,
    mu: 0,
    scale,
    P,
    Q: rowsInOrder(Qpopular, order, dim),
    foldIn: { reg: params.reg, regExponent: params.regExponent, alpha: params.alpha, confidence: params.confidence, epsilon: params.epsilon },
  };
}

export async function finishStep(store: ObjectStore, run: RunRef, hooks: TrainingHooks = {}): Promise<Manifest> {
  const started = performance.now();
  const manifest = await readManifest(store, run);
  const config = manifest.config as unknown as TrainConfig;
  // The events prepare merged: read again up to the same moment (none if it read none).
  const events = manifest.events ? { eventsStore: store, eventsUntil: manifest.events.until } : {};
  const split = await loadAndSplit(config, { ...hooks, ...events });
  const { loaded, train, test, validation } = split;
  if (loaded.sha256 !== manifest.source.sha256 || train.size !== manifest.nRatings || nUsers(train) !== manifest.nUsers || nItems(train) !== manifest.nItems) {
    throw new Error(`${config.source} changed since the run was prepared (checksum or counts differ): nothing published`);
  }
  const factors = await assembleFactors(store, run, manifest, train.scale);
  const fit: FitResult = { factors, resolvedParams: manifest.params, curve: await readCurve(store, run) };
  const metrics = evaluateFit(fit, train, test, sampleUsers(validation, manifest.evalUsers, config.seed), loaded);
  const trainingRun: TrainingRun = {
    loaded,
    data: split.data,
    train,
    test,
    validation,
    fit,
    metrics,
    timings: { finish: Math.round(performance.now() - started) / 1000, total: Math.round(Date.now() - Date.parse(manifest.preparedAt)) / 1000 },
    config,
    params: { ...manifest.params, engine: 'distributed', shards: manifest.blocks.users.length, ...(manifest.evalUsers !== undefined ? { evalUsers: manifest.evalUsers } : {}) },
  };
  return publishModel(store, toPublishInput(trainingRun), { ...(hooks.log ? { log: hooks.log } : {}) });
}
