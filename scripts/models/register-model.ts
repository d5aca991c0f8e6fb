import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { inferenceEnvSchema } from '../../domain/config/inference.js';
import { isModelName, MODEL_NAMES, MODEL_SPECS } from '../../inference/models/catalog.js';
import { readManifest } from '../../inference/models/manifest.js';
import { sha256File } from '../../inference/models/registry.js';
import { bindSignature } from '../../inference/models/signature.js';
import { readSignature, upsertEntry, writeManifest } from './manifest-writer.js';

// Installs a real model file (e.g. GFPGANv1.4.onnx) in place of a placeholder, after checking its signature:
//   npx tsx scripts/models/register-model.ts --name gfpgan --file ./GFPGANv1.4.onnx \
//     --licence Apache-2.0 --commercial true --source "TencentARC/GFPGAN v1.4" [--dir MODEL_DIR]
const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    file: { type: 'string' },
    licence: { type: 'string' },
    commercial: { type: 'string' },
    source: { type: 'string' },
    dir: { type: 'string' },
  },
});
const { name, file, licence, commercial, source } = values;
if (!name || !isModelName(name) || !file || !licence || !['true', 'false'].includes(commercial ?? '') || !source) {
  console.error(`usage: --name <${MODEL_NAMES.join('|')}> --file F --licence SPDX --commercial true|false --source TEXT [--dir MODEL_DIR]`);
  process.exit(2);
}
const modelDir = values.dir ?? inferenceEnvSchema.shape.MODEL_DIR.parse(process.env.MODEL_DIR);
const signature = await readSignature(file);
try {
  bindSignature(MODEL_SPECS[name], signature.inputs, signature.outputs);
} catch (error) {
  console.error(`${file} does not fit ${name}: ${(error as Error).message}`);
  process.exit(1);
}
const target = path.join(modelDir, path.basename(file));
if (path.resolve(file) !== path.resolve(target)) await copyFile(file, target);
const manifest = await readManifest(modelDir);
await writeManifest(
  modelDir,
  upsertEntry(manifest, {
    name,
    file: path.basename(file),
    sha256: await sha256File(target),
    ...signature,
    licence: { spdx: licence, commercialUse: commercial === 'true', source: `operator: ${source}` },
    placeholder: false,
  }),
);
console.log(`${name} → ${path.basename(file)} registered in ${modelDir}; restart inference workers to load it`);
