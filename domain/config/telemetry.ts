import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

/** Where every process serves its Prometheus metrics (0 picks a free port, for tests). */
const metricsHost = { METRICS_HOST: z.string().min(1).default('127.0.0.1') };

/**
 * Traces go out over OTLP/HTTP only when an endpoint is configured (the standard OpenTelemetry variable);
 * otherwise nothing is recorded.
 */
const tracing = {
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
};

export const apiTelemetryEnvSchema = z.object({ ...metricsHost, ...tracing, API_METRICS_PORT: port.default(9464) });

export const orchestratorTelemetryEnvSchema = z.object({
  ...metricsHost,
  ...tracing,
  ORCHESTRATOR_METRICS_PORT: port.default(9465),
  /** The Temporal SDK's own worker metrics (task slots, pollers, latencies) are served by its runtime, on this port. */
  ORCHESTRATOR_TEMPORAL_METRICS_PORT: port.default(9466),
});

export const inferenceTelemetryEnvSchema = z.object({
  ...metricsHost,
  ...tracing,
  INFERENCE_METRICS_PORT: port.default(9467),
  INFERENCE_TEMPORAL_METRICS_PORT: port.default(9468),
});
