/**
 * Regenerates the numerics fixtures in test/fixtures/inference/ncnn/: a small crop of a real photo and what
 * ncnn itself (PyPI `ncnn`, the runtime these Real-ESRGAN files were made for) computes from it. The unit tests
 * check that our ONNX conversions reproduce those outputs. Usage (needs python3; installs ncnn in .local/):
 *   npx tsx scripts/models/regenerate-fixtures.ts
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { regionToPlanar, UNIT_RANGE } from '../../inference/image/tensor.js';
import { ncnnUpscalerFiles, type NcnnUpscalerName } from './fetch.js';

const run = promisify(execFile);
const ROOT = path.join(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/inference');
const OUT = path.join(FIXTURES, 'ncnn');
const VENV = path.join(ROOT, '.local/ncnn-venv');
const PYTHON_PACKAGES = ['ncnn==1.0.20261020', 'numpy==2.4.6'];
/** A 24×24 patch around an eye (edges, make-up, skin): small enough for x4plus to run in the unit tests in a blink. */
const CROP = { left: 203, top: 178, width: 24, height: 24 };

// fp16 storage and arithmetic are off so that ncnn computes in fp32, like the converted ONNX models.
const NCNN_RUN = `
import sys, numpy as np, ncnn
param, weights, height, width, out = sys.argv[1:6]
x = np.frombuffer(sys.stdin.buffer.read(), dtype=np.float32).reshape(3, int(height), int(width))
net = ncnn.Net()
for flag in ("use_fp16_packed", "use_fp16_storage", "use_fp16_arithmetic", "use_bf16_storage", "use_vulkan_compute"):
    setattr(net.opt, flag, False)
net.load_param(param)
net.load_model(weights)
extractor = net.create_extractor()
extractor.input("data", ncnn.Mat(np.ascontiguousarray(x)))
_, y = extractor.extract("output")
np.asarray(y, dtype=np.float32).tofile(out)
print(ncnn.__version__)
`;

async function python(): Promise<string> {
  const bin = path.join(VENV, 'bin/python');
  if (!(await stat(bin).then(() => true, () => false))) await run('python3', ['-m', 'venv', VENV]);
  await run(bin, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...PYTHON_PACKAGES]);
  return bin;
}

async function ncnnOutput(bin: string, name: NcnnUpscalerName, input: Float32Array): Promise<string> {
  const files = await ncnnUpscalerFiles(name);
  const out = path.join(OUT, `${name}.f32`);
  const child = run(bin, ['-c', NCNN_RUN, files.param, files.bin, String(CROP.height), String(CROP.width), out]);
  child.child.stdin?.end(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
  return (await child).stdout.trim();
}

await mkdir(OUT, { recursive: true });
const crop = await sharp(await readFile(path.join(FIXTURES, 'three-faces.jpg'))).extract(CROP).png().toBuffer();
await writeFile(path.join(OUT, 'crop.png'), crop);
const { data, info } = await sharp(crop).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
const input = regionToPlanar({ data, width: info.width, height: info.height }, { x: 0, y: 0, width: CROP.width, height: CROP.height }, UNIT_RANGE);
const bin = await python();
let ncnnVersion = '';
for (const name of ['realesrgan-x4plus', 'realesrgan-x4fast'] as const) ncnnVersion = await ncnnOutput(bin, name, input);
await writeFile(
  path.join(OUT, 'fixtures.json'),
  `${JSON.stringify({ crop: CROP, scale: 4, layout: 'float32 little-endian [1, 3, 4h, 4w], RGB in [0, 1]', ncnn: ncnnVersion, python: PYTHON_PACKAGES }, null, 2)}\n`,
);
console.log(`fixtures written to ${path.relative(ROOT, OUT)} (ncnn ${ncnnVersion})`);
