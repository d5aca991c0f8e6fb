import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '../integrations/logger.js';
import { serveMetrics } from '../integrations/metrics/server.js';

/** How long a process that died unasked waits before it is replaced (a crash loop must not spin). */
const RESTART_DELAY_MS = 1000;

/**
 * The primary of a multi-process API (API_PROCESSES > 1): forks the API processes, which share the listening
 * port (node:cluster hands connections out round-robin), replaces one that dies, and on SIGINT/SIGTERM passes the
 * signal on and exits once every process has drained.
 */
export function superviseApiProcesses(processes: number, logger: Logger, metrics: { host: string; port: number }): void {
  let stopping = false;
  // The processes' registries, summed on each scrape (prom-client asks every process over the cluster channel).
  const aggregator = new AggregatorRegistry();
  const metricsServer = serveMetrics({ metrics: () => aggregator.clusterMetrics(), contentType: aggregator.contentType }, metrics.host, metrics.port).catch(
    (error: unknown) => {
      logger.error({ err: error }, 'api metrics could not be served');
      return undefined;
    },
  );
  const fork = () => void cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code, signal }, 'api process exited; starting another');
    setTimeout(fork, RESTART_DELAY_MS);
  });
  for (let n = 0; n < processes; n++) fork();
  logger.info({ processes }, 'api primary started');

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && !worker.isDead());
    const exited = workers.map((worker) => once(worker, 'exit'));
    for (const worker of workers) worker.process.kill(signal);
    await Promise.all(exited);
    await (await metricsServer)?.close();
    logger.info('api primary stopped');
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(signal));
}
