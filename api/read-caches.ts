import type { JobRow } from '../db/job-queries.js';
import type { ChangeFeed } from '../integrations/change-feed.js';
import { ChangeInvalidatedCache } from '../integrations/change-invalidated-cache.js';
import type { ApiMetrics } from '../integrations/metrics/api-metrics.js';

/** Only a backstop: entries go at their row's change notification, and all of them whenever the feed is in doubt. */
const BACKSTOP_TTL_MS = 60_000;

/**
 * What every authenticated request or every poll would otherwise read again: whether the caller's account is
 * open, and the job being polled. Kept per process, each entry forgotten when PostgreSQL announces its row's change
 * (`account_changed`, `job_changed`), so a closed account is refused and a job's progress shows as soon as the
 * notification arrives (milliseconds after commit).
 */
export interface ReadCaches {
  openAccounts: ChangeInvalidatedCache<boolean>;
  jobs: ChangeInvalidatedCache<JobRow | null>;
}

export function createReadCaches(changes: ChangeFeed, maxEntries: number, metrics: Pick<ApiMetrics, 'readCacheLookups'>): ReadCaches {
  const options = (cache: string) => ({
    maxEntries,
    ttlMs: BACKSTOP_TTL_MS,
    onLookup: (result: string) => metrics.readCacheLookups.inc({ cache, result }),
  });
  return {
    openAccounts: new ChangeInvalidatedCache(changes, 'account_changed', options('open_accounts')),
    jobs: new ChangeInvalidatedCache(changes, 'job_changed', options('jobs')),
  };
}
