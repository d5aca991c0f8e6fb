import { proxyActivities } from '@temporalio/workflow';
import type { SagaBaselineActivities } from './saga-baseline-activities.js';

const activities = proxyActivities<SagaBaselineActivities>({ startToCloseTimeout: '30 seconds' });

/** The job saga's shape with nothing inside: four plain activities in a row, each a task-queue round trip. */
export async function sagaBaselineWorkflow(): Promise<void> {
  await activities.reserve();
  await activities.infer();
  await activities.upload();
  await activities.commit();
}
