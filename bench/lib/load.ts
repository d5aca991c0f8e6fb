/** One shape of measurement for the project's jobs and for the baseline: a sequential run, then a burst. */
export interface LoadFigures {
  /** Milliseconds from start to completion, one run at a time. */
  sequentialMs: number[];
  /** Completed runs per second when `burst` start at once, until the last completes. */
  burstPerSecond: number;
  burstSeconds: number;
}

/** `run` performs one unit of work and returns its latency in ms. */
export async function measureLoad(run: () => Promise<number>, counts: { sequential: number; burst: number }): Promise<LoadFigures> {
  const sequentialMs: number[] = [];
  for (let n = 0; n < counts.sequential; n++) sequentialMs.push(await run());
  const started = performance.now();
  await Promise.all(Array.from({ length: counts.burst }, run));
  const burstSeconds = (performance.now() - started) / 1000;
  return { sequentialMs, burstPerSecond: counts.burst / burstSeconds, burstSeconds };
}
