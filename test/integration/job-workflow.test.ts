import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InsufficientCreditsError } from '../../domain/errors.js';
import type { ProcessJobInput } from '../../domain/jobs/contract.js';
import type { JobSpecInput } from '../../domain/jobs/parameters.js';
import { cancelJobWorkflow, startJobWorkflow } from '../../integrations/job-workflows.js';
import type { processJobWorkflow } from '../../workflows/process-job.workflow.js';
import { smokeWorkflow } from '../../workflows/smoke.workflow.js';
import { createUser } from '../helpers/db.js';
import { balanceOf, jobInput, jobRow as row, ledgerEntries as entries } from '../helpers/jobs.js';
import { gradientPng } from '../helpers/uploads.js';
import { useJobStack } from '../helpers/job-stack.js';

const stack = useJobStack({ inference: true });

const jobFor = (userId: string, spec: JobSpecInput, image: Buffer) =>
  jobInput({ orm: stack.orm, objectStore: stack.objectStore, inferenceTaskQueue: stack.workers.taskQueues.inference }, userId, spec, image);

const start = (input: ProcessJobInput) => startJobWorkflow(stack.workers.client, input, stack.workers.taskQueues.orchestrator);
const result = (jobId: string) => stack.workers.client.workflow.getHandle(jobId).result();

const jobRow = (jobId: string) => row(stack.orm, jobId);
const balance = (userId: string) => balanceOf(stack.orm, userId);
const ledgerEntries = (jobId: string) => entries(stack.orm, jobId);

/** What the Web UI's "Reset" does: replay the job from its first workflow task, in a new run; its result. */
async function resetToFirstTask(jobId: string) {
  const history = await stack.workers.client.workflow.getHandle(jobId).fetchHistory();
  const firstTask = history.events?.find((event) => event.workflowTaskCompletedEventAttributes);
  const { runId } = await stack.workers.client.workflowService.resetWorkflowExecution({
    namespace: stack.workers.client.options.namespace,
    workflowExecution: { workflowId: jobId },
    workflowTaskFinishEventId: firstTask!.eventId,
    reason: 'operator retry',
    requestId: randomUUID(),
  });
  return stack.workers.client.workflow.getHandle<typeof processJobWorkflow>(jobId, runId ?? undefined).result();
}

describe('job workflow through real Temporal, PostgreSQL and S3', () => {
  it('upscales, stores the result in S3 and charges once', async () => {
    const user = await createUser(stack.orm, 10);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 2 } }, await gradientPng(40, 30));
    expect(await start(input)).toEqual({ admitted: true, balance: 9 });
    expect(await result(input.jobId)).toMatchObject({ status: 'completed' });

    const row = await jobRow(input.jobId);
    expect(row).toMatchObject({ status: 'completed', credit_state: 'charged', progress: 1 });
    const output = await sharp(await stack.objectStore.get(row!.result_key as string)).metadata();
    expect([output.width, output.height]).toEqual([80, 60]);
    expect(await balance(user.id)).toBe(9);
  });

  it('refuses admission synchronously when credits are short, leaving no job behind', async () => {
    const user = await createUser(stack.orm, 1);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 4 } }, await gradientPng(16, 16));
    await expect(start(input)).rejects.toBeInstanceOf(InsufficientCreditsError);
    expect(await jobRow(input.jobId)).toBeUndefined();
    expect(await balance(user.id)).toBe(1);
  });

  it('admits a job id once however many times it is started', async () => {
    const user = await createUser(stack.orm, 10);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 2 } }, await gradientPng(16, 16));
    const outcomes = await Promise.all([start(input), start(input), start(input)]);
    expect(outcomes.filter((outcome) => outcome.admitted).length).toBeGreaterThanOrEqual(1);
    await result(input.jobId);
    expect(await start(input)).toEqual({ admitted: false, reason: 'already_started' });
    expect(await balance(user.id)).toBe(9);
  });

  it('fails a job whose input is not an image with a stable code and refunds it once', async () => {
    const user = await createUser(stack.orm, 5);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 2 } }, Buffer.from('definitely not an image'));
    await start(input);
    expect(await result(input.jobId)).toEqual({ status: 'failed', errorCode: 'UNSUPPORTED_IMAGE' });
    expect(await jobRow(input.jobId)).toMatchObject({ status: 'failed', credit_state: 'refunded', error_code: 'UNSUPPORTED_IMAGE' });
    expect(await balance(user.id)).toBe(5);
  });

  it('cancels a job while it is processing and refunds it once', async () => {
    const user = await createUser(stack.orm, 5);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 4 } }, await gradientPng(640, 640));
    await start(input);
    await expect.poll(async () => (await jobRow(input.jobId))?.status, { timeout: 30_000, interval: 50 }).toBe('processing');
    await cancelJobWorkflow(stack.workers.client, input.jobId);
    expect(await result(input.jobId)).toEqual({ status: 'canceled', errorCode: 'CANCELED' });
    expect(await jobRow(input.jobId)).toMatchObject({ status: 'canceled', credit_state: 'refunded' });
    expect(await balance(user.id)).toBe(5);
  });

  it('survives an operator reset of a completed job without charging again', async () => {
    const user = await createUser(stack.orm, 10);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 2 } }, await gradientPng(24, 24));
    await start(input);
    await result(input.jobId);
    expect(await resetToFirstTask(input.jobId)).toMatchObject({ status: 'completed' });
    expect(await jobRow(input.jobId)).toMatchObject({ status: 'completed', credit_state: 'charged' });
    expect(await balance(user.id)).toBe(9);
    expect(await ledgerEntries(input.jobId)).toEqual(['job_reserve']);
  });

  it('survives an operator reset of a failed job without refunding again', async () => {
    const user = await createUser(stack.orm, 5);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 2 } }, Buffer.from('not an image either'));
    await start(input);
    await result(input.jobId);
    expect(await resetToFirstTask(input.jobId)).toMatchObject({ status: 'failed' });
    expect(await balance(user.id)).toBe(5);
    expect(await ledgerEntries(input.jobId)).toEqual(['job_refund', 'job_reserve']);
  });

  it('runs the smoke workflow through both stack.workers', async () => {
    const roles = await stack.workers.client.workflow.execute(smokeWorkflow, {
      workflowId: `smoke-${randomUUID()}`,
      taskQueue: stack.workers.taskQueues.orchestrator,
      args: [{ inferenceTaskQueue: stack.workers.taskQueues.inference }],
    });
    expect(roles).toEqual([
      { role: 'orchestrator', taskQueue: stack.workers.taskQueues.orchestrator },
      { role: 'inference', taskQueue: stack.workers.taskQueues.inference },
    ]);
  });
});
