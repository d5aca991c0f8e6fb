import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';

/**
 * A worker's Temporal Worker Deployment version. Every worker process of one build (orchestrator and inference)
 * registers the same version, so a job pinned to it finds its inference activities on workers of its own code
 * too; a deploy starts the new version's workers beside the old ones and makes it current (docs/deployment.md).
 */
export interface WorkerVersion {
  deploymentName: string;
  buildId: string;
}

export interface WorkerVersioningConfig {
  TEMPORAL_WORKER_VERSIONING: boolean;
  TEMPORAL_DEPLOYMENT_NAME: string;
  TEMPORAL_WORKER_BUILD_ID?: string | undefined;
}

/** The version this process registers, or none when versioning is off (unversioned workers: tests, old setups). */
export function workerVersionFrom(config: WorkerVersioningConfig): WorkerVersion | undefined {
  if (!config.TEMPORAL_WORKER_VERSIONING) return undefined;
  return { deploymentName: config.TEMPORAL_DEPLOYMENT_NAME, buildId: config.TEMPORAL_WORKER_BUILD_ID ?? codeBuildId() };
}

/**
 * The worker option that declares the version. Workflows not annotated otherwise are pinned to the version that
 * started them (a job never meets other code mid-run); the periodic ones opt into moving (workflows/index.ts).
 */
export function workerDeploymentOptions(version: WorkerVersion | undefined): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!version) return {};
  return { workerDeploymentOptions: { useWorkerVersioning: true, version, defaultVersioningBehavior: 'PINNED' } };
}

const root = fileURLToPath(new URL('..', import.meta.url));
/** What the workers run: their code and the dependency lock (a different SDK or model runtime is another build). */
const CODE_DIRS = ['activities', 'application', 'db', 'domain', 'inference', 'integrations', 'workers', 'workflows'];
const CODE_FILES = ['package-lock.json'];

/**
 * A build id derived from the workers' code: the SHA-256 of every source file (path and content), shortened.
 * The same checkout or image always gives the same id, and any change to the code gives a new one.
 */
export function codeBuildId(base = root): string {
  const hash = createHash('sha256');
  const files = CODE_DIRS.flatMap((dir) => sourceFiles(base, dir)).concat(CODE_FILES);
  for (const file of files.sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(base, file)));
  }
  return `code-${hash.digest('hex').slice(0, 16)}`;
}

function sourceFiles(base: string, dir: string): string[] {
  try {
    return readdirSync(path.join(base, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .map((file) => path.join(dir, file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Makes `version` its deployment's current version: new workflows start on it, AUTO_UPGRADE ones move to it,
 * pinned ones stay where they are. Temporal refuses until the version's workers poll every task queue the
 * current version had, so this retries until they do or `timeoutMs` passes.
 */
export async function setCurrentWorkerVersion(client: Client, version: WorkerVersion, options: { timeoutMs: number; identity?: string }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (let wait = 250; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      await client.workflowService.setWorkerDeploymentCurrentVersion({
        namespace: client.options.namespace,
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        identity: options.identity ?? 'oneshot',
      });
      return;
    } catch (error) {
      if (Date.now() + wait > deadline) {
        throw new Error(`could not make ${version.deploymentName}/${version.buildId} current: ${String(error)}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
