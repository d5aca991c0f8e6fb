import type { Client } from '@temporalio/client';
import { acknowledgementWorkflowId, type AcknowledgementInput } from '../../domain/billing/acknowledgement.js';
import type { VerifiedPurchase } from '../../domain/billing/purchase.js';
import { StoreAckStateKey, UserIdKey } from '../../domain/search-attributes.js';
import { acknowledgePurchaseWorkflow } from '../../workflows/acknowledge-purchase.workflow.js';

/** Hands a purchase whose acknowledgement failed to something that retries it durably. */
export interface AcknowledgementQueue {
  enqueue(purchase: VerifiedPurchase, userId: string): Promise<void>;
}

export interface AcknowledgementOptions {
  taskQueue: string;
  /** How long after validation Google still accepts an acknowledgement. */
  windowMs: number;
  retry: AcknowledgementInput['retry'];
}

/** One `acknowledgePurchaseWorkflow` per Google order; a second failure for the same order joins the running one. */
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
