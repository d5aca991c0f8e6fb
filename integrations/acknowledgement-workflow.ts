import type { Client } from '@temporalio/client';
import { acknowledgementWorkflowId, type AcknowledgementInput, type AcknowledgementQueue } from '../domain/billing/acknowledgement.js';
import { StoreAckStateKey, UserIdKey } from '../domain/search-attributes.js';
import { acknowledgePurchaseWorkflow } from '../workflows/acknowledge-purchase.workflow.js';

export interface AcknowledgementOptions {
  taskQueue: string;
  /** How long after validation Google still accepts an acknowledgement. */
  windowMs: number;
  retry: AcknowledgementInput['retry'];
}

/**
 * The acknowledgement queue as a workflow starter, handed to the billing service by its wiring: one
 * `acknowledgePurchaseWorkflow` per Google order; a second failure for the same order joins the running one.
 */
export function temporalAcknowledgements(client: Client, options: AcknowledgementOptions): AcknowledgementQueue {
  return {
    async enqueue(purchase, userId) {
      const deadline = new Date(Date.now() + options.windowMs).toISOString();
      const input: AcknowledgementInput = {
        kind: purchase.kind,
        productId: purchase.productId,
        purchaseToken: purchase.originalReference,
        transactionId: purchase.transactionId,
        userId,
        deadline,
        retry: options.retry,
      };
      await client.workflow.start(acknowledgePurchaseWorkflow, {
        workflowId: acknowledgementWorkflowId(purchase.transactionId),
        taskQueue: options.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: StoreAckStateKey, value: 'pending' },
          { key: UserIdKey, value: userId },
        ],
        staticSummary: `Acknowledge Google ${purchase.kind} ${purchase.productId} for user ${userId}`,
        staticDetails: `Order ${purchase.transactionId}; Google refunds it unless acknowledged by ${deadline}.`,
      });
    },
  };
}
