import { parseJobSpec } from '../domain/jobs/parameters.js';
import { planModels } from './capabilities.js';
import { type JobPlan, planJob } from '../domain/jobs/plan.js';
import { InferenceError, InferenceErrorCode } from './errors.js';
import { decodeImage } from './image/decode.js';
import { encodeImage } from './image/encode.js';
import type { DecodedImage, Raster } from './image/raster.js';
import type { DetectedFace } from './faces/detect.js';
import { loadFaceDetector } from './faces/detector.js';
import { editFaces, largestFace, type FaceEditor } from './faces/edit.js';
import type { ModelRegistry } from './models/registry.js';
import { faceRestorer } from './pipelines/restore.js';
import { faceEmbedding, faceSwapper } from './pipelines/swap.js';
import { stageReporter } from './progress.js';
import type { InferenceConfig, InferenceRequest, InferenceResult, RunOptions } from './types.js';
import { checkUpscaleSize, selectUpscaler, upscaleImage } from './upscale/upscale-image.js';

/** The plan for a request; parameters are re-validated here, whoever sent them. */
function planFor(request: InferenceRequest): JobPlan {
  try {
    return planJob(parseJobSpec(request.jobType, request.params));
  } catch (error) {
    throw new InferenceError(InferenceErrorCode.INVALID_PARAMETERS, `invalid parameters: ${(error as Error).message}`);
  }
}

interface JobContext {
  config: InferenceConfig;
  registry: ModelRegistry;
  options: RunOptions;
}

async function findFaces(ctx: JobContext, image: Raster, selection: JobPlan['faceSelection']): Promise<DetectedFace[]> {
  const detect = await loadFaceDetector(ctx.registry);
  const faces = await detect(image, { minSize: ctx.config.FACE_MIN_SIZE });
  const largest = largestFace(faces);
  return selection === 'largest' && largest ? [largest] : faces;
}

async function restorerFor(ctx: JobContext, restore: JobPlan['restore']): Promise<FaceEditor | undefined> {
  return restore ? faceRestorer(await ctx.registry.get(restore.model), restore.fidelity) : undefined;
}

/** A face found on the input, placed on the input upscaled `scale` times. */
function scaleFace(face: DetectedFace, scale: number): DetectedFace {
  const { x1, y1, x2, y2 } = face.box;
  return {
    score: face.score,
    box: { x1: x1 * scale, y1: y1 * scale, x2: x2 * scale, y2: y2 * scale },
    keypoints: face.keypoints.map(([x, y]) => [(x + 0.5) * scale - 0.5, (y + 0.5) * scale - 0.5] as const),
  };
}

/** The photo upscaled by the worker's default upscaler (quality on GPU, speed on CPU; see selectUpscaler). */
async function upscale(ctx: JobContext, plan: JobPlan, image: DecodedImage, scale: 2 | 4, progressShare: [number, number]): Promise<DecodedImage> {
  const model = selectUpscaler(ctx.registry, ctx.config, plan.upscaler ?? undefined);
  return upscaleImage(ctx.registry, ctx.config, image, { scale, model }, {
    signal: ctx.options.signal,
    onTile: stageReporter(ctx.options.onProgress, 'upscale', ...progressShare),
  });
}

/** Refuses, before any model runs, an upscale whose working size is over MAX_OUTPUT_PIXELS. */
const checkOutputSize = (ctx: JobContext, plan: JobPlan, image: Raster, scale: 2 | 4) =>
  checkUpscaleSize(ctx.config, image, scale, selectUpscaler(ctx.registry, ctx.config, plan.upscaler ?? undefined));

/** Encodes the result; one made with placeholder models (allowed in development only) says so, in the result and the file. */
const finish = async (ctx: JobContext, plan: JobPlan, image: DecodedImage): Promise<InferenceResult> => {
  ctx.options.onProgress?.({ stage: 'encode', fraction: 0.95 });
  const placeholderModels: string[] = planModels(ctx.registry, ctx.config, plan).filter((name) => ctx.registry.isPlaceholder(name));
  const description = placeholderModels.length > 0 ? `PLACEHOLDER models (${placeholderModels.join(', ')}): not a real restoration or swap` : undefined;
  const encoded = await encodeImage(image, { format: image.format, hasAlpha: image.hasAlpha, description });
  ctx.options.onProgress?.({ stage: 'done', fraction: 1 });
  return { ...encoded, placeholderModels };
};

