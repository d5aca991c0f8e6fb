import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface NpmPackageSpec {
  name: string;
  version: string;
  /** Paths inside the tarball's `package/` folder to extract; the rest (code, demos) is never unpacked. */
  paths: readonly string[];
}

const exists = (file: string) => stat(file).then(() => true, () => false);

/**
 * `npm pack`s a pinned package version into the cache and extracts only the listed paths. Returns the
 * extracted `package/` folder. Keyed by name@version, so a second call does no network work; the folder
 * appears by rename, so concurrent callers never see it half written.
 */
export async function fetchNpmPackage(spec: NpmPackageSpec, cacheDir: string): Promise<string> {
  const key = `${spec.name.replace('/', '__')}@${spec.version}`;
  const extracted = path.join(cacheDir, 'npm', key);
  const packageDir = path.join(extracted, 'package');
  if (await exists(packageDir)) return packageDir;

  await mkdir(path.join(cacheDir, 'npm'), { recursive: true });
  const work = await mkdtemp(path.join(cacheDir, 'npm', `.${key}-`));
  try {
    // Run outside the project so its .npmrc does not apply; npm pack prints the tarball name on stdout.
    const { stdout } = await run('npm', ['pack', `${spec.name}@${spec.version}`, '--silent', '--pack-destination', work], {
      cwd: work,
      maxBuffer: 1 << 20,
    });
    const tarball = path.join(work, stdout.trim().split('\n').pop() ?? '');
    const unpacked = path.join(work, 'unpacked');
    await mkdir(unpacked);
    await run('tar', ['-xzf', tarball, '-C', unpacked, ...spec.paths.map((p) => `package/${p}`)]);
    await rename(tarball, path.join(cacheDir, 'npm', `${key}.tgz`));
    await rename(unpacked, extracted).catch(async (error: NodeJS.ErrnoException) => {
      if (!(await exists(packageDir))) throw error; // another process finished first
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return packageDir;
}
