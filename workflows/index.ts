// Every workflow the orchestrator worker registers. Pure code only: no I/O imports (enforced by ESLint).
export { processJobWorkflow } from './process-job.workflow.js';
export { smokeWorkflow } from './smoke.workflow.js';
export { renewalSweepWorkflow } from './renewal-sweep.workflow.js';
export { acknowledgePurchaseWorkflow } from './acknowledge-purchase.workflow.js';
export { settleJobWorkflow } from './settle-job.workflow.js';
export { reconcileJobsWorkflow } from './reconcile-jobs.workflow.js';
export { deleteAccountWorkflow } from './delete-account.workflow.js';
export { retentionSweepWorkflow } from './retention-sweep.workflow.js';
