import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { MANIFEST_FILE, type Manifest, type ManifestEntry, type TensorInfo } from '../../inference/models/manifest.js';
import { describeTensors } from '../../inference/models/signature.js';

/** Writes via a temporary file and rename, so readers (and parallel test workers) never see half a file. */
export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}

export async function writeManifest(modelDir: string, manifest: Manifest): Promise<void> {
  const models = [...manifest.models].sort((a, b) => a.name.localeCompare(b.name));
  await writeFileAtomic(path.join(modelDir, MANIFEST_FILE), `${JSON.stringify({ ...manifest, models }, null, 2)}\n`);
}

export function upsertEntry(manifest: Manifest, entry: ManifestEntry): Manifest {
  return { ...manifest, models: [...manifest.models.filter((model) => model.name !== entry.name), entry] };
}

/** The tensors a model file declares, as ONNX Runtime reports them. */
export async function readSignature(file: string): Promise<{ inputs: TensorInfo[]; outputs: TensorInfo[] }> {
  const session = await ort.InferenceSession.create(file, { logSeverityLevel: 3 });
  try {
    return { inputs: describeTensors(session.inputMetadata), outputs: describeTensors(session.outputMetadata) };
  } finally {
    await session.release();
  }
}
