import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { Context } from 'koa';
import { z } from 'zod';
import type { JobRow } from '../../db/job-queries.js';
import { JobQueries } from '../../db/job-queries.js';
import type { ApiConfig } from '../../domain/config/index.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import { jobParameterSchemas, type JobSpec } from '../../domain/jobs/parameters.js';
import { MEGAPIXELS_PER_UNIT, UPSCALER_CREDIT_FACTOR } from '../../domain/jobs/plan.js';
import { JobFailure, jobStatuses, jobTypes, terminalJobStatuses } from '../../domain/jobs/vocabulary.js';
import { describePeriod, isResultExpired } from '../../domain/lifecycle/retention.js';
import type { TaskQueues } from '../../domain/task-queues.js';
import type { ChangeFeed } from '../../integrations/change-feed.js';
import type { ChangeInvalidatedCache } from '../../integrations/change-invalidated-cache.js';
import type { ApiMetrics } from '../../integrations/metrics/api-metrics.js';
import type { ObjectStore } from '../../integrations/object-store.js';
import { limitPerUser, type RateLimiters } from '../middleware/rate-limit.js';
import { requireOneOf, type ApiRoutes } from '../routing.js';
import type { AppState } from '../state.js';
import { cancelJob, createJob, findOwnJob } from '../services/jobs.js';
import { jobEventStream, type ServerSentEvent } from '../services/job-events.js';
import { StreamSlots } from '../services/stream-slots.js';

export interface JobRouteDeps {
  config: Pick<
    ApiConfig,
    | 'MAX_JOBS_IN_FLIGHT'
    | 'RESULT_URL_TTL_SECONDS'
    | 'CANCEL_WAIT_SECONDS'
    | 'JOB_QUEUE_TIMEOUT'
    | 'JOB_LIFETIME'
    | 'JOB_ADMISSION_TIMEOUT'
    | 'JOB_EVENT_STREAMS_PER_USER'
    | 'JOB_EVENT_STREAMS_TOTAL'
    | 'UPSCALE_DEFAULT_MODEL'
    | 'RESULT_RETENTION'
  >;
  orm: MikroORM;
  objectStore: ObjectStore;
  temporal: Client;
  taskQueues: TaskQueues;
  rateLimiters: Pick<RateLimiters, 'jobSubmission'>;
  changes: ChangeFeed;
  /** Polled jobs, forgotten at their row's change notification. */
  jobCache: ChangeInvalidatedCache<JobRow | null>;
  metrics: Pick<ApiMetrics, 'liveStreams'>;
}

const uploadRef = z.uuid().meta({ description: 'An `upload_id` from POST /uploads/presign.' });
const imageUrl = z.string().min(1).max(2048).meta({
  description: "Accepted only when it names one of the caller's own uploads (never fetched).",
});
const source = { input: uploadRef.optional(), input_image_url: imageUrl.optional() };

const createJobSchema = z
  .discriminatedUnion('job_type', [
    requireOneOf(z.object({ job_type: z.literal('upscale'), ...source, parameters: jobParameterSchemas.upscale.prefault({}) }), ['input', 'input_image_url']),
    requireOneOf(
      z.object({ job_type: z.literal('face_restoration'), ...source, parameters: jobParameterSchemas.face_restoration.prefault({}) }),
      ['input', 'input_image_url'],
    ),
    requireOneOf(
      z.object({
        job_type: z.literal('face_swap'),
        ...source,
        target: uploadRef.optional().meta({ description: 'The photo whose faces are replaced by the face in `input`.' }),
        target_image_url: imageUrl.optional(),
        parameters: jobParameterSchemas.face_swap.prefault({}),
      }),
      ['input', 'input_image_url'],
      ['target', 'target_image_url'],
    ),
  ])
  .meta({ id: 'CreateJobRequest' });

const acceptedSchema = z
  .object({
    job_id: z.uuid(),
    status: z.enum(jobStatuses),
    estimated_time: z.int().meta({ description: 'Seconds, roughly.' }),
    credits_cost: z.int(),
  })
  .meta({ id: 'JobAccepted' });

