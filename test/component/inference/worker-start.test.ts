import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { prepareModels, TEST_MODEL_DIR } from './models.js';

const ROOT = path.join(import.meta.dirname, '../../..');

beforeAll(prepareModels, 120_000);

it('an inference worker configured for CUDA where CUDA cannot run refuses to start, saying what is missing', async () => {
  // Nothing else is reachable: the refusal comes before the worker connects to anything.
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/inference.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      S3_BUCKET: 'none',
      S3_KEY: 'none',
      S3_SECRET: 'none',
      MODEL_DIR: TEST_MODEL_DIR,
      ONNX_EXECUTION_PROVIDER: 'cuda',
      INFERENCE_METRICS_PORT: '0',
      INFERENCE_TEMPORAL_METRICS_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code).toBe(1);
  expect(output).toContain('ONNX_EXECUTION_PROVIDER=cuda but the CUDA execution provider cannot run here');
  expect(output).toContain('INFERENCE_ALLOW_CPU_FALLBACK=true');
  expect(output).not.toContain('inference worker running');
}, 120_000);
