import { Counter, Gauge, type Registry } from 'prom-client';

/** Sources the orchestrator reads at scrape time (the database and Temporal are the truth, not a counter). */
export interface JobGaugeSources {
  /** Jobs whose credits are still reserved past the job's lifetime (should be 0: the reconciler settles them). */
  staleReservations(): Promise<number>;
  /** Pollers on, and tasks waiting in, each watched task queue. */
  taskQueues(): Promise<{ taskQueue: string; pollers: number; backlog: number }[]>;
}

/** Jobs and money, from the orchestrator that moves them: admissions, outcomes, credit movements, settlements. */
export function createJobMetrics(registry: Registry, sources?: JobGaugeSources) {
  // One read of Temporal serves both task-queue gauges of a scrape.
  const taskQueues = sources ? oncePerScrape(() => sources.taskQueues()) : undefined;
  const taskQueueGauge = (name: string, help: string, pick: (queue: { pollers: number; backlog: number }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['task_queue'] as const,
      registers: [registry],
      async collect() {
        for (const queue of (await taskQueues?.()) ?? []) this.set({ task_queue: queue.taskQueue }, pick(queue));
      },
    });
  taskQueueGauge('oneshot_task_queue_pollers', 'Workers polling a task queue (0 on the inference queue: no GPU worker).', (queue) => queue.pollers);
  taskQueueGauge('oneshot_task_queue_backlog', 'Tasks waiting in a task queue (approximate, from Temporal).', (queue) => queue.backlog);
  return {
    admitted: new Counter({ name: 'oneshot_jobs_admitted_total', help: 'Jobs admitted (credits reserved).', labelNames: ['job_type'] as const, registers: [registry] }),
    retries: new Counter({
      name: 'oneshot_job_retries_total',
      help: "Operators' retries (resets) of jobs failed for an infrastructure reason: admitted (credits reserved again) or refused (balance short).",
      labelNames: ['job_type', 'outcome'] as const,
      registers: [registry],
    }),
    finished: new Counter({
      name: 'oneshot_jobs_finished_total',
      help: 'Jobs ended, by type, status (completed, failed, canceled) and failure code ("" when completed).',
      labelNames: ['job_type', 'status', 'code'] as const,
      registers: [registry],
    }),
    credits: new Counter({
      name: 'oneshot_credits_total',
      help: 'Credits moved by jobs and billing: reserved, charged, refunded, clawed_back.',
      labelNames: ['movement'] as const,
      registers: [registry],
    }),
    settlements: new Counter({
      name: 'oneshot_reconciler_settlements_total',
      help: 'Jobs the reconciler settled (action=settled), whose row it repaired (action=repaired) or whose settlement failed after its retries (action=failed), by code.',
      labelNames: ['action', 'code'] as const,
      registers: [registry],
    }),
    staleReservations: new Gauge({
      name: 'oneshot_stale_reservations',
      help: 'Jobs whose credits are still reserved past the job lifetime; should be 0.',
      registers: [registry],
      async collect() {
        if (sources) this.set(await sources.staleReservations());
      },
    }),
  };
}

/** Shares one in-flight read between the collectors of one scrape. */
function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  return () => {
    current ??= read().finally(() => setTimeout(() => (current = undefined), 1_000).unref());
    return current;
  };
}

export type JobMetrics = ReturnType<typeof createJobMetrics>;
