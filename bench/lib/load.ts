/** One shape of measurement for the project's jobs and for the baseline: a sequential run, then a burst. */
export interface LoadFigures {
  /** Milliseconds from start to completion, one run at a time. */
  sequentialMs: number[];
  /** Completed runs per second when `burst` start at once, until the last completes. */
  burstPerSecond: number;
  burstSeconds: number;
}

/**
 * `run` performs one unit of work and returns its latency in ms, from its start to the moment the work completed
 * (which may be earlier than when `run` noticed it, e.g. by polling): the burst ends when the last work completed.
 * `onBurstStart` runs just before the burst (e.g. to read CPU counters).
 */
export async function measureLoad(run: () => Promise<number>, counts: { sequential: number; burst: number }, onBurstStart?: () => void): Promise<LoadFigures> {
  const sequentialMs: number[] = [];
  for (let n = 0; n < counts.sequential; n++) sequentialMs.push(await run());
  onBurstStart?.();
  const started = performance.now();
  const completions = await Promise.all(
    Array.from({ length: counts.burst }, async () => {
      const runStarted = performance.now();
      return runStarted + (await run());
    }),
  );
  const burstSeconds = (Math.max(...completions) - started) / 1000;
  return { sequentialMs, burstPerSecond: counts.burst / burstSeconds, burstSeconds };
}
