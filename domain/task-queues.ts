/** Task-queue names, from config so deployments can split GPU classes. Workflows receive them as input. */
export interface TaskQueues {
  orchestrator: string;
  inference: string;
}

export function taskQueuesFrom(config: { TEMPORAL_TASK_QUEUE_ORCHESTRATOR: string; TEMPORAL_TASK_QUEUE_INFERENCE: string }): TaskQueues {
  return { orchestrator: config.TEMPORAL_TASK_QUEUE_ORCHESTRATOR, inference: config.TEMPORAL_TASK_QUEUE_INFERENCE };
}

/** The Temporal Schedule that starts renewal sweeps (and the prefix of their workflow ids). */
export const RENEWAL_SWEEP_SCHEDULE_ID = 'billing-renewal-sweep';

/** The Temporal Schedule that starts job reconciliation passes (and the prefix of their workflow ids). */
export const JOB_RECONCILE_SCHEDULE_ID = 'job-reconciler';
