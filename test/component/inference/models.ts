import os from 'node:os';
import path from 'node:path';
import { inferenceEnvSchema } from '../../../domain/config/inference.js';
import { readManifest } from '../../../inference/models/manifest.js';
import { ModelRegistry } from '../../../inference/models/registry.js';
import type { InferenceConfig } from '../../../inference/types.js';
import { ensureModels } from '../../../scripts/models/fetch.js';

/** Models for component tests: the same fetch as production (cached under ~/.cache/oneshot/models), own MODEL_DIR. */
export const TEST_MODEL_DIR = path.join(os.tmpdir(), 'oneshot-component-models');

export const FIXTURES = path.join(import.meta.dirname, '../../fixtures/inference');

export async function prepareModels(): Promise<void> {
  await ensureModels({ modelDir: TEST_MODEL_DIR });
}

export function testConfig(overrides: Partial<Record<string, string>> = {}): InferenceConfig {
  return inferenceEnvSchema.parse({ MODEL_DIR: TEST_MODEL_DIR, ...overrides });
}

/** Non-commercial models allowed, unless a test says otherwise. */
export async function testRegistry(modelDir = TEST_MODEL_DIR, allowNonCommercial = true): Promise<ModelRegistry> {
  return new ModelRegistry(await readManifest(modelDir), { modelDir, executionProvider: 'cpu', threads: 0, allowNonCommercial });
}
