import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Typed search attributes operators filter on in the Temporal Web UI, e.g. `UserId = "…" AND JobStatus = "failed"`.
 * The local stack registers them at server start; deployments register them with `temporal operator`.
 */
export const UserIdKey = defineSearchAttributeKey('UserId', SearchAttributeType.KEYWORD);
export const JobTypeKey = defineSearchAttributeKey('JobType', SearchAttributeType.KEYWORD);
export const JobStatusKey = defineSearchAttributeKey('JobStatus', SearchAttributeType.KEYWORD);
export const CreditStateKey = defineSearchAttributeKey('CreditState', SearchAttributeType.KEYWORD);
/** Durable store acknowledgements: `pending`, `acknowledged`, `expired` (the window closed: alert) or `gone`. */
export const StoreAckStateKey = defineSearchAttributeKey('StoreAckState', SearchAttributeType.KEYWORD);
/** Why a job ended without a result (a JobFailure code; unset while it runs and when it completed), e.g. for a batch retry. */
export const JobFailureCodeKey = defineSearchAttributeKey('JobFailureCode', SearchAttributeType.KEYWORD);

/** Every key above: what a server must register before these workflows run (ephemeral test servers included). */
export const ALL_SEARCH_ATTRIBUTE_KEYS = [UserIdKey, JobTypeKey, JobStatusKey, CreditStateKey, StoreAckStateKey, JobFailureCodeKey];
