import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { InferenceError, InferenceErrorCode } from '../errors.js';
import type { InferenceLogger, ModelStatus } from '../types.js';
import { MODEL_NAMES, MODEL_SPECS, type ModelName } from './catalog.js';
import type { Manifest, ManifestEntry } from './manifest.js';
import { bindSignature, describeTensors, type Binding } from './signature.js';

type Spec<N extends ModelName> = (typeof MODEL_SPECS)[N];

export interface LoadedModel<N extends ModelName = ModelName> {
  name: N;
  file: string;
  entry: ManifestEntry;
  session: ort.InferenceSession;
  inputs: Binding<Extract<keyof Spec<N>['inputs'], string>>;
  outputs: Binding<Extract<keyof Spec<N>['outputs'], string>>;
}

export interface RegistryOptions {
  modelDir: string;
  executionProvider: 'cpu' | 'cuda';
  /** 0 = ONNX Runtime's default (all cores). */
  threads: number;
  /** Idle ONNX Runtime threads spin (INFERENCE_THREAD_SPINNING); absent: they don't. */
  threadSpinning?: boolean;
  /** The operator accepted the licences of weights not for commercial use (INFERENCE_ALLOW_NON_COMMERCIAL_MODELS). */
  allowNonCommercial: boolean;
}

export const NON_COMMERCIAL_REFUSAL = 'weights not licensed for commercial use; set INFERENCE_ALLOW_NON_COMMERCIAL_MODELS=true to accept their licence';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every dynamic axis becomes 64: small enough to be quick, large enough to allocate real kernels. */
function warmUpFeeds(session: ort.InferenceSession): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of session.inputMetadata) {
    if (!input.isTensor) continue;
    const shape = input.shape.map((dim) => (typeof dim === 'number' && dim > 0 ? dim : 64));
    const size = shape.reduce((a, b) => a * b, 1);
    feeds[input.name] =
      input.type === 'float64'
        ? new ort.Tensor('float64', new Float64Array(size).fill(0.5), shape)
        : new ort.Tensor('float32', new Float32Array(size), shape);
  }
  return feeds;
}

/**
 * Loads each model once per process on first use: checks the manifest entry, the file's sha256 and the
 * signature, creates the session (CUDA with a CPU fallback) and runs it once so the first job is not the
 * one that pays for allocation. Failures surface as MODEL_UNAVAILABLE and are retried on the next request,
 * so an operator can fix MODEL_DIR without restarting the worker.
 */
export class ModelRegistry {
  private readonly loading = new Map<ModelName, Promise<LoadedModel>>();
  private readonly status = new Map<ModelName, ModelStatus>();
  private cudaFailed = false;

  constructor(
    private readonly manifest: Manifest,
    private readonly options: RegistryOptions,
    private readonly logger?: InferenceLogger,
  ) {
    for (const name of MODEL_NAMES) {
      const entry = this.entry(name);
      const refused = entry !== undefined && !this.licenceAllows(entry);
      this.status.set(name, {
        name,
        file: entry?.file ?? '',
        loaded: false,
        placeholder: entry?.placeholder ?? false,
        sha256Ok: null,
        licence: entry?.licence.spdx ?? 'unknown',
        commercialUse: entry?.licence.commercialUse ?? false,
        ...(entry ? {} : { error: 'not in manifest' }),
        ...(refused ? { error: NON_COMMERCIAL_REFUSAL } : {}),
      });
    }
  }

  /** In the manifest and allowed by its licence: whether a job may count on it (it may still fail to load). */
  usable(name: ModelName): boolean {
    const entry = this.entry(name);
    return entry !== undefined && this.licenceAllows(entry);
  }

  get<N extends ModelName>(name: N): Promise<LoadedModel<N>> {
    let pending = this.loading.get(name);
    if (!pending) {
      pending = this.load(name);
      this.loading.set(name, pending);
      pending.catch(() => this.loading.delete(name));
    }
    return pending as Promise<LoadedModel<N>>;
  }

