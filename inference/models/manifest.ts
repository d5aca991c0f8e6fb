import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const MANIFEST_FILE = 'manifest.json';

const tensorInfoSchema = z.object({
  name: z.string(),
  type: z.string(),
  shape: z.array(z.union([z.number(), z.string()])),
});

export const manifestEntrySchema = z.object({
  /** The role the pipelines ask for: upscale_x4, gfpgan, inswapper, … (see catalog.ts). */
  name: z.string().min(1),
  /** Relative to MODEL_DIR. */
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  inputs: z.array(tensorInfoSchema),
  outputs: z.array(tensorInfoSchema),
  /** The weights' licence decides use; the package that carried them may have another (packageSpdx). */
  licence: z.object({
    spdx: z.string(),
    /** false: loaded only when the operator opts in (INFERENCE_ALLOW_NON_COMMERCIAL_MODELS). */
    commercialUse: z.boolean(),
    packageSpdx: z.string().optional(),
    source: z.string(),
  }),
  /** A generated stand-in with the production signature, not the real weights. */
  placeholder: z.boolean(),
});

export const manifestSchema = z.object({
  version: z.literal(1),
  models: z.array(manifestEntrySchema),
});

export type TensorInfo = z.infer<typeof tensorInfoSchema>;
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;
export type Manifest = z.infer<typeof manifestSchema>;

/** Reads MODEL_DIR/manifest.json; a missing directory or manifest reads as no models. */
export async function readManifest(modelDir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path.join(modelDir, MANIFEST_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, models: [] };
    throw error;
  }
  return manifestSchema.parse(JSON.parse(text));
}
