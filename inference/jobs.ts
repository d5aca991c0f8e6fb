import { z } from 'zod';
import { InferenceError, InferenceErrorCode } from './errors.js';
import { decodeImage } from './image/decode.js';
import { encodeImage } from './image/encode.js';
import type { DecodedImage, Raster } from './image/raster.js';
import { detectFaces, type DetectedFace } from './faces/detect.js';
import { editFaces, largestFace, type FaceEditor } from './faces/edit.js';
import type { ModelRegistry } from './models/registry.js';
import { faceRestorer } from './pipelines/restore.js';
import { faceEmbedding, faceSwapper } from './pipelines/swap.js';
import { stageReporter } from './progress.js';
import type { InferenceConfig, InferenceParams, InferenceRequest, InferenceResult, RunOptions } from './types.js';
import { upscaleAlpha, upscaleRgb } from './upscale/upscale.js';

const paramsSchema = z.object({
  model: z.enum(['gfpgan', 'codeformer', 'custom_lora']).default('gfpgan'),
  scale_factor: z.union([z.literal(2), z.literal(4)]).optional(),
  face_enhance: z.boolean().default(false),
  fidelity: z.number().min(0).max(1).default(0.5),
  face_selection: z.enum(['all', 'largest']).default('all'),
});

type Params = z.infer<typeof paramsSchema>;

function parseParams(params: InferenceParams): Params {
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new InferenceError(InferenceErrorCode.INVALID_PARAMETERS, `invalid parameters: ${detail}`);
  }
  return parsed.data;
}

interface JobContext {
  config: InferenceConfig;
  registry: ModelRegistry;
  options: RunOptions;
}

async function findFaces(ctx: JobContext, image: Raster, selection: Params['face_selection']): Promise<DetectedFace[]> {
  const models = { detector: await ctx.registry.get('face_detector'), landmarker: await ctx.registry.get('face_landmarker') };
  const faces = await detectFaces(models, image, { minSize: ctx.config.FACE_MIN_SIZE });
  const largest = largestFace(faces);
  return selection === 'largest' && largest ? [largest] : faces;
}

async function restorerFor(ctx: JobContext, params: Params): Promise<FaceEditor> {
  return faceRestorer(await ctx.registry.get(params.model), params.fidelity);
}

function checkOutputSize(ctx: JobContext, image: Raster, scale: number): void {
  const pixels = image.width * scale * image.height * scale;
  if (pixels > ctx.config.MAX_OUTPUT_PIXELS) {
    throw new InferenceError(
      InferenceErrorCode.IMAGE_TOO_LARGE,
      `×${scale} would give ${image.width * scale}×${image.height * scale} pixels; the limit is ${ctx.config.MAX_OUTPUT_PIXELS}`,
    );
  }
}

async function upscale(ctx: JobContext, image: DecodedImage, scale: 2 | 4, progressShare: [number, number]): Promise<DecodedImage> {
  const model = await ctx.registry.get(scale === 2 ? 'upscale_x2' : 'upscale_x4');
  const upscaled = await upscaleRgb(model, image, scale, {
    tileSize: ctx.config.UPSCALE_TILE_SIZE,
    overlap: ctx.config.UPSCALE_TILE_OVERLAP,
    signal: ctx.options.signal,
    onTile: stageReporter(ctx.options.onProgress, 'upscale', ...progressShare),
  });
  if (image.hasAlpha) await upscaleAlpha(image, upscaled);
  return { ...upscaled, hasAlpha: image.hasAlpha, format: image.format };
}

const finish = async (ctx: JobContext, image: DecodedImage): Promise<InferenceResult> => {
  ctx.options.onProgress?.({ stage: 'encode', fraction: 0.95 });
  const result = await encodeImage(image, image);
  ctx.options.onProgress?.({ stage: 'done', fraction: 1 });
  return result;
};

