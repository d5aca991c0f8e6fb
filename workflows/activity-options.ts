/** Bookkeeping and compensations must eventually happen: retried until they do, with capped backoff. */
export const BOOKKEEPING = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;

/** One page of a periodic sweep or pass; retried with backoff while the database, S3 or Temporal is down. */
export const SWEEP_PAGE = {
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
} as const;
