import { parseArgs } from 'node:util';
import { inferenceEnvSchema } from '../../domain/config/inference.js';
import { defaultCacheDir, ensureModels } from './fetch.js';

// Usage: npx tsx scripts/models/fetch-models.ts [--dir MODEL_DIR] [--cache DIR]
const { values } = parseArgs({ options: { dir: { type: 'string' }, cache: { type: 'string' } } });
const modelDir = values.dir ?? inferenceEnvSchema.shape.MODEL_DIR.parse(process.env.MODEL_DIR);
const started = Date.now();
const manifest = await ensureModels({ modelDir, cacheDir: values.cache ?? defaultCacheDir(), log: (line) => console.log(line) });
const placeholders = manifest.models.filter((model) => model.placeholder).map((model) => model.name);
console.log(`${manifest.models.length} models in ${modelDir} (${Date.now() - started} ms)`);
if (placeholders.length > 0) {
  console.log(`PLACEHOLDERS (generated, not real weights): ${placeholders.join(', ')} — see docs/models.md to install the real files`);
}
