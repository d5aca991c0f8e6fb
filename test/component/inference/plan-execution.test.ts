import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJobSpec, type JobSpecInput } from '../../../domain/jobs/parameters.js';
import { planJob, pricedSteps } from '../../../domain/jobs/plan.js';
import { createInferenceEngine, type InferenceEngine } from '../../../inference/index.js';
import { FIXTURES, prepareModels, testConfig } from './models.js';

// The price is the sum of the plan's steps (domain/jobs/plan.ts); these run the real pipeline and check, through
// the stages it reports, that it executes exactly those steps, and finds faces before anything expensive.

let engine: InferenceEngine;
let faces: Buffer;
let noFace: Buffer;

beforeAll(async () => {
  await prepareModels();
  engine = await createInferenceEngine(testConfig({ UPSCALE_DEFAULT_MODEL: 'esrgan-slim' }), { info: () => undefined, warn: () => undefined });
  faces = await sharp(await readFile(path.join(FIXTURES, 'three-faces.jpg'))).resize(400).png().toBuffer();
  noFace = await sharp({ create: { width: 120, height: 80, channels: 3, background: { r: 30, g: 160, b: 90 } } }).png().toBuffer();
}, 120_000);
afterAll(() => engine?.close());

/** The priced steps a run actually went through, read from the progress stages it reported. */
async function stepsRun(spec: JobSpecInput, input: Buffer): Promise<string[]> {
  const stages = new Set<string>();
  await engine.run({ ...spec, input, ...(spec.jobType === 'face_swap' ? { target: input } : {}) }, { onProgress: ({ stage }) => stages.add(stage) });
  const scale = (spec.params as { scale_factor?: number }).scale_factor ?? 2;
  return [
    ...(stages.has('upscale') ? [`upscale_x${scale}`] : []),
    ...(stages.has('swap') ? ['swap'] : []),
    ...(stages.has('restore') ? ['restore'] : []),
  ];
}

describe('the pipeline runs exactly the steps a job is priced by', () => {
  it.each<JobSpecInput>([
    { jobType: 'upscale', params: { scale_factor: 2 } },
    { jobType: 'upscale', params: { scale_factor: 4, face_enhance: true } },
    { jobType: 'face_restoration', params: {} },
    { jobType: 'face_restoration', params: { scale_factor: 2 } },
    { jobType: 'face_swap', params: {} },
  ])('%j', async (spec) => {
    expect(await stepsRun(spec, faces)).toEqual(pricedSteps(planJob(parseJobSpec(spec.jobType, spec.params))));
  });

  it('fails a restoration without a face before upscaling anything', async () => {
    const stages: string[] = [];
    const run = engine.run({ jobType: 'face_restoration', input: noFace, params: { scale_factor: 4 } }, { onProgress: ({ stage }) => stages.push(stage) });
    await expect(run).rejects.toMatchObject({ code: 'NO_FACE_FOUND' });
    expect(stages).not.toContain('upscale');
  });
});
