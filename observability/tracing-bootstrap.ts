import { basename, dirname } from 'node:path';
import { startTracing } from './tracing';

// Loaded first by each entry point (api, worker, search-indexer), before anything requires express, mongodb
// or ioredis, so their instrumentation is in place. Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; the
// standard OTEL_SERVICE_NAME overrides the name taken from the entry point's folder. TRACE_READ_RATIO is
// the share of read requests traced (default 0.05); writes and workflow work are always traced.
const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
if (endpoint) {
  const entry = basename(dirname(process.argv[1] ?? 'marketplace'));
  startTracing({
    serviceName:
      process.env.OTEL_SERVICE_NAME?.trim() || `marketplace-${entry === 'workers' ? 'worker' : entry}`,
    endpoint,
    readRatio: readRatio(process.env.TRACE_READ_RATIO),
  });
}

function readRatio(text: string | undefined): number {
  const value = text === undefined || text.trim() === '' ? 0.05 : Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new Error('TRACE_READ_RATIO must be from 0 to 1');
  return value;
}
