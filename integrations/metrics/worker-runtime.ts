import { Runtime } from '@temporalio/worker';

/**
 * Installs the Temporal SDK runtime with its Prometheus exporter (task slots, pollers, schedule-to-start and
 * execution latencies, sticky cache), served by the SDK itself on its own port. Must run before the worker's
 * connection is made.
 */
export function installWorkerRuntime(host: string, port: number): void {
  Runtime.install({
    telemetryOptions: {
      // The SDK's default names and units (latencies in milliseconds), which deploy/'s rules and dashboard use.
      metrics: { prometheus: { bindAddress: `${host}:${port}` } },
    },
  });
}
