import { JobFailure } from '../domain/jobs/vocabulary.js';

/** The job failure codes a pipeline raises: the job fails with the code and the user is refunded. */
export const InferenceErrorCode = {
  NO_FACE_FOUND: JobFailure.NO_FACE_FOUND,
  UNSUPPORTED_IMAGE: JobFailure.UNSUPPORTED_IMAGE,
  IMAGE_TOO_LARGE: JobFailure.IMAGE_TOO_LARGE,
  MODEL_UNAVAILABLE: JobFailure.MODEL_UNAVAILABLE,
  INVALID_PARAMETERS: JobFailure.INVALID_PARAMETERS,
} as const satisfies Partial<Record<JobFailure, JobFailure>>;

export type InferenceErrorCode = (typeof InferenceErrorCode)[keyof typeof InferenceErrorCode];

/** A failure that retrying the same request cannot fix. */
export class InferenceError extends Error {
  readonly retryable = false;

  constructor(
    readonly code: InferenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InferenceError';
  }
}
