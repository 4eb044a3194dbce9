import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger';
import { metricsRegistry } from './metrics-registry';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `/metrics` on its own port for a process without an HTTP API (worker, search-indexer). When the Temporal
 * SDK serves its own Prometheus endpoint, its text is appended, so one scrape of the worker shows the
 * business counters and the SDK's task, poll and latency metrics together.
 */
export async function serveMetrics(
  port: number,
  logger: Logger,
  options: { host?: string; appendFrom?: string | undefined } = {},
): Promise<MetricsServer | undefined> {
  if (port === 0) return undefined;
  const server: Server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    void exposition(options.appendFrom).then(
      (text) => res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host ?? '0.0.0.0', () => resolve());
    });
  } catch (error) {
    // A second process on one host finds the port taken: it runs on, unscraped, and says so.
    logger.warn({ err: error, port }, 'metrics not served: the port is taken; give each process its own');
    return undefined;
  }
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function exposition(appendFrom: string | undefined): Promise<string> {
  const own = await metricsRegistry.metrics();
  if (!appendFrom) return own;
  try {
    const sdk = await fetch(appendFrom, { signal: AbortSignal.timeout(2_000) });
    return sdk.ok ? `${own}\n${await sdk.text()}` : own;
  } catch {
    // The SDK endpoint is optional; our own metrics are served regardless.
    return own;
  }
}
