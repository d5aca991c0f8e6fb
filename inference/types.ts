import type { InferenceEnv } from '../domain/config/inference.js';
import type { JobSpecInput } from '../domain/jobs/parameters.js';
import type { InferenceCapabilities } from './capabilities.js';

/** A job's spec (type and parameters, validated and completed by the pipeline) and its images. */
export type InferenceRequest = JobSpecInput & {
  /** face_swap: the SOURCE face photo. */
  input: Buffer;
  /** face_swap: the photo whose faces are replaced. */
  target?: Buffer;
};

export interface InferenceResult {
  data: Buffer;
  contentType: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
  /** Models of the job that were generated placeholders (development only): the result is not a real restoration or swap. */
  placeholderModels: string[];
}

export type ProgressListener = (progress: { fraction: number; stage: string }) => void;

export interface RunOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface ModelStatus {
  name: string;
  file: string;
  /** Session created in a job thread (lazily on first use, or at start with INFERENCE_WARMUP). */
  loaded: boolean;
  /** A generated stand-in with the production signature; its output is not a real restoration or swap. */
  placeholder: boolean;
  /** null until the file has been hashed (at load). */
  sha256Ok: boolean | null;
  licence: string;
  commercialUse: boolean;
  /** Why the model cannot be used, when it cannot. */
  error?: string;
  executionProvider?: 'cpu' | 'cuda';
}

export interface InferenceEngine {
  run(request: InferenceRequest, options?: RunOptions): Promise<InferenceResult>;
  describeModels(): ModelStatus[];
  /** The upscalers, the default upscaler and the face detector jobs get here, and the non-commercial models. */
  capabilities(): InferenceCapabilities;
  close(): Promise<void>;
}

/** The inference section of the process config (and the runtime mode); the inference worker's parsed config satisfies it. */
export type InferenceConfig = InferenceEnv & { NODE_ENV?: 'development' | 'test' | 'production' };

export interface InferenceLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}
