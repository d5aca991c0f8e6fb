// Every workflow the orchestrator worker registers. Pure code only: no I/O imports (enforced by ESLint).
import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';
import { acknowledgePurchaseWorkflow } from './acknowledge-purchase.workflow.js';
import { reconcileJobsWorkflow } from './reconcile-jobs.workflow.js';
import { renewalSweepWorkflow } from './renewal-sweep.workflow.js';
import { retentionSweepWorkflow } from './retention-sweep.workflow.js';

export { processJobWorkflow } from './process-job.workflow.js';
export { smokeWorkflow } from './smoke.workflow.js';
export { renewalSweepWorkflow } from './renewal-sweep.workflow.js';
export { acknowledgePurchaseWorkflow } from './acknowledge-purchase.workflow.js';
export { settleJobWorkflow } from './settle-job.workflow.js';
export { reconcileJobsWorkflow } from './reconcile-jobs.workflow.js';
export { deleteAccountWorkflow } from './delete-account.workflow.js';
export { retentionSweepWorkflow } from './retention-sweep.workflow.js';

// Worker versioning (integrations/worker-deployment.ts): every workflow stays on the worker version that started
// it (jobs, settlements, deletions: minutes at most), except these long-lived ones, which would hold an old
// version's workers for days: they move to the current version at their next workflow task. Their code changes
// therefore go through `patched()` like any other (the replay corpus checks it). An unversioned worker (tests, a
// dev process; its version has a build id but no deployment name) must not name a behavior at all: Temporal
// refuses the workflow task.
const autoUpgradeWhenVersioned = () => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: 'AUTO_UPGRADE' as const } : {});
setWorkflowOptions(autoUpgradeWhenVersioned, renewalSweepWorkflow);
setWorkflowOptions(autoUpgradeWhenVersioned, reconcileJobsWorkflow);
setWorkflowOptions(autoUpgradeWhenVersioned, retentionSweepWorkflow);
setWorkflowOptions(autoUpgradeWhenVersioned, acknowledgePurchaseWorkflow);
