import type { Client } from '@temporalio/client';
import { accountDeletionWorkflowId } from '../domain/lifecycle/account-deletion.js';
import { UserIdKey } from '../domain/search-attributes.js';
import { deleteAccountWorkflow } from '../workflows/delete-account.workflow.js';

/**
 * Starts the account's deletion workflow (id from the user id), or joins the one already running: a repeated
 * DELETE /auth/me, a retry and the sweep's resumption all end up in one deletion. Returns the workflow id.
 */
export async function startAccountDeletion(client: Client, taskQueue: string, userId: string): Promise<string> {
  const workflowId = accountDeletionWorkflowId(userId);
  await client.workflow.start(deleteAccountWorkflow, {
    workflowId,
    taskQueue,
    args: [{ userId }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    // A finished deletion may run again (the sweep restarts one that was terminated); every step is idempotent.
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: [{ key: UserIdKey, value: userId }],
    staticSummary: `Account deletion for user ${userId}`,
    staticDetails: 'Stops the jobs, deletes the uploads and results in S3, then the personal data; keeps the ledger and store records (docs/privacy.md).',
  });
  return workflowId;
}
