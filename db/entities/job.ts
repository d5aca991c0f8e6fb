import { EntitySchema } from '@mikro-orm/core';

export type JobType = 'face_restoration' | 'face_swap' | 'upscale';
export type JobStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'canceled';
/** Where the job's money stands: nothing yet, reserved, charged for good, or given back. */
export type CreditState = 'none' | 'reserved' | 'charged' | 'refunded';

export class Job {
  id!: string;
  userId!: string;
  jobType!: JobType;
  status!: JobStatus;
  progress!: number;
  stage?: string | null;
  inputUploadId!: string;
  targetUploadId?: string | null;
  params!: Record<string, unknown>;
  creditsCost!: number;
  creditState!: CreditState;
  resultKey?: string | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  idempotencyKey?: string | null;
  createdAt!: Date;
  updatedAt!: Date;
  startedAt?: Date | null;
  completedAt?: Date | null;
}

export const JobSchema = new EntitySchema<Job>({
  class: Job,
  tableName: 'jobs',
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid' },
    jobType: { type: 'string' },
    status: { type: 'string' },
    progress: { type: 'double' },
    stage: { type: 'string', nullable: true },
    inputUploadId: { type: 'uuid' },
    targetUploadId: { type: 'uuid', nullable: true },
    params: { type: 'json' },
    creditsCost: { type: 'integer' },
    creditState: { type: 'string' },
    resultKey: { type: 'string', nullable: true },
    errorCode: { type: 'string', nullable: true },
    errorMessage: { type: 'text', nullable: true },
    idempotencyKey: { type: 'string', nullable: true },
    createdAt: { type: 'Date' },
    updatedAt: { type: 'Date' },
    startedAt: { type: 'Date', nullable: true },
    completedAt: { type: 'Date', nullable: true },
  },
});