const jobSchema = z
  .object({
    job_id: z.uuid(),
    job_type: z.enum(jobTypes),
    status: z.enum(jobStatuses),
    progress: z.number().min(0).max(1),
    stage: z.string().nullable(),
    parameters: z.record(z.string(), z.unknown()),
    credits_cost: z.int(),
    result_url: z.url().nullable().meta({ description: 'Short-lived presigned GET, once completed.' }),
    error_code: z.enum(Object.values(JobFailure)).nullable(),
    error_message: z.string().nullable(),
    created_at: z.iso.datetime(),
    completed_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Job' });

/**
 * The list cursor is opaque: `next_cursor` of the previous page, the base64url of the last job's creation time (6 bytes
 * of epoch milliseconds) and id (16 bytes). Every string of this pattern decodes to a valid position, so the pattern
 * the spec declares is exactly what the API accepts.
 */
const CURSOR = /^[A-Za-z0-9_-]{30}$/;
const LATEST_CURSOR_MS = Date.UTC(9999, 11, 31);
const listQuerySchema = z.object({
  status: z.enum(jobStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(CURSOR).optional().meta({ description: '`next_cursor` of the previous page, as it was given (opaque).' }),
});
const jobListSchema = z.object({ jobs: z.array(jobSchema), next_cursor: z.string().nullable() }).meta({ id: 'JobList' });
const jobIdParams = z.object({ id: z.string() });

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** Longest silence on a job event stream: then it re-reads the job and sends a keepalive. */
const EVENT_STREAM_QUIET_MS = 15_000;

const PRICING =
  'Price: the sum of the steps the job runs: a ×2 upscale 1 credit, a ×4 upscale 2, a face restoration 1, a face swap 2 ' +
  '(so `upscale` with `face_enhance` adds 1, and a restoration with `scale_factor` adds the upscale). ' +
  `An upscale step costs its credits again for every further ${MEGAPIXELS_PER_UNIT} megapixels of input, and ` +
  `×${UPSCALER_CREDIT_FACTOR['realesrgan-x4plus']} with \`realesrgan-x4plus\`. An upscale that names no model records (and is priced by) the model the inference workers run by default. ` +
  'A job type or model no inference worker offers is refused with 422 MODEL_UNAVAILABLE before anything is charged. ' +
  'The upload must be a readable JPEG, PNG or WebP image (422 UPLOAD_NOT_IMAGE otherwise, before anything is charged). ' +
  'Faces are looked for first: a restoration or swap without a face fails NO_FACE_FOUND before anything expensive runs, and is refunded. ' +
  'A job not started by a worker within its queueing deadline fails NO_CAPACITY; one that outlives its lifetime fails DEADLINE_EXCEEDED; both are refunded.';

/** Jobs: create (202, credits reserved), read, list, cancel, and live progress as Server-Sent Events. */
export function jobRoutes(routes: ApiRoutes, deps: JobRouteDeps): void {
  const tags = ['jobs'];
  const services = {
    temporal: deps.temporal,
    taskQueues: deps.taskQueues,
    objectStore: deps.objectStore,
    maxJobsInFlight: deps.config.MAX_JOBS_IN_FLIGHT,
    deadlines: { queueSeconds: deps.config.JOB_QUEUE_TIMEOUT / 1000, lifetimeSeconds: deps.config.JOB_LIFETIME / 1000 },
    admissionTimeoutMs: deps.config.JOB_ADMISSION_TIMEOUT,
    defaultUpscaler: deps.config.UPSCALE_DEFAULT_MODEL,
  };
  const streams = new StreamSlots(deps.config.JOB_EVENT_STREAMS_PER_USER, deps.config.JOB_EVENT_STREAMS_TOTAL, (open) => deps.metrics.liveStreams.set(open));
  const view = (job: JobRow) => jobView(job, deps.objectStore, deps.config.RESULT_URL_TTL_SECONDS, deps.config.RESULT_RETENTION);

  routes.authenticated({
    method: 'post',
    path: '/jobs',
    summary: 'Start a job',
    description:
      'Reserves the credits before answering: 402 INSUFFICIENT_CREDITS leaves no job behind. Send an `Idempotency-Key` header ' +
      '(1–255 printable ASCII characters) to make retries safe: the same key with the same request returns the same job and never ' +
      'charges twice; the same key with a different request is refused (422 IDEMPOTENCY_KEY_REUSED). ' +
      'When no worker can admit the job in time (JOB_ADMISSION_TIMEOUT, 10 s by default) the answer is 503 SERVICE_UNAVAILABLE with ' +
      '`Retry-After`, and nothing is reserved then or later: retry with the same `Idempotency-Key`. ' +
      PRICING,
    tags,
    middleware: [limitPerUser(deps.rateLimiters.jobSubmission)],
    request: { body: createJobSchema },
    responses: { 202: { description: 'Accepted; poll `Location` or GET /jobs/{id}/events.', schema: acceptedSchema } },
    errors: {
      400: [ErrorCode.IDEMPOTENCY_KEY_INVALID],
      401: [ErrorCode.ACCOUNT_CLOSED],
      402: [ErrorCode.INSUFFICIENT_CREDITS],
      404: [ErrorCode.NOT_FOUND],
      422: [ErrorCode.UPLOAD_MISSING, ErrorCode.UPLOAD_MISMATCH, ErrorCode.UPLOAD_NOT_IMAGE, ErrorCode.IDEMPOTENCY_KEY_REUSED, ErrorCode.MODEL_UNAVAILABLE],
      429: [ErrorCode.JOBS_IN_FLIGHT_LIMIT],
      503: [ErrorCode.SERVICE_UNAVAILABLE],
    },
    handler: async (ctx) => {
      const body = ctx.state.input.body;
      const userId = ctx.state.user.id;
      const spec = specOfRequest(body);
      const { job, estimatedSeconds } = await createJob(deps.orm.em, services, userId, {
        ...spec,
        inputUploadId: uploadIdOf(userId, body.input, body.input_image_url),
        targetUploadId: body.job_type === 'face_swap' ? uploadIdOf(userId, body.target, body.target_image_url) : undefined,
        idempotencyKey: idempotencyKeyOf(ctx),
      });
      ctx.status = 202;
      ctx.set('Location', `/jobs/${job.id}`);
      ctx.body = {
        job_id: job.id,
        status: job.status,
        estimated_time: estimatedSeconds,
        credits_cost: job.creditsCost,
      } satisfies z.infer<typeof acceptedSchema>;
    },
  });

  routes.authenticated({
    method: 'get',
    path: '/jobs',
    summary: 'Your jobs, newest first',
    tags,
    request: { query: listQuerySchema },
    responses: { 200: { description: 'One page.', schema: jobListSchema } },
    handler: async (ctx) => {
      const { status, limit, cursor } = ctx.state.input.query;
      const jobs = await new JobQueries(deps.orm.em).listOwn(ctx.state.user.id, { status, after: cursor ? decodeCursor(cursor) : undefined, limit: limit + 1 });
      const page = jobs.slice(0, limit);
      const last = page.at(-1);
      ctx.body = {
        jobs: await Promise.all(page.map(view)),
        next_cursor: jobs.length > limit && last ? encodeCursor(last) : null,
      } satisfies z.infer<typeof jobListSchema>;
    },
  });

  routes.authenticated({
    method: 'get',
    path: '/jobs/:id',
    summary: 'One job, with progress and (once completed) a result URL',
    description: `A result is kept ${describePeriod(deps.config.RESULT_RETENTION)} after completion; then the job answers 410 RESULT_EXPIRED.`,
    tags,
    request: { params: jobIdParams },
    responses: { 200: { description: 'The job.', schema: jobSchema } },
    errors: { 404: [ErrorCode.NOT_FOUND], 410: [ErrorCode.RESULT_EXPIRED] },
    handler: async (ctx) => {
      const job = await findOwnJob(deps.orm.em, ctx.state.user.id, ctx.state.input.params.id, deps.jobCache);
      if (isResultExpired(job, deps.config.RESULT_RETENTION)) {
        throw new AppError(410, ErrorCode.RESULT_EXPIRED, 'The result of this job has been deleted after its retention period.', {
          job_id: job.id,
          completed_at: job.completedAt?.toISOString() ?? null,
        });
      }
      ctx.body = await view(job);
    },
  });

  routes.authenticated({
    method: 'post',
    path: '/jobs/:id/cancel',
    summary: 'Cancel a pending or processing job (its credits are refunded)',
    tags,
    request: { params: jobIdParams },
    responses: {
      200: { description: 'The job after cancellation (or as it finished, if it finished first).', schema: jobSchema },
      202: { description: 'Cancellation is under way but not finished yet; follow the job to see it end.', schema: jobSchema },
    },
    errors: { 404: [ErrorCode.NOT_FOUND], 409: [ErrorCode.JOB_NOT_CANCELABLE], 503: [ErrorCode.SERVICE_UNAVAILABLE] },
    handler: async (ctx) => {
      const job = await cancelJob(deps.orm.em, services, ctx.state.user.id, ctx.state.input.params.id, deps.config.CANCEL_WAIT_SECONDS);
      ctx.status = terminalJobStatuses.includes(job.status) ? 200 : 202;
      ctx.body = await view(job);
    },
  });

  routes.authenticated({
    method: 'get',
    path: '/jobs/:id/events',
    summary: 'Live progress as Server-Sent Events',
    description:
      'Emits a `job` event (the Job object) on every change, and closes after the final state. ' +
      'Concurrent streams are capped per user and per server (429 TOO_MANY_STREAMS beyond).',
    tags,
    request: { params: jobIdParams },
    responses: { 200: { description: 'An event stream of `job` events.', contentType: 'text/event-stream' } },
    errors: { 404: [ErrorCode.NOT_FOUND], 429: [ErrorCode.TOO_MANY_STREAMS] },
    handler: async (ctx) => {
      const userId = ctx.state.user.id;
      const { id } = await findOwnJob(deps.orm.em, userId, ctx.state.input.params.id, deps.jobCache);
      const release = streams.acquire(userId);
      const load = () => findOwnJob(deps.orm.em.fork(), userId, id, deps.jobCache);
      const isFinal = (job: JobRow) => terminalJobStatuses.includes(job.status);
      streamEvents(ctx, jobEventStream(load, view, isFinal, () => deps.changes.nextChange('job_changed', id, EVENT_STREAM_QUIET_MS)), release);
    },
  });
}

async function jobView(job: JobRow, objectStore: ObjectStore, resultUrlTtl: number, resultRetentionMs: number): Promise<z.infer<typeof jobSchema>> {
  // Lists and streams show an expired result as no URL; GET /jobs/:id answers 410 for it.
  const resultKey = job.status === 'completed' && !isResultExpired(job, resultRetentionMs) ? job.resultKey : null;
  return {
    job_id: job.id,
    job_type: job.jobType,
    status: job.status,
    progress: job.progress,
    stage: job.stage ?? null,
    parameters: job.params,
    credits_cost: job.creditsCost,
    result_url: resultKey ? await objectStore.presignGet(resultKey, resultUrlTtl) : null,
    error_code: job.errorCode ?? null,
    error_message: job.errorMessage ?? null,
    created_at: job.createdAt.toISOString(),
    completed_at: job.completedAt?.toISOString() ?? null,
  };
}

function specOfRequest(body: z.output<typeof createJobSchema>): JobSpec {
  switch (body.job_type) {
    case 'upscale':
      return { jobType: body.job_type, params: body.parameters };
    case 'face_restoration':
      return { jobType: body.job_type, params: body.parameters };
    case 'face_swap':
      return { jobType: body.job_type, params: body.parameters };
  }
}

/** The upload a job names: by id, or by a URL that must point at one of the caller's own uploads (the schema requires one). */
function uploadIdOf(userId: string, id: string | undefined, url: string | undefined): string {
  if (id) return id;
  const match = /(?:^|\/)uploads\/([0-9a-f-]{36})\/([0-9a-f-]{36})(?:$|[?#])/i.exec(url ?? '');
  // Anything that is not one of the caller's own upload keys is treated like an unknown upload.
  if (!match || match[1]!.toLowerCase() !== userId.toLowerCase()) throw new AppError(404, ErrorCode.NOT_FOUND, 'No such upload.');
  return match[2]!;
}

function idempotencyKeyOf(ctx: Context): string | undefined {
  const key = ctx.get('Idempotency-Key');
  if (!key) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) throw new AppError(400, ErrorCode.IDEMPOTENCY_KEY_INVALID, 'Idempotency-Key must be 1–255 printable ASCII characters.');
  return key;
}

function encodeCursor(job: JobRow): string {
  const bytes = Buffer.alloc(22);
  bytes.writeUIntBE(job.createdAt.getTime(), 0, 6);
  Buffer.from(job.id.replaceAll('-', ''), 'hex').copy(bytes, 6);
  return bytes.toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const bytes = Buffer.from(cursor, 'base64url');
  const hex = bytes.subarray(6, 22).toString('hex');
  // Positions past the year 9999 (the database's dates and ISO's end there) all mean "after every job".
  return { createdAt: new Date(Math.min(bytes.readUIntBE(0, 6), LATEST_CURSOR_MS)), id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
}

/** Writes an async sequence of events as `text/event-stream`, ending when it ends or the client leaves. */
function streamEvents(ctx: Context & { state: AppState }, events: AsyncIterable<ServerSentEvent>, onEnd: () => void): void {
  ctx.req.socket.setTimeout(0);
  ctx.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  ctx.status = 200;
  ctx.respond = false;
  ctx.res.flushHeaders();
  const write = async () => {
    for await (const item of events) {
      if (ctx.res.destroyed) break;
      ctx.res.write('comment' in item ? `: ${item.comment}\n\n` : `event: ${item.event}\ndata: ${JSON.stringify(item.data)}\n\n`);
    }
  };
  write()
    .catch((error: unknown) => ctx.state.logger.warn({ err: error }, 'job event stream ended with an error'))
    .finally(() => {
      onEnd();
      ctx.res.end();
    });
}