async function runUpscale(ctx: JobContext, params: Params, input: DecodedImage): Promise<InferenceResult> {
  const scale = params.scale_factor ?? 2;
  checkOutputSize(ctx, input, scale);
  const upscaled = await upscale(ctx, input, scale, [0.05, params.face_enhance ? 0.7 : 0.9]);
  if (params.face_enhance) {
    const restorer = await restorerFor(ctx, params);
    const faces = await findFaces(ctx, upscaled, params.face_selection);
    await editFaces(upscaled, faces, [restorer], { signal: ctx.options.signal, onFace: stageReporter(ctx.options.onProgress, 'faces', 0.7, 0.9) });
  }
  return finish(ctx, upscaled);
}

async function runRestoration(ctx: JobContext, params: Params, input: DecodedImage): Promise<InferenceResult> {
  if (params.scale_factor) checkOutputSize(ctx, input, params.scale_factor);
  const restorer = await restorerFor(ctx, params);
  // Background first: faces are then restored at the final resolution.
  const image = params.scale_factor ? await upscale(ctx, input, params.scale_factor, [0.05, 0.6]) : input;
  const faces = await findFaces(ctx, image, params.face_selection);
  if (faces.length === 0) throw new InferenceError(InferenceErrorCode.NO_FACE_FOUND, 'no face found in the photo');
  const from = params.scale_factor ? 0.6 : 0.1;
  await editFaces(image, faces, [restorer], { signal: ctx.options.signal, onFace: stageReporter(ctx.options.onProgress, 'faces', from, 0.9) });
  return finish(ctx, image);
}

async function runSwap(ctx: JobContext, params: Params, source: DecodedImage, targetBytes: Buffer | undefined): Promise<InferenceResult> {
  if (!targetBytes) throw new InferenceError(InferenceErrorCode.INVALID_PARAMETERS, 'face_swap needs a target photo');
  const target = await decodeImage(targetBytes, ctx.config.MAX_INPUT_PIXELS);
  const [arcface, swapper] = [await ctx.registry.get('arcface'), await ctx.registry.get('inswapper')];
  const restorer = params.face_enhance ? await restorerFor(ctx, params) : undefined;

  const sourceFace = largestFace(await findFaces(ctx, source, 'largest'));
  if (!sourceFace) throw new InferenceError(InferenceErrorCode.NO_FACE_FOUND, 'no face found in the source photo');
  const editors = [await faceSwapper(swapper, await faceEmbedding(arcface, source, sourceFace)), ...(restorer ? [restorer] : [])];
  ctx.options.onProgress?.({ stage: 'source', fraction: 0.1 });

  const faces = await findFaces(ctx, target, params.face_selection);
  if (faces.length === 0) throw new InferenceError(InferenceErrorCode.NO_FACE_FOUND, 'no face found in the target photo');
  await editFaces(target, faces, editors, { signal: ctx.options.signal, onFace: stageReporter(ctx.options.onProgress, 'faces', 0.15, 0.9) });
  return finish(ctx, target);
}

/**
 * One job: parameters and every input image are validated before any model is loaded or run; the output
 * is encoded in the (target) input's format.
 */
export async function runJob(ctx: JobContext, request: InferenceRequest): Promise<InferenceResult> {
  ctx.options.signal?.throwIfAborted();
  const params = parseParams(request.params ?? {});
  const input = await decodeImage(request.input, ctx.config.MAX_INPUT_PIXELS);
  ctx.options.onProgress?.({ stage: 'decode', fraction: 0.05 });
  switch (request.jobType) {
    case 'upscale':
      return runUpscale(ctx, params, input);
    case 'face_restoration':
      return runRestoration(ctx, params, input);
    case 'face_swap':
      return runSwap(ctx, params, input, request.target);
    default:
      throw new InferenceError(InferenceErrorCode.INVALID_PARAMETERS, `unknown job type ${String(request.jobType)}`);
  }
}
