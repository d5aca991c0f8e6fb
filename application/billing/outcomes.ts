import type { Entitlement } from '../../db/billing.js';
import { ignored, type DeliveryResult } from '../../domain/billing/delivery.js';

/** What applying a purchase to its owner did, in the delivery vocabulary. */
export function deliveryOutcome(entitlement: Entitlement, about: Pick<DeliveryResult, 'store' | 'transactionId'>): DeliveryResult {
  if (entitlement.newlyRevoked || entitlement.creditsClawed > 0) return { outcome: 'revoked', ...about };
  if (entitlement.newlyGranted) return { outcome: 'granted', ...about };
  if (entitlement.subscription) return { outcome: 'updated', ...about };
  return ignored(entitlement.revoked ? 'already revoked' : 'already granted', about);
}
