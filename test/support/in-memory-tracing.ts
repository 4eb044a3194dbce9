import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '../../observability/tracing';

// Imported first by a tracing test, before express, mongodb and ioredis load: the real tracing setup with
// an in-memory exporter instead of OTLP, so the test reads back every finished span.
export const finishedSpans = new InMemorySpanExporter();
startTracing({ serviceName: 'marketplace-test', spanProcessor: new SimpleSpanProcessor(finishedSpans) });
