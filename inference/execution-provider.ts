import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import type { InferenceConfig, InferenceLogger } from './types.js';

export type ExecutionProvider = 'cpu' | 'cuda';

const { onnx } = onnxProto;

/** Where onnxruntime-node keeps libonnxruntime.so.1, and so where it looks for provider libraries. */
export const ORT_BIN_DIR = path.join(
  path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json')),
  'bin/napi-v6',
  process.platform,
  process.arch,
);
const CUDA_PROVIDER_FILES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];
/** The CUDA runtime the PyPI provider links (onnxruntime-gpu 1.30 is built for CUDA 13). */
const CUDA_RUNTIME = 'libcudart.so.13';

/** A 3×3 convolution on [1, 1, 8, 8]: session creation loads the provider, the run loads cuDNN. */
function probeModel(): Uint8Array {
  const shape = (dims: number[]) => ({ tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } });
  const weights = new Float32Array(9).fill(1 / 9);
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'oneshot-provider-probe',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'probe',
      node: [{ opType: 'Conv', input: ['x', 'w'], output: ['y'], attribute: [{ name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1, 1, 1] }] }],
      initializer: [{ name: 'w', dims: [1, 1, 3, 3], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(weights.buffer) }],
      input: [{ name: 'x', type: shape([1, 1, 8, 8]) }],
      output: [{ name: 'y', type: shape([1, 1, 8, 8]) }],
    },
  }).finish();
}

/** Creates and runs the probe on CUDA only; the error's message when that fails. */
export async function probeCuda(): Promise<string | undefined> {
  let session: ort.InferenceSession | undefined;
  try {
    session = await ort.InferenceSession.create(probeModel(), { executionProviders: ['cuda'], logSeverityLevel: 3 });
    await session.run({ x: new ort.Tensor('float32', new Float32Array(64).fill(1), [1, 1, 8, 8]) });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await session?.release();
  }
}

/** What stands in the way of CUDA here, most basic first (onnxruntime's own message rarely names the file). */
export function diagnoseCuda(env: NodeJS.ProcessEnv = process.env): string[] {
  const missing = CUDA_PROVIDER_FILES.filter((file) => !existsSync(path.join(ORT_BIN_DIR, file)));
  if (missing.length > 0) return [`onnxruntime-node's CUDA provider is not installed (${missing.join(', ')} missing in ${ORT_BIN_DIR}): run scripts/install/onnxruntime-cuda.sh`];
  const problems: string[] = [];
  const libraryPath = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  if (!libraryPath.some((dir) => existsSync(path.join(dir, CUDA_RUNTIME)))) {
    problems.push(`no ${CUDA_RUNTIME} on LD_LIBRARY_PATH: start the worker with the library path scripts/install/onnxruntime-cuda.sh prints (or source .local/onnxruntime-cuda/env.sh)`);
  }
  if (!existsSync('/dev/nvidiactl')) problems.push('no NVIDIA GPU or driver is visible to this process (/dev/nvidiactl is missing)');
  return problems;
}

/**
 * The provider the worker's models run on. CPU when configured; with ONNX_EXECUTION_PROVIDER=cuda, CUDA if a
 * convolution really runs on it, else a start refused with what is missing — a GPU worker that quietly became a CPU
 * worker would turn every job into a timeout — unless INFERENCE_ALLOW_CPU_FALLBACK=true.
 */
export async function resolveExecutionProvider(
  config: Pick<InferenceConfig, 'ONNX_EXECUTION_PROVIDER' | 'INFERENCE_ALLOW_CPU_FALLBACK'>,
  logger?: InferenceLogger,
): Promise<ExecutionProvider> {
  if (config.ONNX_EXECUTION_PROVIDER === 'cpu') return 'cpu';
  const failure = await probeCuda();
  if (failure === undefined) return 'cuda';
  const reasons = [...diagnoseCuda(), `onnxruntime: ${failure}`];
  if (config.INFERENCE_ALLOW_CPU_FALLBACK) {
    logger?.warn({ reasons }, 'CUDA UNAVAILABLE: running every model on CPU because INFERENCE_ALLOW_CPU_FALLBACK=true');
    return 'cpu';
  }
  throw new CudaUnavailableError(reasons);
}

export class CudaUnavailableError extends Error {
  constructor(readonly reasons: string[]) {
    super(
      `ONNX_EXECUTION_PROVIDER=cuda but the CUDA execution provider cannot run here:\n  - ${reasons.join('\n  - ')}\n` +
        'Fix the above, or set INFERENCE_ALLOW_CPU_FALLBACK=true to run this worker on CPU.',
    );
    this.name = 'CudaUnavailableError';
  }
}
