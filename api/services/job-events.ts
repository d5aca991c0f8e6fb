export type ServerSentEvent = { event: string; data: unknown } | { comment: string };

/**
 * The job as a sequence of `job` events: the current state, then every change, ending after a final state.
 * Reads the read model (PostgreSQL), never Temporal. `waitForChange` resolves at the job's next change or after a
 * quiet interval; each wait is armed before the row is read, so no change between the two is missed. A quiet
 * interval yields a keepalive comment, which keeps proxies from closing the stream.
 */
export async function* jobEventStream<J extends { progress: number; status: string; stage?: string | null }>(
  load: () => Promise<J>,
  view: (job: J) => Promise<unknown>,
  isFinal: (job: J) => boolean,
  waitForChange: () => Promise<void>,
): AsyncGenerator<ServerSentEvent> {
  let seen = '';
  for (;;) {
    const changed = waitForChange();
    const job = await load();
    const signature = `${job.status}|${job.progress}|${job.stage ?? ''}`;
    if (signature !== seen) {
      seen = signature;
      yield { event: 'job', data: await view(job) };
    } else {
      yield { comment: 'keepalive' };
    }
    if (isFinal(job)) return;
    await changed;
  }
}
