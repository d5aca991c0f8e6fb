import { CreditTransactionSchema } from './credit-transaction.js';
import { JobSchema } from './job.js';
import { SubscriptionSchema } from './subscription.js';
import { UploadSchema } from './upload.js';
import { UserSchema } from './user.js';

export * from './credit-transaction.js';
export * from './job.js';
export * from './subscription.js';
export * from './upload.js';
export * from './user.js';

export const entities = [UserSchema, UploadSchema, JobSchema, CreditTransactionSchema, SubscriptionSchema];
