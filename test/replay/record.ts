// Records the replay corpus: `npm run replay:record -- [--label L] [--workflows PATH] [--only SUBSTRING] [--parallel N] [--address HOST:PORT]`.
// Runs every scenario (scenarios.ts) against a Temporal server with scripted activities and saves each history
// as JSON under test/replay/histories/<label>/<workflow>/<scenario>.json. The label names the code that made
// the histories (default: the last commit of the workflows directory, `-dirty` with uncommitted changes), so a new recording adds to the corpus and never replaces what
// older code recorded. Without --address (or TEMPORAL_ADDRESS) it starts an ephemeral dev server of its own.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { ALL_SEARCH_ATTRIBUTE_KEYS } from '../../domain/search-attributes.js';
import { historyToJson } from './history-json.js';
import { mocksFor, type Scenario, scenarios, type ScenarioContext } from './scenarios.js';

/** A scenario still running after this is reported as failed (e.g. an activity the mocks lack, retried forever). */
const SCENARIO_TIMEOUT_MS = 120_000;
const root = fileURLToPath(new URL('../..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    label: { type: 'string' },
    workflows: { type: 'string', default: path.join(root, 'workflows/index.ts') },
    only: { type: 'string' },
    parallel: { type: 'string', default: '6' },
    address: { type: 'string', default: process.env.TEMPORAL_ADDRESS },
    namespace: { type: 'string', default: process.env.TEMPORAL_NAMESPACE ?? 'default' },
  },
});
const workflowsPath = path.resolve(args.workflows);
const label = args.label ?? workflowsCommit(path.dirname(workflowsPath));
const outDir = path.join(root, 'test/replay/histories', label);

Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });

const server = args.address ? undefined : await ephemeralServer();
const address = args.address ?? server!.address;
const nativeConnection = await NativeConnection.connect({ address });
const client = new Client({ connection: await Connection.connect({ address }), namespace: args.namespace });
const workflowBundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });

const selected = scenarios.filter((scenario) => !args.only || `${scenario.workflow}/${scenario.name}`.includes(args.only));
console.log(`[replay:record] ${selected.length} scenarios, workflows ${workflowsPath} → ${path.relative(root, outDir)} (server ${address})`);
let failed = 0;
// A few at a time: each runs its own workers, and most of a scenario's time is Temporal's timers and retries.
const queue = [...selected];
await Promise.all(
  Array.from({ length: Number(args.parallel) }, async () => {
    for (let scenario = queue.shift(); scenario; scenario = queue.shift()) {
      try {
        const files = await withTimeout(record(scenario, workflowBundle), SCENARIO_TIMEOUT_MS);
        console.log(`[replay:record] ${scenario.workflow}/${scenario.name}: ${files.join(', ')}`);
      } catch (error) {
        failed++;
        console.error(`[replay:record] ${scenario.workflow}/${scenario.name} FAILED: ${String(error)}`);
      }
    }
  }),
);
await nativeConnection.close();
await client.connection.close();
await server?.teardown();
process.exit(failed ? 1 : 0);

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no result within ${ms / 1000} s`)), ms).unref());
  return Promise.race([promise, timeout]);
}

async function record(scenario: Scenario, bundle: WorkflowBundle): Promise<string[]> {
  const taskQueue = `replay-${randomUUID()}`;
  const ctx: ScenarioContext = { client, namespace: args.namespace, taskQueue, inferenceTaskQueue: `${taskQueue}-gpu` };
  const mocks = mocksFor(scenario);
  const orchestrator = await Worker.create({ connection: nativeConnection, namespace: args.namespace, taskQueue, workflowBundle: bundle, activities: mocks.orchestrator });
  const inference = await Worker.create({
    connection: nativeConnection,
    namespace: args.namespace,
    taskQueue: scenario.noInferenceWorker ? `${ctx.inferenceTaskQueue}-unpolled` : ctx.inferenceTaskQueue,
    activities: mocks.inference,
  });
  const recorded = await orchestrator.runUntil(inference.runUntil(() => scenario.run(ctx)));
  const files: string[] = [];
  for (const run of recorded) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const file = path.join(outDir, scenario.workflow, `${scenario.name}${run.suffix ? `.${run.suffix}` : ''}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${historyToJson(history)}\n`);
    files.push(path.relative(root, file));
  }
  return files;
}

function workflowsCommit(dir: string): string {
  const git = (...gitArgs: string[]) => execFileSync('git', gitArgs, { cwd: dir, encoding: 'utf8' }).trim();
  return `${git('log', '-1', '--format=%h', '--', '.')}${git('status', '--porcelain', '--', '.') ? '-dirty' : ''}`;
}

async function ephemeralServer() {
  const temporal = execFileSync('bash', [path.join(root, 'scripts/install/temporal.sh')], { encoding: 'utf8' }).trim();
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: temporal }, searchAttributes: ALL_SEARCH_ATTRIBUTE_KEYS } });
  return { address: env.address, teardown: () => env.teardown() };
}
