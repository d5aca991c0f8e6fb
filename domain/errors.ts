import { JobFailure } from './jobs/vocabulary.js';

/**
 * Stable error codes: the API renders them, the workflows record them on jobs, clients switch on them.
 * Add codes here only; never rename one that has shipped.
 */
export const ErrorCode = {
  BAD_REQUEST: 'BAD_REQUEST',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  INVALID_REFRESH_TOKEN: 'INVALID_REFRESH_TOKEN',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  CONFLICT: 'CONFLICT',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  // The job failure of the same name: one code whether admission refuses it (402) or a job records it.
  INSUFFICIENT_CREDITS: JobFailure.INSUFFICIENT_CREDITS,
  // The job failure of the same name: a closed account gets no job, and no new session either.
  ACCOUNT_CLOSED: JobFailure.ACCOUNT_CLOSED,
  UPLOAD_MISSING: 'UPLOAD_MISSING',
  UPLOAD_MISMATCH: 'UPLOAD_MISMATCH',
  UPLOAD_NOT_IMAGE: 'UPLOAD_NOT_IMAGE',
  // The job failure of the same name: no inference worker can run the job type or model, refused before any charge.
  MODEL_UNAVAILABLE: JobFailure.MODEL_UNAVAILABLE,
  JOBS_IN_FLIGHT_LIMIT: 'JOBS_IN_FLIGHT_LIMIT',
  JOB_NOT_CANCELABLE: 'JOB_NOT_CANCELABLE',
  IDEMPOTENCY_KEY_INVALID: 'IDEMPOTENCY_KEY_INVALID',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  TOO_MANY_STREAMS: 'TOO_MANY_STREAMS',
  // Account lifecycle: deletion needs a fresh sign-in; results are deleted after their retention period.
  REAUTHENTICATION_REQUIRED: 'REAUTHENTICATION_REQUIRED',
  RESULT_EXPIRED: 'RESULT_EXPIRED',
  RATE_LIMITED: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  // Billing: store receipts and notifications.
  RECEIPT_INVALID: 'RECEIPT_INVALID',
  RECEIPT_WRONG_APP: 'RECEIPT_WRONG_APP',
  RECEIPT_WRONG_ENVIRONMENT: 'RECEIPT_WRONG_ENVIRONMENT',
  PRODUCT_UNKNOWN: 'PRODUCT_UNKNOWN',
  PRODUCT_MISMATCH: 'PRODUCT_MISMATCH',
  PURCHASE_NOT_COMPLETED: 'PURCHASE_NOT_COMPLETED',
  PURCHASE_REVOKED: 'PURCHASE_REVOKED',
  TRANSACTION_CLAIMED: 'TRANSACTION_CLAIMED',
  PURCHASE_ACCOUNT_MISMATCH: 'PURCHASE_ACCOUNT_MISMATCH',
  STORE_NOT_CONFIGURED: 'STORE_NOT_CONFIGURED',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  // Billing providers' webhooks (Superwall, Stripe).
  WEBHOOK_SIGNATURE_INVALID: 'WEBHOOK_SIGNATURE_INVALID',
  // Sign in with Apple / Google.
  IDENTITY_TOKEN_INVALID: 'IDENTITY_TOKEN_INVALID',
  IDENTITY_PROVIDER_NOT_CONFIGURED: 'IDENTITY_PROVIDER_NOT_CONFIGURED',
  IDENTITY_EMAIL_IN_USE: 'IDENTITY_EMAIL_IN_USE',
  IDENTITY_ALREADY_LINKED: 'IDENTITY_ALREADY_LINKED',
  // The token's nonce is not one this server issued, or it was used or expired: fetch a new one and sign in again.
  IDENTITY_NONCE_INVALID: 'IDENTITY_NONCE_INVALID',
  // Unlinking the last way an account without a password signs in would lock it out.
  IDENTITY_LAST_SIGN_IN_METHOD: 'IDENTITY_LAST_SIGN_IN_METHOD',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error meant for the client: status and code are rendered as-is; the message is safe to show. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | (string & {}),
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class InsufficientCreditsError extends AppError {
  constructor(readonly required: number, readonly balance: number) {
    super(402, ErrorCode.INSUFFICIENT_CREDITS, `This needs ${required} credits; the balance is ${balance}.`, {
      required,
      balance,
    });
  }
}

/** The account was closed (DELETE /auth/me): it gets no new job, whichever step notices. */
export class AccountClosedError extends AppError {
  constructor() {
    super(401, ErrorCode.ACCOUNT_CLOSED, 'This account has been deleted.');
  }
}
