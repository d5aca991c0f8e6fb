import type { ProgressListener } from './types.js';

/** Maps a stage's own done/total onto its share [from, to] of the whole job. */
export function stageReporter(listener: ProgressListener | undefined, stage: string, from: number, to: number) {
  return (done: number, total: number): void => {
    listener?.({ stage, fraction: from + ((to - from) * done) / Math.max(1, total) });
  };
}
