/**
 * The models the pipelines know, each with the signature the code feeds and reads. Real files and generated
 * placeholders must both satisfy it; a file that does not is refused at load (MODEL_UNAVAILABLE).
 */
export type TensorType = 'float32' | 'float64';

/** A number is a fixed extent; a string is a dynamic axis (the ONNX dim_param used when generating). */
export type Dim = number | string;

export interface TensorSpec {
  /** Names accepted for this tensor, first = the one generated placeholders use (exports differ: `x`/`input`). */
  names: readonly string[];
  type: TensorType;
  shape: readonly Dim[];
}

export interface ModelSpec {
  inputs: Record<string, TensorSpec>;
  outputs: Record<string, TensorSpec>;
}

const image = (names: readonly string[], size: number | readonly [number, number], channels = 3): TensorSpec => {
  const [height, width] = typeof size === 'number' ? [size, size] : size;
  return { names, type: 'float32', shape: [1, channels, height, width] };
};

const upscaler = {
  inputs: { image: { names: ['input'], type: 'float32', shape: [1, 3, 'h', 'w'] } },
  outputs: { image: { names: ['output'], type: 'float32', shape: [1, 3, 'H', 'W'] } },
} as const satisfies ModelSpec;

/** GFPGAN 1.4 (and a custom restorer) map a 512 FFHQ-aligned face in [-1, 1] to the same. */
const restorer = {
  inputs: { image: image(['input'], 512) },
  outputs: { image: image(['output'], 512) },
} satisfies ModelSpec;

export const SCRFD_STRIDES = [8, 16, 32] as const;
export const SCRFD_SIZE = 640;
type ScrfdHead = `${'score' | 'bbox' | 'kps'}_${(typeof SCRFD_STRIDES)[number]}`;

/** SCRFD's per-stride heads, two anchors per cell: scores [1, n, 1], box distances [1, n, 4], keypoint offsets [1, n, 10]. */
const scrfdHeads = {} as Record<ScrfdHead, TensorSpec>;
for (const stride of SCRFD_STRIDES) {
  const anchors = 2 * (SCRFD_SIZE / stride) ** 2;
  for (const [head, width] of [['score', 1], ['bbox', 4], ['kps', 10]] as const) {
    scrfdHeads[`${head}_${stride}`] = { names: [`${head}_${stride}`], type: 'float32', shape: [1, anchors, width] };
  }
}

export const MODEL_SPECS = {
  /** ESRGAN-slim, native ×2 and ×4. */
  upscale_x2: upscaler,
  upscale_x4: upscaler,
  /** Real-ESRGAN RRDBNet (quality) and SRVGG (fast), native ×4. */
  realesrgan_x4plus: upscaler,
  realesrgan_x4fast: upscaler,
  /** SCRFD-2.5G-KPS: letterboxed 640² RGB (x − 127.5) / 128 → per-anchor scores, boxes and five keypoints. */
  scrfd: { inputs: { image: image(['input.1'], SCRFD_SIZE) }, outputs: scrfdHeads },
  /** UltraFace RFB-320: RGB (x − 127) / 128 → per-anchor scores and normalised x1y1x2y2 boxes. */
  face_detector: {
    inputs: { image: image(['input'], [240, 320]) },
    outputs: {
      scores: { names: ['scores'], type: 'float32', shape: [1, 4420, 2] },
      boxes: { names: ['boxes'], type: 'float32', shape: [1, 4420, 4] },
    },
  },
  /** 68 points (x, y normalised to the crop) from a 64×64 grey crop of the face box, x / 256. */
  face_landmarker: {
    inputs: { image: image(['input'], 64, 1) },
    outputs: { points: { names: ['output'], type: 'float32', shape: [1, 136] } },
  },
  gfpgan: restorer,
  custom_lora: restorer,
  /** CodeFormer adds the fidelity weight as a double. */
  codeformer: {
    inputs: {
      image: image(['input', 'x'], 512),
      weight: { names: ['weight', 'w'], type: 'float64', shape: [1] },
    },
    outputs: { image: image(['output', 'y'], 512) },
  },
  /** inswapper_128: aligned target face RGB [0, 1] + projected source embedding → swapped face [0, 1]. */
  inswapper: {
    inputs: {
      target: image(['target'], 128),
      source: { names: ['source'], type: 'float32', shape: [1, 512] },
    },
    outputs: { image: image(['output'], 128) },
  },
  /** ArcFace w600k_r50: 112 aligned face RGB x / 127.5 − 1 → 512-d identity embedding. */
  arcface: {
    inputs: { image: image(['input.1', 'input', 'data'], 112) },
    outputs: { embedding: { names: ['683', 'output', 'fc1'], type: 'float32', shape: [1, 512] } },
  },
} as const satisfies Record<string, ModelSpec>;

export type ModelName = keyof typeof MODEL_SPECS;

export const MODEL_NAMES = Object.keys(MODEL_SPECS) as ModelName[];

export function isModelName(value: string): value is ModelName {
  return Object.hasOwn(MODEL_SPECS, value);
}
