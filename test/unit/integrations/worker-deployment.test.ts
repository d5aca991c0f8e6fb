import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { codeBuildId, workerDeploymentOptions, workerVersionFrom } from '../../../integrations/worker-deployment.js';

// The build id names the code a worker runs: equal for the same code, different as soon as the code differs.

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function checkout(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'build-id-'));
  dirs.push(dir);
  for (const [file, content] of Object.entries({ 'package-lock.json': '{}', ...files })) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

describe('worker build id', () => {
  it('is the same for the same code and changes with any worker source or the dependency lock', () => {
    const base = { 'workflows/a.workflow.ts': 'export const a = 1;', 'activities/b.ts': 'export const b = 2;' };
    const id = codeBuildId(checkout(base));
    expect(id).toMatch(/^code-[0-9a-f]{16}$/);
    expect(codeBuildId(checkout(base))).toBe(id);
    expect(codeBuildId(checkout({ ...base, 'workflows/a.workflow.ts': 'export const a = 3;' }))).not.toBe(id);
    expect(codeBuildId(checkout({ ...base, 'package-lock.json': '{"v":2}' }))).not.toBe(id);
    // Files that are not worker code (tests, docs) do not make a new version.
    expect(codeBuildId(checkout({ ...base, 'test/c.test.ts': 'x', 'docs/d.md': 'y' }))).toBe(id);
  });

  it('is the configured one when set, and none at all with versioning off', () => {
    const config = { TEMPORAL_WORKER_VERSIONING: true, TEMPORAL_DEPLOYMENT_NAME: 'oneshot', TEMPORAL_WORKER_BUILD_ID: '2026.12.03-1' };
    expect(workerVersionFrom(config)).toEqual({ deploymentName: 'oneshot', buildId: '2026.12.03-1' });
    expect(workerVersionFrom({ ...config, TEMPORAL_WORKER_VERSIONING: false })).toBeUndefined();
    expect(workerDeploymentOptions(undefined)).toEqual({});
    expect(workerDeploymentOptions({ deploymentName: 'oneshot', buildId: 'b' }).workerDeploymentOptions).toMatchObject({
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'PINNED',
    });
  });
});
