/** When a completed job's result stops being served: its retention has passed, or the sweep already deleted it. */
export function isResultExpired(job: { status: string; completedAt: Date | null; resultKey: string | null }, retentionMs: number, now = Date.now()): boolean {
  if (job.status !== 'completed') return false;
  if (!job.resultKey) return true;
  return job.completedAt !== null && job.completedAt.getTime() + retentionMs <= now;
}

/** S3 lifecycle rules count whole days: never shorter than the period they back up. */
export function lifecycleDays(periodMs: number): number {
  return Math.max(1, Math.ceil(periodMs / 86_400_000));
}

/** A period in words for documents and API descriptions, e.g. "24 hours", "7 days". */
export function describePeriod(periodMs: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1_000, 'second'],
  ];
  const [size, name] = units.find(([size]) => periodMs % size === 0 && periodMs >= size) ?? [1, 'millisecond'];
  const count = periodMs / size;
  return `${count} ${name}${count === 1 ? '' : 's'}`;
}
