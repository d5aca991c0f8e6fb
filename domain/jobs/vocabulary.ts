/**
 * Job types, their parameters, prices and failure codes: shared by the API, the workflow and the activities.
 * Pure: safe to import from workflow code.
 */
export const jobTypes = ['face_restoration', 'face_swap', 'upscale'] as const;
export type JobType = (typeof jobTypes)[number];

export const jobStatuses = ['pending', 'processing', 'completed', 'failed', 'canceled'] as const;
export type JobStatus = (typeof jobStatuses)[number];
export const terminalJobStatuses: readonly JobStatus[] = ['completed', 'failed', 'canceled'];

export interface JobParams {
  model?: 'gfpgan' | 'codeformer' | 'custom_lora';
  scale_factor?: 2 | 4;
  face_enhance?: boolean;
  fidelity?: number;
  face_selection?: 'all' | 'largest';
}

/**
 * Why a job failed. Business failures are final (no retry); INFERENCE_FAILED and INTERNAL mean the
 * infrastructure kept failing after bounded retries. Values double as Temporal ApplicationFailure types.
 */
export const JobFailure = {
  INSUFFICIENT_CREDITS: 'INSUFFICIENT_CREDITS',
  NO_FACE_FOUND: 'NO_FACE_FOUND',
  UNSUPPORTED_IMAGE: 'UNSUPPORTED_IMAGE',
  IMAGE_TOO_LARGE: 'IMAGE_TOO_LARGE',
  MODEL_UNAVAILABLE: 'MODEL_UNAVAILABLE',
  INVALID_PARAMETERS: 'INVALID_PARAMETERS',
  INFERENCE_FAILED: 'INFERENCE_FAILED',
  CANCELED: 'CANCELED',
  INTERNAL: 'INTERNAL',
} as const;
export type JobFailure = (typeof JobFailure)[keyof typeof JobFailure];

/** Credits a job costs: one per unit of work, x4 upscales and swaps cost more GPU time. */
export function creditsCost(jobType: JobType, params: JobParams): number {
  switch (jobType) {
    case 'upscale':
      return params.scale_factor === 4 ? 2 : 1;
    case 'face_restoration':
      return params.face_enhance ? 2 : 1;
    case 'face_swap':
      return params.face_enhance ? 3 : 2;
  }
}

/** A rough seconds-to-complete figure for the client's progress UI. */
export function estimatedSeconds(jobType: JobType, params: JobParams): number {
  const base = { upscale: 20, face_restoration: 30, face_swap: 40 }[jobType];
  return params.scale_factor === 4 || params.face_enhance ? base * 2 : base;
}

/** Results live beside nothing else: one object per job, owner-scoped like uploads. */
export function resultKey(userId: string, jobId: string): string {
  return `results/${userId}/${jobId}`;
}

/** What the API hands the workflow. Keys, never image bytes: payloads stay small. */
export interface ProcessJobInput {
  jobId: string;
  userId: string;
  jobType: JobType;
  params: JobParams;
  creditsCost: number;
  inputUploadId: string;
  inputKey: string;
  targetUploadId?: string;
  targetKey?: string;
  idempotencyKey?: string;
  inferenceTaskQueue: string;
}

export interface ProcessJobResult {
  status: Extract<JobStatus, 'completed' | 'failed' | 'canceled'>;
  resultKey?: string;
  errorCode?: JobFailure;
}
