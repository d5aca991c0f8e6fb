export type { InferenceCapabilities } from './capabilities.js';
export { createInferenceEngine } from './engine.js';
export { CudaUnavailableError } from './execution-provider.js';
export { InferenceError, InferenceErrorCode } from './errors.js';
export type {
  InferenceConfig,
  InferenceEngine,
  InferenceLogger,
  InferenceRequest,
  InferenceResult,
  ModelStatus,
  ProgressListener,
  RunOptions,
} from './types.js';