  describe(): ModelStatus[] {
    return [...this.status.values()].map((status) => ({ ...status }));
  }

  async close(): Promise<void> {
    const loaded = await Promise.allSettled(this.loading.values());
    this.loading.clear();
    const sessions = loaded.flatMap((result) => (result.status === 'fulfilled' ? [result.value.session] : []));
    await Promise.all(sessions.map((session) => session.release()));
    for (const status of this.status.values()) status.loaded = false;
  }

  private licenceAllows(entry: ManifestEntry): boolean {
    return entry.licence.commercialUse || this.options.allowNonCommercial;
  }

  private entry(name: ModelName): ManifestEntry | undefined {
    return this.manifest.models.find((model) => model.name === name);
  }

  private async load<N extends ModelName>(name: N): Promise<LoadedModel<N>> {
    const status = this.status.get(name)!;
    const unavailable = (reason: string, cause?: unknown): InferenceError => {
      status.error = reason;
      this.logger?.warn({ model: name, reason }, 'model unavailable');
      return new InferenceError(InferenceErrorCode.MODEL_UNAVAILABLE, `model ${name} is unavailable: ${reason}`, { cause });
    };

    const entry = this.entry(name);
    if (!entry) throw unavailable('not in manifest');
    if (!this.licenceAllows(entry)) throw unavailable(NON_COMMERCIAL_REFUSAL);
    const file = path.resolve(this.options.modelDir, entry.file);

    let digest: string;
    try {
      digest = await sha256File(file);
    } catch (error) {
      throw unavailable(`cannot read ${entry.file}: ${(error as Error).message}`, error);
    }
    status.sha256Ok = digest === entry.sha256;
    if (!status.sha256Ok) throw unavailable(`sha256 of ${entry.file} does not match the manifest`);

    let session: ort.InferenceSession;
    try {
      session = await this.createSession(file, status);
    } catch (error) {
      throw unavailable(`cannot create a session: ${(error as Error).message}`, error);
    }
    let binding: ReturnType<typeof bindSignature<Spec<N>>>;
    try {
      binding = bindSignature(MODEL_SPECS[name], describeTensors(session.inputMetadata), describeTensors(session.outputMetadata));
      await session.run(warmUpFeeds(session));
    } catch (error) {
      await session.release();
      throw unavailable(`signature mismatch: ${(error as Error).message}`, error);
    }

    status.loaded = true;
    delete status.error;
    if (entry.placeholder) {
      this.logger?.warn(
        { model: name, file: entry.file },
        'PLACEHOLDER model loaded: generated stand-in with the production signature, not real weights',
      );
    } else {
      this.logger?.info({ model: name, file: entry.file, provider: status.executionProvider }, 'model loaded');
    }
    return { name, file, entry, session, inputs: binding.inputs, outputs: binding.outputs };
  }

  private async createSession(file: string, status: ModelStatus): Promise<ort.InferenceSession> {
    const base: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      ...(this.options.threads > 0 ? { intraOpNumThreads: this.options.threads } : {}),
      ...(this.options.threadSpinning ? {} : { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } }),
    };
    if (this.options.executionProvider === 'cuda' && !this.cudaFailed) {
      // onnxruntime-node throws when the CUDA provider is missing instead of falling back by itself;
      // after one failure the process stays on CPU (one warning, not one per model).
      try {
        const session = await ort.InferenceSession.create(file, { ...base, executionProviders: ['cuda'] });
        status.executionProvider = 'cuda';
        return session;
      } catch (error) {
        this.cudaFailed = true;
        this.logger?.warn({ model: status.name, err: (error as Error).message }, 'CUDA provider unavailable, using CPU');
      }
    }
    const session = await ort.InferenceSession.create(file, { ...base, executionProviders: ['cpu'] });
    status.executionProvider = 'cpu';
    return session;
  }
}
