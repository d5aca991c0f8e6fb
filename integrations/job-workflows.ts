import {
  type Client,
  ServiceError,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AppError, ErrorCode, InsufficientCreditsError } from '../domain/errors.js';
import { JobFailure, type ProcessJobInput } from '../domain/jobs.js';
import { CreditStateKey, JobStatusKey, JobTypeKey, UserIdKey } from '../domain/search-attributes.js';
import { admitJobUpdate, processJobWorkflow } from '../workflows/process-job.workflow.js';

export type StartJobOutcome = { admitted: true; balance: number } | { admitted: false; reason: 'already_started' };

/**
 * Starts the job's workflow (id = job id) and returns once its credits are reserved (update-with-start), so a
 * short balance is a synchronous 402 and never a job that fails later. A job id whose workflow already ran
 * reports `already_started`: the caller serves the existing job row.
 */
export async function startJobWorkflow(client: Client, input: ProcessJobInput, taskQueue: string): Promise<StartJobOutcome> {
  const startWorkflowOperation = new WithStartWorkflowOperation(processJobWorkflow, {
    workflowId: input.jobId,
    taskQueue,
    args: [input],
    // Concurrent duplicates join the running workflow; a closed one is only re-run if admission failed.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    typedSearchAttributes: [
      { key: UserIdKey, value: input.userId },
      { key: JobTypeKey, value: input.jobType },
      { key: JobStatusKey, value: 'pending' },
      { key: CreditStateKey, value: 'none' },
    ],
    staticSummary: `${input.jobType} for user ${input.userId} (${input.creditsCost} credits)`,
    staticDetails: `Job ${input.jobId}. Params: ${JSON.stringify(input.params)}. Input: ${input.inputKey}${input.targetKey ? `, target: ${input.targetKey}` : ''}.`,
  });
  try {
    const admission = await client.workflow.executeUpdateWithStart(admitJobUpdate, { startWorkflowOperation });
    return { admitted: true, balance: admission.balance };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { admitted: false, reason: 'already_started' };
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === JobFailure.INSUFFICIENT_CREDITS) {
      const [detail] = cause.details as [{ required: number; balance: number }];
      throw new InsufficientCreditsError(detail.required, detail.balance);
    }
    // Temporal unreachable, or admission not confirmed in time (e.g. no orchestrator worker): the client may
    // retry; with the same Idempotency-Key the retry joins the same job rather than creating another.
    if (error instanceof ServiceError || error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || cause) {
      throw new AppError(503, ErrorCode.SERVICE_UNAVAILABLE, 'The job could not be started right now; retry with the same Idempotency-Key.', undefined, {
        'Retry-After': '5',
      });
    }
    throw error;
  }
}

/** Asks the job's workflow to stop; it refunds and records the cancellation itself. */
export async function cancelJobWorkflow(client: Client, jobId: string): Promise<void> {
  await client.workflow.getHandle(jobId).cancel();
}
