import type { PublishInput } from '../artifacts/publish';
import type { TrainingRun } from './train-pipeline';

/** What publishing takes from a training run: the fit, the FULL data set, the params training really used. */
export function toPublishInput(run: TrainingRun): PublishInput {
  const curve = run.fit.curve;
  return {
    factors: run.fit.factors,
    dataset: run.loaded.dataset,
    params: run.params,
    metrics: run.metrics,
    timings: run.timings,
    curve,
    // Epochs run (some models report several points per epoch).
    epochs: new Set(curve.map((p) => p.epoch)).size,
    ...(run.fit.stoppedBy ? { stoppedBy: run.fit.stoppedBy } : {}),
    source: { name: run.loaded.dataset.name, source: run.loaded.source, sha256: run.loaded.sha256 },
    ...(run.data.events?.through ? { events: { through: run.data.events.through, merged: run.data.events.merged } } : {}),
  };
}