/**
 * Upscale and restoration: faces are found on the input first (a restoration without one fails before any
 * expensive step), then the photo is upscaled, then the faces are restored at the final resolution.
 */
async function runEdit(ctx: JobContext, plan: JobPlan, input: DecodedImage): Promise<InferenceResult> {
  if (plan.upscale) checkOutputSize(ctx, plan, input, plan.upscale);
  const restorer = await restorerFor(ctx, plan.restore);
  let faces = plan.detectFaces === 'none' ? [] : await findFaces(ctx, input, plan.faceSelection);
  if (plan.detectFaces === 'required' && faces.length === 0) throw new InferenceError(InferenceErrorCode.NO_FACE_FOUND, 'no face found in the photo');
  if (plan.detectFaces !== 'none') ctx.options.onProgress?.({ stage: 'detect', fraction: 0.1 });
  const restoring = restorer !== undefined && faces.length > 0;
  let image = input;
  if (plan.upscale) {
    image = await upscale(ctx, plan, input, plan.upscale, [0.1, restoring ? 0.6 : 0.9]);
    const scale = plan.upscale;
    faces = faces.map((face) => scaleFace(face, scale));
  }
  if (restoring) {
    const from = plan.upscale ? 0.6 : 0.1;
    await editFaces(image, faces, [restorer], { signal: ctx.options.signal, onFace: stageReporter(ctx.options.onProgress, 'restore', from, 0.9) });
  }
  return finish(ctx, plan, image);
}

/** Face swap: both photos' faces are found before the embedding, the swap and the optional restoration run. */
async function runSwap(ctx: JobContext, plan: JobPlan, source: DecodedImage, targetBytes: Buffer | undefined): Promise<InferenceResult> {
  if (!targetBytes) throw new InferenceError(InferenceErrorCode.INVALID_PARAMETERS, 'face_swap needs a target photo');
  const target = await decodeImage(targetBytes, ctx.config.MAX_INPUT_PIXELS);
  const [arcface, swapper, restorer] = [await ctx.registry.get('arcface'), await ctx.registry.get('inswapper'), await restorerFor(ctx, plan.restore)];

  const sourceFace = largestFace(await findFaces(ctx, source, 'largest'));
  if (!sourceFace) throw new InferenceError(InferenceErrorCode.NO_FACE_FOUND, 'no face found in the source photo');
  const faces = await findFaces(ctx, target, plan.faceSelection);
  if (faces.length === 0) throw new InferenceError(InferenceErrorCode.NO_FACE_FOUND, 'no face found in the target photo');
  ctx.options.onProgress?.({ stage: 'detect', fraction: 0.1 });

  const editors = [await faceSwapper(swapper, await faceEmbedding(arcface, source, sourceFace)), ...(restorer ? [restorer] : [])];
  await editFaces(target, faces, editors, { signal: ctx.options.signal, onFace: stageReporter(ctx.options.onProgress, 'swap', 0.15, 0.9) });
  return finish(ctx, plan, target);
}

/**
 * One job: the parameters and every input image are validated before any model runs, and the pipeline runs
 * exactly the job's plan (the steps it was priced by). The output is encoded in the (target) input's format.
 */
export async function runJob(ctx: JobContext, request: InferenceRequest): Promise<InferenceResult> {
  ctx.options.signal?.throwIfAborted();
  const plan = planFor(request);
  const input = await decodeImage(request.input, ctx.config.MAX_INPUT_PIXELS);
  ctx.options.onProgress?.({ stage: 'decode', fraction: 0.05 });
  return plan.swap ? runSwap(ctx, plan, input, request.target) : runEdit(ctx, plan, input);
}
