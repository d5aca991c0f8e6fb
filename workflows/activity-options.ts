/** Bookkeeping and compensations must eventually happen: retried until they do, with capped backoff. */
export const BOOKKEEPING = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
