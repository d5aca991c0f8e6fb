import { setTimeout as sleep } from 'node:timers/promises';

/** How often a live stream re-reads the job row (progress writes are throttled to ~2/s anyway). */
const POLL_INTERVAL_MS = 500;
/** Comment lines keep proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

export type ServerSentEvent = { event: string; data: unknown } | { comment: string };

/**
 * The job as a sequence of `job` events: the current state, then every change, ending after a final state.
 * Reads the read model (PostgreSQL), never Temporal.
 */
export async function* jobEventStream<J extends { progress: number; status: string; stage?: string | null }, V>(
  first: J,
  load: () => Promise<J>,
  view: (job: J) => Promise<V>,
  isFinal: (job: J) => boolean,
): AsyncGenerator<ServerSentEvent> {
  let job = first;
  let seen = '';
  let quietSince = Date.now();
  for (;;) {
    const signature = `${job.status}|${job.progress}|${job.stage ?? ''}`;
    if (signature !== seen) {
      seen = signature;
      quietSince = Date.now();
      yield { event: 'job', data: await view(job) };
    } else if (Date.now() - quietSince > KEEPALIVE_MS) {
      quietSince = Date.now();
      yield { comment: 'keepalive' };
    }
    if (isFinal(job)) return;
    await sleep(POLL_INTERVAL_MS);
    job = await load();
  }
}
