import { basename, dirname } from 'node:path';
import { startTracing } from './tracing';

// Loaded first by each entry point (api, worker, search-indexer), before anything requires express, mongodb
// or ioredis, so their instrumentation is in place. Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; the
// standard OTEL_SERVICE_NAME overrides the name taken from the entry point's folder.
const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
if (endpoint) {
  const entry = basename(dirname(process.argv[1] ?? 'marketplace'));
  startTracing({
    serviceName:
      process.env.OTEL_SERVICE_NAME?.trim() || `marketplace-${entry === 'workers' ? 'worker' : entry}`,
    endpoint,
  });
}
