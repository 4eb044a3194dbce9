import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Tracing as this process runs it: off (no provider, no instrumentation, nothing to pay) or on. */
export type Tracing =
  | { enabled: false }
  | {
      enabled: true;
      resource: Resource;
      spanProcessor: SpanProcessor;
      /** Share of read requests the API traces (server-spans.ts). */
      readRatio: number;
      shutdown(): Promise<void>;
    };

let current: Tracing = { enabled: false };

export function tracing(): Tracing {
  return current;
}

/**
 * Starts OpenTelemetry for this process: outgoing HTTP (Stripe, OpenSearch and carrier calls are HTTP
 * client spans; the API's own server spans come from `serverSpans`, named by Express route), MongoDB and
 * Redis commands, exported by OTLP/HTTP to `endpoint` (or to
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
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Outgoing calls only, and like Redis commands only inside a traced request, workflow or activity
      // (MongoDB's instrumentation asks for a parent already): a read that was not sampled, or the
      // indexer's background scans, would otherwise start a trace of their own for each call. The API's
      // server spans are its own middleware (server-spans.ts).
      new HttpInstrumentation({
        disableIncomingRequestInstrumentation: true,
        requireParentforOutgoingSpans: true,
      }),
      new MongoDBInstrumentation(),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  current = { enabled: true, resource, spanProcessor, readRatio, shutdown: () => provider.shutdown() };
  return current;
}
