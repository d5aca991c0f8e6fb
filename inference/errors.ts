/** Stable codes for business failures; the job fails with the code and the user is refunded. */
export const InferenceErrorCode = {
  NO_FACE_FOUND: 'NO_FACE_FOUND',
  UNSUPPORTED_IMAGE: 'UNSUPPORTED_IMAGE',
  IMAGE_TOO_LARGE: 'IMAGE_TOO_LARGE',
  MODEL_UNAVAILABLE: 'MODEL_UNAVAILABLE',
  INVALID_PARAMETERS: 'INVALID_PARAMETERS',
} as const;

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
