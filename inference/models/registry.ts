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
  /** Generated stand-ins may serve jobs (development); absent: they may. Production refuses them (placeholdersAllowed). */
  allowPlaceholders?: boolean;
  /** Told every change of a model's status (the worker thread that loads it reports to the engine this way). */
  onStatus?: (status: ModelStatus) => void;
}

export const NON_COMMERCIAL_REFUSAL = 'weights not licensed for commercial use; set INFERENCE_ALLOW_NON_COMMERCIAL_MODELS=true to accept their licence';
export const PLACEHOLDER_REFUSAL = 'a generated placeholder, not real weights: refused in production (NODE_ENV=production) and with INFERENCE_ALLOW_PLACEHOLDERS=false';

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
 * Loads each model once per thread on first use: checks the manifest entry, the file's sha256 and the
 * signature, creates the session on the configured execution provider (no fallback: the engine decided the
 * provider at start) and runs it once so the first job is not the one that pays for allocation. Failures surface
 * as MODEL_UNAVAILABLE and are retried on the next request, so an operator can fix MODEL_DIR without restarting
 * the worker. The engine keeps one registry that loads nothing, as its view of what the threads report (adopt).
 */
export class ModelRegistry {
  private readonly loading = new Map<ModelName, Promise<LoadedModel>>();
  private readonly status = new Map<ModelName, ModelStatus>();

  constructor(
    private readonly manifest: Manifest,
    private readonly options: RegistryOptions,
    private readonly logger?: InferenceLogger,
  ) {
    for (const name of MODEL_NAMES) {
      const entry = this.entry(name);
      const refusal = entry && this.refusal(entry);
      this.status.set(name, {
        name,
        file: entry?.file ?? '',
        loaded: false,
        placeholder: entry?.placeholder ?? false,
        sha256Ok: null,
        licence: entry?.licence.spdx ?? 'unknown',
        commercialUse: entry?.licence.commercialUse ?? false,
        ...(entry ? {} : { error: 'not in manifest' }),
        ...(refusal ? { error: refusal } : {}),
      });
    }
  }

  /** In the manifest, allowed by its licence and real or allowed as a placeholder: whether a job may count on it (it may still fail to load). */
  usable(name: ModelName): boolean {
    const entry = this.entry(name);
    return entry !== undefined && this.refusal(entry) === undefined;
  }

  /** Whether the model's manifest entry is a generated placeholder. */
  isPlaceholder(name: ModelName): boolean {
    return this.entry(name)?.placeholder ?? false;
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

  /** Takes a status reported by the registry that loads the model (in a worker thread) as this one's. */
  adopt(status: ModelStatus): void {
    this.status.set(status.name as ModelName, { ...status });
  }

  async close(): Promise<void> {
    const loaded = await Promise.allSettled(this.loading.values());
    this.loading.clear();
    const sessions = loaded.flatMap((result) => (result.status === 'fulfilled' ? [result.value.session] : []));
    await Promise.all(sessions.map((session) => session.release()));
    for (const status of this.status.values()) status.loaded = false;
  }

  /** Why the model may not serve jobs here whatever its file holds; undefined when it may. */
  private refusal(entry: ManifestEntry): string | undefined {
    if (!entry.licence.commercialUse && !this.options.allowNonCommercial) return NON_COMMERCIAL_REFUSAL;
    if (entry.placeholder && this.options.allowPlaceholders === false) return PLACEHOLDER_REFUSAL;
    return undefined;
  }

  private report(status: ModelStatus): void {
    this.options.onStatus?.({ ...status });
  }

  private entry(name: ModelName): ManifestEntry | undefined {
    return this.manifest.models.find((model) => model.name === name);
  }

  private async load<N extends ModelName>(name: N): Promise<LoadedModel<N>> {
    const status = this.status.get(name)!;
    const unavailable = (reason: string, cause?: unknown): InferenceError => {
      status.error = reason;
      this.report(status);
      this.logger?.warn({ model: name, reason }, 'model unavailable');
      return new InferenceError(InferenceErrorCode.MODEL_UNAVAILABLE, `model ${name} is unavailable: ${reason}`, { cause });
    };

    const entry = this.entry(name);
    if (!entry) throw unavailable('not in manifest');
    const refusal = this.refusal(entry);
    if (refusal) throw unavailable(refusal);
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
    this.report(status);
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
    const session = await ort.InferenceSession.create(file, { ...base, executionProviders: [this.options.executionProvider] });
    status.executionProvider = this.options.executionProvider;
    return session;
  }
}
