import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ModelName } from '../../inference/models/catalog.js';
import { readManifest, type Manifest, type ManifestEntry } from '../../inference/models/manifest.js';
import { sha256File } from '../../inference/models/registry.js';
import { convertEsrganLayersModel } from './convert-tfjs-layers.js';
import { readSignature, upsertEntry, writeFileAtomic, writeManifest } from './manifest-writer.js';
import { fetchNpmPackage, type NpmPackageSpec } from './npm-package.js';
import { generatePlaceholder, type PlaceholderName } from './placeholders.js';

export const ESRGAN_SLIM: NpmPackageSpec = {
  name: '@upscalerjs/esrgan-slim',
  version: '1.0.0',
  paths: ['models/x2', 'models/x4', 'assets', 'LICENSE'],
};

const FACEPLUGIN: NpmPackageSpec = {
  name: 'faceplugin-face-recognition-js',
  version: '0.0.1',
  paths: ['model/fr_detect.onnx', 'model/fr_landmark.onnx', 'LICENSE'],
};

/** Bump when a converter's output changes, so cached conversions are not reused. */
const CONVERTER_VERSION = 1;

export const defaultCacheDir = (): string =>
  path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'oneshot', 'models');

interface ModelSource {
  name: ModelName;
  file: string;
  licence: ManifestEntry['licence'];
  placeholder: boolean;
  /** Produces the model file (in the cache) and returns its path. */
  build(cacheDir: string): Promise<string>;
}

const npmSource = (spec: NpmPackageSpec, inner: string) => `npm:${spec.name}@${spec.version}/${inner}`;

function esrganSlim(scale: 2 | 4): ModelSource {
  return {
    name: `upscale_x${scale}`,
    file: `esrgan_slim_x${scale}.onnx`,
    licence: { spdx: 'MIT', commercialUse: true, source: npmSource(ESRGAN_SLIM, `models/x${scale}`) },
    placeholder: false,
    async build(cacheDir) {
      const converted = path.join(cacheDir, 'converted', `esrgan-slim@${ESRGAN_SLIM.version}-x${scale}-v${CONVERTER_VERSION}.onnx`);
      const cached = await readFile(converted).then(() => true, () => false);
      if (!cached) {
        const packageDir = await fetchNpmPackage(ESRGAN_SLIM, cacheDir);
        await writeFileAtomic(converted, await convertEsrganLayersModel(path.join(packageDir, 'models', `x${scale}`), scale));
      }
      return converted;
    },
  };
}

function faceplugin(name: ModelName, file: string): ModelSource {
  return {
    name,
    file,
    // The package declares MIT; the detector is UltraFace RFB-320 (MIT upstream). See docs/models.md.
    licence: { spdx: 'MIT', commercialUse: true, source: npmSource(FACEPLUGIN, `model/${file}`) },
    placeholder: false,
    build: async (cacheDir) => path.join(await fetchNpmPackage(FACEPLUGIN, cacheDir), 'model', file),
  };
}

function placeholder(name: PlaceholderName, file: string, realModel: string): ModelSource {
  return {
    name,
    file,
    licence: { spdx: 'generated', commercialUse: true, source: `placeholder for ${realModel}` },
    placeholder: true,
    async build(cacheDir) {
      const generated = path.join(cacheDir, 'generated', file);
      await writeFileAtomic(generated, generatePlaceholder(name));
      return generated;
    },
  };
}

const SOURCES: readonly ModelSource[] = [
  esrganSlim(2),
  esrganSlim(4),
  faceplugin('face_detector', 'fr_detect.onnx'),
  faceplugin('face_landmarker', 'fr_landmark.onnx'),
  placeholder('gfpgan', 'gfpgan_1.4.placeholder.onnx', 'GFPGAN 1.4 (Apache-2.0)'),
  placeholder('codeformer', 'codeformer.placeholder.onnx', 'CodeFormer (S-Lab License 1.0, non-commercial)'),
  placeholder('inswapper', 'inswapper_128.placeholder.onnx', 'inswapper_128 (InsightFace, non-commercial)'),
  placeholder('arcface', 'arcface_w600k_r50.placeholder.onnx', 'ArcFace w600k_r50 (InsightFace, non-commercial)'),
];

/** Real files an operator registered (any non-placeholder entry we did not write) are never replaced. */
const ownedByOperator = (existing: ManifestEntry | undefined, source: ModelSource) =>
  existing !== undefined && !existing.placeholder && existing.licence.source !== source.licence.source;

/**
 * Makes MODEL_DIR hold every model the project can obtain itself, plus placeholders for the rest, and a
 * manifest describing them. Idempotent: packages and conversions are cached under `cacheDir` by version,
 * and a model already in place with the right sha256 is left alone.
 */
export async function ensureModels(options: {
  modelDir: string;
  cacheDir?: string;
  log?: (line: string) => void;
}): Promise<Manifest> {
  const { modelDir, cacheDir = defaultCacheDir(), log = () => undefined } = options;
  let manifest = await readManifest(modelDir);
  for (const source of SOURCES) {
    const existing = manifest.models.find((model) => model.name === source.name);
    if (ownedByOperator(existing, source)) {
      log(`${source.name}: keeping operator-supplied ${existing!.file}`);
      continue;
    }
    const built = await source.build(cacheDir);
    const sha256 = await sha256File(built);
    const target = path.join(modelDir, source.file);
    const inPlace = await sha256File(target).catch(() => undefined);
    if (existing?.sha256 === sha256 && existing.file === source.file && inPlace === sha256) continue;

    if (inPlace !== sha256) {
      await writeFileAtomic(target, await readFile(built));
    }
    const { inputs, outputs } = await readSignature(target);
    manifest = upsertEntry(manifest, {
      name: source.name,
      file: source.file,
      sha256,
      inputs,
      outputs,
      licence: source.licence,
      placeholder: source.placeholder,
    });
    log(`${source.name}: ${source.file}${source.placeholder ? ' (PLACEHOLDER)' : ''}`);
  }
  await writeManifest(modelDir, manifest);
  return manifest;
}

/** The esrgan-slim package's own assets (fixture.png, samples/<s>x/result.png): the upscaler's reference output. */
export async function esrganSlimAssets(cacheDir = defaultCacheDir()): Promise<string> {
  return path.join(await fetchNpmPackage(ESRGAN_SLIM, cacheDir), 'assets');
}
