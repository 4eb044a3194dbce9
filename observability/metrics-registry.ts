import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's one Prometheus registry: HTTP, business and indexer metrics all register here, so a
 * process serves one `/metrics` whatever parts of the marketplace it runs (the tests run API and worker
 * in one process).
 */
export const metricsRegistry = new Registry();

let defaultsCollected = false;

/** CPU, memory, event-loop lag and GC of this process, labelled with what it is. */
export function collectProcessMetrics(service: string): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry });
}
