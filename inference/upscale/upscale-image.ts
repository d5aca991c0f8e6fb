import sharp from 'sharp';
import type { InferenceConfig } from '../types.js';
import { InferenceError, InferenceErrorCode } from '../errors.js';
import type { DecodedImage, Raster } from '../image/raster.js';
import type { ModelRegistry } from '../models/registry.js';
import { upscaleAlpha, upscaleRgb } from './upscale.js';
import {
  defaultUpscaler,
  isUpscalerName,
  NATIVE_SCALE,
  UPSCALER_NAMES,
  UPSCALER_ROLES,
  type UpscaleFactor,
  type UpscalerName,
} from './upscalers.js';

/** The upscalers this worker can run: every model file they need is in the manifest and licensed for use here. */
export function availableUpscalers(registry: ModelRegistry): UpscalerName[] {
  return UPSCALER_NAMES.filter((name) => Object.values(UPSCALER_ROLES[name]).every((role) => registry.usable(role)));
}

/**
 * The upscaler a job runs. One it names must be known (else INVALID_PARAMETERS) and present on this worker
 * (else MODEL_UNAVAILABLE). Without one: UPSCALE_DEFAULT_MODEL, or quality on CUDA and speed on CPU; when the
 * worker lacks that model, the best one it has, so an older MODEL_DIR keeps serving upscales.
 */
export function selectUpscaler(registry: ModelRegistry, config: InferenceConfig, requested?: string): UpscalerName {
  const available = availableUpscalers(registry);
  if (requested !== undefined) {
    if (!isUpscalerName(requested)) {
      throw new InferenceError(InferenceErrorCode.INVALID_PARAMETERS, `unknown upscaler model ${requested}; one of ${UPSCALER_NAMES.join(', ')}`);
    }
    if (!available.includes(requested)) {
      throw new InferenceError(InferenceErrorCode.MODEL_UNAVAILABLE, `upscaler ${requested} is not available on this worker (${available.join(', ') || 'none'} are)`);
    }
    return requested;
  }
  const preferred = config.UPSCALE_DEFAULT_MODEL ?? defaultUpscaler(config.ONNX_EXECUTION_PROVIDER);
  return available.includes(preferred) ? preferred : (available[0] ?? preferred);
}

/** The largest image the upscaler holds in memory is its native output (×4 for Real-ESRGAN, even for a ×2 job). */
export function checkUpscaleSize(config: InferenceConfig, image: Raster, scale: UpscaleFactor, model: UpscalerName): void {
  const native = NATIVE_SCALE[UPSCALER_ROLES[model][scale]];
  if (image.width * native * image.height * native > config.MAX_OUTPUT_PIXELS) {
    throw new InferenceError(
      InferenceErrorCode.IMAGE_TOO_LARGE,
      `${model} ×${scale} works at ${image.width * native}×${image.height * native} pixels; the limit is ${config.MAX_OUTPUT_PIXELS}`,
    );
  }
}

/** Lanczos, as upstream Real-ESRGAN's `outscale` (cv2 INTER_LANCZOS4); alpha is premultiplied by sharp. */
async function resize(image: Raster, width: number, height: number): Promise<Raster> {
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 }, limitInputPixels: false })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return { data, width, height };
}

export interface UpscaleImageOptions {
  signal?: AbortSignal;
  onTile?: (done: number, total: number) => void;
}

/**
 * Upscales a decoded image `scale` times with the named upscaler: the model runs at its native factor, tiled
 * (UPSCALE_TILE_SIZE / _OVERLAP / _PAD), and a smaller requested factor is reached by a high-quality downscale.
 * Alpha is resized beside the RGB the model produced.
 */
export async function upscaleImage(
  registry: ModelRegistry,
  config: InferenceConfig,
  image: DecodedImage,
  request: { scale: UpscaleFactor; model: UpscalerName },
  options: UpscaleImageOptions = {},
): Promise<DecodedImage> {
  checkUpscaleSize(config, image, request.scale, request.model);
  const role = UPSCALER_ROLES[request.model][request.scale];
  const native = NATIVE_SCALE[role];
  const upscaled = await upscaleRgb(await registry.get(role), image, native, {
    tileSize: config.UPSCALE_TILE_SIZE,
    overlap: config.UPSCALE_TILE_OVERLAP,
    tilePad: config.UPSCALE_TILE_PAD,
    ...options,
  });
  if (image.hasAlpha) await upscaleAlpha(image, upscaled);
  const result = native === request.scale ? upscaled : await resize(upscaled, image.width * request.scale, image.height * request.scale);
  return { ...result, hasAlpha: image.hasAlpha, format: image.format };
}
