import {
  ActivityFailure,
  ApplicationFailure,
  log,
  metricMeter,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BillingActivities } from '../activities/billing.activities.js';
import { PURCHASE_GONE, type AcknowledgementInput, type AcknowledgementOutcome } from '../domain/billing/acknowledgement.js';
import { StoreAckStateKey } from '../domain/search-attributes.js';

/** Failure type of a run whose window closed: the purchase will be refunded by Google. */
export const ACKNOWLEDGEMENT_WINDOW_CLOSED = 'AcknowledgementWindowClosed';

/**
 * Acknowledges (or consumes) a Google Play purchase whose acknowledgement failed during validation or a
 * notification: one activity retried with exponential backoff until Google accepts it or the window closes.
 * Operators see the state in the `StoreAckState` search attribute and the current details; a closed window
 * fails the run, logs an error and counts `oneshot_store_acknowledgements_expired_total` (on the Temporal SDK metrics port) for alerting.
 */
export async function acknowledgePurchaseWorkflow(input: AcknowledgementInput): Promise<AcknowledgementOutcome> {
  const what = `Google ${input.kind} \`${input.productId}\`, order \`${input.transactionId}\`, user \`${input.userId}\``;
  const remainingMs = Date.parse(input.deadline) - Date.now();
  upsertSearchAttributes([{ key: StoreAckStateKey, value: 'pending' }]);
  setCurrentDetails(`Acknowledging ${what}: retrying with backoff until ${input.deadline}. The activity shows the last error.`);

  if (remainingMs > 0) {
    const { acknowledgePurchase } = proxyActivities<BillingActivities>({
      startToCloseTimeout: '30 seconds',
      // The retry policy gives up when the window closes: Google refunds the purchase from then on.
      scheduleToCloseTimeout: remainingMs,
      retry: {
        initialInterval: input.retry.initialIntervalMs,
        backoffCoefficient: 2,
        maximumInterval: input.retry.maximumIntervalMs,
        nonRetryableErrorTypes: [PURCHASE_GONE],
      },
    });
    try {
      await acknowledgePurchase(input);
      return finish('acknowledged', `Acknowledged ${what}.`);
    } catch (error) {
      const cause = error instanceof ActivityFailure ? error.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type === PURCHASE_GONE) {
        return finish('gone', `Nothing to acknowledge: Google no longer knows ${what} (refunded or invalid).`);
      }
      log.warn('acknowledgement attempts ended', { error: String(error) });
    }
  }
  finish('expired', `Not acknowledged before ${input.deadline}: Google will refund ${what}.`);
  metricMeter.createCounter('oneshot_store_acknowledgements_expired_total', 'purchases', 'Google purchases whose acknowledgement window closed').add(1);
  log.error('store acknowledgement window closed; the purchase will be refunded', {
    transactionId: input.transactionId,
    userId: input.userId,
    workflowId: workflowInfo().workflowId,
  });
  throw ApplicationFailure.create({ type: ACKNOWLEDGEMENT_WINDOW_CLOSED, message: `acknowledgement window closed at ${input.deadline}`, nonRetryable: true });
}

function finish(state: AcknowledgementOutcome, details: string): AcknowledgementOutcome {
  upsertSearchAttributes([{ key: StoreAckStateKey, value: state }]);
  setCurrentDetails(details);
  return state;
}
