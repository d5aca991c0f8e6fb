import { context, propagation, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** A process's tracing: what the Temporal interceptors need to export workflow and activity spans too. */
export interface Tracing {
  tracer: Tracer;
  resource: Resource;
  spanProcessor: SpanProcessor;
  shutdown(): Promise<void>;
}

/**
 * Starts tracing for one process when an OTLP endpoint is configured (or a processor is given, for tests), and
 * registers it as the global provider with W3C trace-context propagation. Off (undefined) otherwise: tracing
 * costs nothing unless someone collects it.
 */
export function startTracing(serviceName: string, options: { endpoint?: string | undefined; spanProcessor?: SpanProcessor }): Tracing | undefined {
  const spanProcessor = options.spanProcessor ?? (options.endpoint ? new BatchSpanProcessor(new OTLPTraceExporter({ url: options.endpoint })) : undefined);
  if (!spanProcessor) return undefined;
  const resource = new Resource({ 'service.name': serviceName });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return { tracer: provider.getTracer('oneshot'), resource, spanProcessor, shutdown: () => provider.shutdown() };
}

/**
 * Runs `handle` inside a server span continuing the caller's trace (a `traceparent` header), so whatever it
 * starts — a job workflow through the traced Temporal client — joins the same trace.
 */
export async function inServerSpan(
  tracer: Tracer,
  name: string,
  headers: Record<string, string | string[] | undefined>,
  handle: (span: Span) => Promise<number>,
): Promise<void> {
  const parent = propagation.extract(context.active(), headers);
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER }, parent);
  try {
    const status = await context.with(trace.setSpan(parent, span), () => handle(span));
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
    throw error;
  } finally {
    span.end();
  }
}
