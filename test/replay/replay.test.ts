import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime, Worker, type ReplayResult } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusFiles, loadCorpus } from './corpus.js';

// Replays every recorded history (test/replay/histories, recorded by `npm run replay:record`) against today's
// workflow code. A change that issues other commands than a recorded run did (an activity added, removed or
// reordered, a timer, local vs normal activity...) without a `patched()` guard fails here, not in production.

// The orchestrator worker's workflows (not imported from the worker: its module pulls in every activity).
const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
const files = corpusFiles();
const results = new Map<string, ReplayResult>();

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  for await (const result of Worker.runReplayHistories({ workflowsPath, replayName: 'replay-corpus' }, loadCorpus(files))) {
    results.set(result.workflowId, result);
  }
}, 120_000);

describe('recorded histories replay against the current workflow code', () => {
  it('the corpus covers every registered workflow', async () => {
    const registered = Object.keys(await import('../../workflows/index.js'));
    const recorded = new Set(files.map((file) => file.split('/')[1]));
    expect(registered.filter((workflow) => !recorded.has(workflow))).toEqual([]);
  });

  it.each(files)('%s', (file) => {
    const result = results.get(file);
    expect(result, `${file} was not replayed`).toBeDefined();
    expect(result?.error).toBeUndefined();
  });
});
