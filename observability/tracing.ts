import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { isRead, marketplaceSampler } from './trace-sampler';

/** Tracing as this process runs it: off (no provider, no instrumentation, nothing to pay) or on. */
export type Tracing =
  | { enabled: false }
  | { enabled: true; resource: Resource; spanProcessor: SpanProcessor; shutdown(): Promise<void> };

let current: Tracing = { enabled: false };

export function tracing(): Tracing {
  return current;
}

/**
 * Starts OpenTelemetry for this process: HTTP in and out (Stripe, OpenSearch and carrier calls are HTTP
 * client spans; `routeSpans` names each server span by its Express route, since the Express
 * instrumentation of this OpenTelemetry line predates Express 5), MongoDB and Redis commands, exported by OTLP/HTTP to `endpoint` (or to
 * the span processor a test passes). Must run before express, mongodb and ioredis are first required,
 * which is why the entry points load `tracing-bootstrap` first. The Temporal interceptors read
 * `tracing()` to join workflows and activities to the same traces.
 */
export function startTracing(options: {
  serviceName: string;
  endpoint?: string;
  spanProcessor?: SpanProcessor;
  /** Share of read requests (GET, HEAD) traced; writes and workflow work always are. Default 1. */
  readRatio?: number;
}): Tracing {
  if (current.enabled) return current;
  const spanProcessor =
    options.spanProcessor ??
    (options.endpoint
      ? new BatchSpanProcessor(
          new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/$/, '')}/v1/traces` }),
        )
      : undefined);
  if (!spanProcessor) return current;
  const readRatio = options.readRatio ?? 1;
  const resource = new Resource({ 'service.name': options.serviceName });
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [spanProcessor],
    sampler: marketplaceSampler(),
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Scrapes and probes would be most of the traces and tell nothing.
        // Probes and scrapes are never traced. Reads are sampled here, before the instrumentation does any
        // work (span, context, header parsing), because on a cached read that work is most of the cost.
        ignoreIncomingRequestHook: (req) =>
          ['/metrics', '/healthz', '/readyz'].includes(req.url ?? '') ||
          (isRead(req.method) && Math.random() >= readRatio),
      }),
      new MongoDBInstrumentation(),
      new IORedisInstrumentation(),
    ],
  });
  current = { enabled: true, resource, spanProcessor, shutdown: () => provider.shutdown() };
  return current;
}
