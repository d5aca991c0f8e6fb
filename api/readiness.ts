import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { readManifest } from '../inference/models/manifest.js';
import type { Logger } from '../integrations/logger.js';
import type { ObjectStore } from '../integrations/object-store.js';
import { activityQueueStats } from '../integrations/task-queue-stats.js';

/** A dependency the service needs to take traffic; `check` rejects when it is unreachable. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<unknown>;
}

export interface CheckResult {
  ok: boolean;
  detail?: unknown;
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checkedAt: Date;
  /** For operators only: versions, queue and model names, raw dependency errors. */
  checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Runs the checks at most once per `cacheMs`, however many requests ask, and at most once at a time (callers
 * during a run share it): a flood of /readyz costs the dependencies nothing.
 */
export class ReadinessProbe {
  private last?: ReadinessReport;
  private running?: Promise<ReadinessReport>;

  constructor(
    private readonly checks: ReadinessCheck[],
    private readonly cacheMs: number,
    private readonly logger: Logger,
  ) {}

  report(now = Date.now()): Promise<ReadinessReport> {
    if (this.last && now - this.last.checkedAt.getTime() < this.cacheMs) return Promise.resolve(this.last);
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }): Promise<[string, CheckResult]> => {
        try {
          const detail: unknown = await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, { ok: true, ...(detail && typeof detail === 'object' ? { detail } : {}) }];
        } catch (error) {
          this.logger.warn({ err: error, dependency: name }, 'readiness check failed');
          return [name, { ok: false, error: error instanceof Error ? error.message : String(error) }];
        }
      }),
    );
    this.last = { ready: results.every(([, result]) => result.ok), checkedAt: new Date(), checks: Object.fromEntries(results) };
    return this.last;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface ReadinessDeps {
  orm: MikroORM;
  temporal: Client;
  objectStore: ObjectStore;
  inferenceTaskQueue: string;
  /** Where the inference workers' model manifest is, when this host can see it. */
  modelDir: string;
}

/**
 * The dependencies the API cannot serve without, plus what operators need to know about inference: how many
 * workers poll the GPU queue (jobs wait in the queue while there are none) and which models are placeholders.
 */
export function readinessChecks(deps: ReadinessDeps): ReadinessCheck[] {
  return [
    { name: 'database', check: async () => void (await deps.orm.em.getConnection().execute('select 1')) },
    {
      name: 'temporal',
      check: async () => ({ server_version: (await deps.temporal.workflowService.getSystemInfo({})).serverVersion }),
    },
    { name: 's3', check: () => deps.objectStore.ping() },
    {
      name: 'inference',
      check: async () => {
        const [{ pollers }, manifest] = await Promise.all([activityQueueStats(deps.temporal, deps.inferenceTaskQueue), readManifest(deps.modelDir)]);
        return {
          task_queue: deps.inferenceTaskQueue,
          workers: pollers,
          models: manifest.models.map((model) => model.name),
          placeholder_models: manifest.models.filter((model) => model.placeholder).map((model) => model.name),
        };
      },
    },
  ];
}
