import { LATEST_KEY } from '../artifacts/format';
import { ArtifactError } from '../artifacts/errors';
import { loadModelArtifacts, type LoadOptions } from '../artifacts/load';
import { listVersions } from '../artifacts/versions';
import type { ObjectStore } from '../storage/object-store';
import { NoModelError } from './errors';
import { ServingModel } from './serving-model';
import type { UserRowsOptions } from './user-rows';

export interface CacheLog {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface ModelCacheOptions extends LoadOptions, UserRowsOptions {
  /** LATEST is checked at most this often (a conditional GET). Default 60 s. */
  refreshSeconds?: number;
  /**
   * How long a request waits for a due refresh when a model is already loaded; past
   * this it answers from the current model while the refresh goes on. Default 1000 ms.
   */
  refreshWaitMs?: number;
  log?: CacheLog;
  now?: () => number;
}

/** Why the last check of LATEST did not bring a model, in a fixed vocabulary fit for a public answer. */
export type RefreshProblem = 'no-latest' | 'storage-unreachable' | 'model-invalid';

export interface CacheStatus {
  version?: string;
  loadedAt?: number;
  checkedAt?: number;
  /** Serving an older version because the one LATEST names does not load. */
  degraded?: { latestVersion: string; reason: RefreshProblem };
  /** Set while the last check failed. */
  problem?: RefreshProblem;
  /** The raw error of that check: for logs and operators, never for an answer. */
  lastError?: string;
}

const PROBLEM_TEXT: Record<RefreshProblem, string> = {
  'no-latest': 'no model has been published yet',
  'storage-unreachable': 'no model is available: the model store cannot be read right now',
  'model-invalid': 'no model is available: the published model does not verify',
};

/** A failed check's problem: the artifacts themselves (they do not verify), or reaching them. */
function problemOf(err: unknown): RefreshProblem {
  return err instanceof ArtifactError ? 'model-invalid' : 'storage-unreachable';
}

const silent: CacheLog = { info() {}, warn() {} };

/**
 * The live model of this container, loaded once and kept across invocations.
 * At most every `refreshSeconds` one request checks models/LATEST with a conditional
 * GET; when it names a new version, that version is loaded in full and only then
 * swapped in with a single assignment, so a request keeps the model it started with.
 * When S3 cannot be read, or the new version will not load, the current model keeps
 * serving (logged); a version that does not verify is remembered and backed off, and a
 * container that has no model yet serves the newest older one that loads (degraded).
 * With no model at all, current() throws NoModelError.
 */
export class ModelCache {
  private model: ServingModel | undefined;
  private etag: string | undefined;
  private checkedAt = -Infinity;
  private lastError: string | undefined;
  private problem: RefreshProblem | undefined;
  /** The version LATEST named that did not load, and until when it is not tried again. */
  private failed: { version: string; until: number; attempts: number } | undefined;
  private degraded: CacheStatus['degraded'];
  private pending: Promise<void> | undefined;
  private readonly refreshMs: number;
  private readonly log: CacheLog;
  private readonly now: () => number;

  constructor(
    readonly store: ObjectStore,
    private readonly options: ModelCacheOptions = {},
  ) {
    this.refreshMs = (options.refreshSeconds ?? 60) * 1000;
    this.log = options.log ?? silent;
    this.now = options.now ?? Date.now;
  }

  /** The model to answer with, refreshed if due. Throws NoModelError if there is none. */
  async current(): Promise<ServingModel> {
    if (this.model === undefined) await this.refresh();
    else if (!this.pending && this.now() - this.checkedAt >= this.refreshMs) {
      await this.refreshWithin(this.options.refreshWaitMs ?? 1000);
    }
    if (!this.model) throw new NoModelError(PROBLEM_TEXT[this.problem ?? 'no-latest']);
    return this.model;
  }

  /** Whether answers come from an older model because the live one does not verify. */
  get isDegraded(): boolean {
    return this.degraded !== undefined;
  }

  /** The model already loaded, without checking S3. */
  peek(): ServingModel | undefined {
    return this.model;
  }

  status(): CacheStatus {
    return {
      ...(this.model ? { version: this.model.version, loadedAt: this.model.loadedAt } : {}),
      ...(Number.isFinite(this.checkedAt) ? { checkedAt: this.checkedAt } : {}),
      ...(this.problem ? { problem: this.problem } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.degraded ? { degraded: this.degraded } : {}),
    };
  }

  /** Checks LATEST now (one check at a time; concurrent callers share it). */
  refresh(): Promise<void> {
    this.pending ??= this.check().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Waits for a refresh at most `ms`: a hung S3 must not hold up answers from a loaded model. */
  private async refreshWithin(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    await Promise.race([this.refresh(), waited]);
    clearTimeout(timer);
  }

  private async check(): Promise<void> {
    const started = this.now();
    let version: string | undefined;
    try {
      const latest = await this.store.getIfChanged(LATEST_KEY, this.model ? this.etag : undefined);
      if (latest.status === 'unchanged') {
        if (!this.degraded) this.lastError = this.problem = undefined;
        return;
      }
      if (latest.status === 'missing') {
        this.lastError = 'models/LATEST does not exist';
        this.problem = 'no-latest';
        if (this.model) this.log.warn('models/LATEST is gone; keeping the loaded model', { version: this.model.version });
        return;
      }
      version = latest.body.toString('utf8').trim();
      // A version that failed is not read again before its back-off ends: no retry storm.
      if (this.failed?.version === version && this.now() < this.failed.until) return;
      if (version !== this.model?.version) {
        const next = await this.load(version);
        const previous = this.model?.version;
        this.model = next;
        this.log.info('model loaded', { version, previous, ms: this.now() - started, rangedUsers: next.userRows.ranged });
      }
      this.etag = latest.etag;
      this.lastError = this.problem = undefined;
      this.failed = this.degraded = undefined;
    } catch (err) {
      this.lastError = (err as Error).message;
      this.problem = problemOf(err);
      this.log.warn(this.model ? 'model refresh failed; keeping the loaded model' : 'model load failed', {
        error: this.lastError,
        version: this.model?.version,
      });
      if (version !== undefined && this.problem === 'model-invalid') await this.fallBack(version);
    } finally {
      this.checkedAt = this.now();
    }
  }

  private async load(version: string): Promise<ServingModel> {
    const artifacts = await loadModelArtifacts(this.store, version, this.options);
    return new ServingModel(artifacts, this.store, this.options);
  }

  /**
   * LATEST names a version that does not verify: remember it (tried again after a
   * back-off that doubles, 5 s up to 5 min) and serve the last known good model: the one
   * already loaded, or else the newest older version that loads.
   */
  private async fallBack(latestVersion: string): Promise<void> {
    const attempts = this.failed?.version === latestVersion ? this.failed.attempts + 1 : 1;
    this.failed = { version: latestVersion, until: this.now() + Math.min(300_000, 5000 * 2 ** (attempts - 1)), attempts };
    this.degraded = { latestVersion, reason: 'model-invalid' };
    if (this.model) return;
    try {
      const candidates = (await listVersions(this.store)).filter((v) => v.complete && v.version !== latestVersion);
      for (const candidate of candidates) {
        try {
          this.model = await this.load(candidate.version);
          this.log.warn('serving an older model: the live one does not verify', { latest: latestVersion, serving: candidate.version });
          return;
        } catch (err) {
          this.log.warn('older model does not load either', { version: candidate.version, error: (err as Error).message });
        }
      }
    } catch (err) {
      this.log.warn('cannot list older models', { error: (err as Error).message });
    }
  }
}
