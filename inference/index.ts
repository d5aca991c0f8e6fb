export { createInferenceEngine } from './engine.js';
export { InferenceError, InferenceErrorCode } from './errors.js';
export type {
  InferenceConfig,
  InferenceEngine,
  InferenceLogger,
  InferenceParams,
  InferenceRequest,
  InferenceResult,
  JobType,
  ModelStatus,
  ProgressListener,
  RunOptions,
} from './types.js';
