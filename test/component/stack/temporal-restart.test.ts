import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';

// The local stack's Temporal (scripts/stack/temporal.sh: SQLite file, WAL, synchronous=normal) killed with
// SIGKILL mid-workflow and started again on the same file: the workflow's history is still there and it completes.
// A private state folder and ports: the shared stack is not touched.

const stackDir = fileURLToPath(new URL('../../../scripts/stack/', import.meta.url));
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'oneshot-temporal-restart-'));
let env: NodeJS.ProcessEnv;
let address: string;

/** Runs a function of scripts/stack/temporal.sh against the private state folder. */
function stack(command: 't_up' | 't_down'): void {
  execFileSync('bash', ['-c', `source "${stackDir}lib.sh" && source "${stackDir}temporal.sh" && ${command}`], { env, stdio: 'ignore' });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const [port, uiPort] = [await freePort(), await freePort()];
  env = { ...process.env, ONESHOT_STATE_DIR: stateDir, TEMPORAL_PORT: String(port), TEMPORAL_UI_PORT: String(uiPort) };
  address = `127.0.0.1:${port}`;
  stack('t_up');
}, 120_000);

afterAll(() => {
  stack('t_down');
  rmSync(stateDir, { recursive: true, force: true });
});

async function withWorker<T>(taskQueue: string, steps: string[], work: () => Promise<T>): Promise<T> {
  const connection = await NativeConnection.connect({ address });
  try {
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./restart.workflow.ts', import.meta.url)),
      activities: { step: (name: string) => Promise.resolve(void steps.push(name)).then(() => `${name}: done`) },
    });
    return await worker.runUntil(work);
  } finally {
    await connection.close();
  }
}

it('keeps a running workflow across a SIGKILL of the server and completes it after the restart', async () => {
  const taskQueue = 'restart-survivor';
  const workflowId = `restart-survivor-${Date.now()}`;
  const steps: string[] = [];
  const connect = async () => new Client({ connection: await Connection.connect({ address }) });

  const before = await connect();
  await withWorker(taskQueue, steps, async () => {
    await before.workflow.start('restartSurvivorWorkflow', { taskQueue, workflowId });
    await expect.poll(() => steps, { timeout: 20_000 }).toEqual(['before restart']);
  });
  await before.connection.close();

  const pid = Number(readFileSync(path.join(stateDir, 'temporal', 'temporal.pid'), 'utf8'));
  process.kill(pid, 'SIGKILL');
  await expect.poll(() => isGone(pid), { timeout: 10_000 }).toBe(true);
  stack('t_up');

  const after = await connect();
  try {
    const result = await withWorker(taskQueue, steps, async () => {
      const handle = after.workflow.getHandle(workflowId);
      await handle.signal('proceed');
      return handle.result() as Promise<string[]>;
    });
    expect(result).toEqual(['before restart: done', 'after restart: done']);
    expect(steps).toEqual(['before restart', 'after restart']);
  } finally {
    await after.connection.close();
  }
}, 120_000);

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] === 'Z';
  } catch {
    return true;
  }
}
