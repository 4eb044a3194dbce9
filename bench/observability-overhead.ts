import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createProduct } from '../catalog/products';
import { stockKey } from '../integrations/stock-counters';
import type { BenchContext } from './context';
import { httpLoad, type LoadFigures } from './load';
import { freePort, startProcess, waitForHttp } from './processes';
import type { Row } from './table';

/** An OTLP/HTTP endpoint that takes every export and answers 200, as a collector would; counts what came. */
async function otlpSink(): Promise<{ url: string; exports: () => number; close(): Promise<void> }> {
  let exports = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/v1/traces') exports += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports: () => exports,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * `GET /products/:id` on two API processes of the same build: one with JSON request logs, `/metrics` and
 * OpenTelemetry tracing exported to an OTLP endpoint, one with logs and metrics only, one with all three
 * off. Runs rotate, so drift on a shared machine falls on all, and each figure is the mean of three runs.
 */
export async function observabilityOverhead(ctx: BenchContext): Promise<Row[]> {
  const { env } = ctx.services;
  const id = `prd_${ctx.runId}_observed`;
  const sku = `${ctx.runId}-OBSERVED`.toUpperCase();
  await createProduct(ctx.services.collections, {
    _id: id,
    sellerId: `sel_${ctx.runId}`,
    title: 'Observed kettle',
    description: 'A product read by the observability bench',
    category: 'bench-observed',
    brand: 'Benchware',
    attributes: {},
    mediaUrls: [],
    price: { amount: 2500, currency: 'USD' },
    skus: [{ sku, attributes: {} }],
    status: 'active',
    sellerPaused: false,
  });
  await ctx.services.counters.adjust(sku, 'wh-bench', 100, `bench-${sku}`);
  ctx.onCleanup(async () => {
    await ctx.services.collections.products.deleteMany({ _id: id });
    await ctx.services.collections.skus.deleteMany({ _id: sku });
    await ctx.services.redis.del(`product:{${id}}`, stockKey(sku), `adjust:{${sku}}:bench-${sku}`);
  });

  const sink = await otlpSink();
  ctx.onCleanup(() => sink.close());
  const shared = {
    MONGODB_URI: env.MONGODB_URI,
    REDIS_URL: env.REDIS_URL,
    OPENSEARCH_INDEX_PREFIX: env.OPENSEARCH_INDEX_PREFIX,
    AUTH_TOKEN_SECRET: env.AUTH_TOKEN_SECRET,
  };
  const start = async (name: string, settings: Record<string, string>) => {
    const port = await freePort();
    const logFile = join(tmpdir(), `${ctx.runId}-${name.replace(/\W+/g, '-')}.log`);
    const api = startProcess(
      name,
      'api/main.js',
      { ...shared, ...settings, PORT: String(port) },
      { logFile },
    );
    ctx.onCleanup(() => rm(logFile, { force: true }));
    ctx.onCleanup(() => api.stop());
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/healthz`);
    const first = await fetch(`${url}/products/${id}`);
    if (first.status !== 200) throw new Error(`${name}: GET /products/${id} answered ${first.status}`);
    return `${url}/products/${id}`;
  };
  const off = await start('API (observability off)', {
    LOG_LEVEL: 'silent',
    METRICS_ENABLED: 'false',
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
  });
  const logsAndMetrics = await start('API (logs and metrics on)', {
    LOG_LEVEL: 'info',
    METRICS_ENABLED: 'true',
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
  });
  const on = await start('API (observability on)', {
    LOG_LEVEL: 'info',
    METRICS_ENABLED: 'true',
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
  });

  const urls = { off, logsAndMetrics, on };
  type Side = keyof typeof urls;
  const runs: Record<Side, LoadFigures[]> = { off: [], logsAndMetrics: [], on: [] };
  // Three rounds, the order rotated each time, so no side always runs on a warmer or quieter machine.
  const sides: Side[] = ['off', 'logsAndMetrics', 'on'];
  for (let round = 0; round < 3; round += 1) {
    for (let i = 0; i < sides.length; i += 1) {
      const side = sides[(round + i) % sides.length] as Side;
      runs[side].push(await httpLoad(urls[side]));
    }
  }
  const mean = (figures: LoadFigures[], pick: (f: LoadFigures) => number) =>
    figures.reduce((total, f) => total + pick(f), 0) / figures.length;
  const failures = [...runs.off, ...runs.logsAndMetrics, ...runs.on].reduce(
    (total, f) => total + f.failures,
    0,
  );
  const warning =
    failures > 0
      ? `${failures} failed requests`
      : sink.exports() === 0
        ? 'no trace reached the OTLP endpoint'
        : undefined;
  const baselineIs =
    'the same API build with logs, metrics and tracing off, its own process, runs rotated; traces keep 5 % of reads';
  const row = (
    measurement: string,
    unit: 'ms' | 'req/s',
    side: Side,
    pick: (f: LoadFigures) => number,
  ): Row => ({
    measurement,
    ours: { value: mean(runs[side], pick), unit },
    baseline: { value: mean(runs.off, pick), unit },
    baselineIs,
    ...(warning ? { warning } : {}),
  });
  return [
    row('GET /products/:id, logs + metrics on, throughput', 'req/s', 'logsAndMetrics', (f) => f.perSecond),
    row('GET /products/:id, logs + metrics + traces on, throughput', 'req/s', 'on', (f) => f.perSecond),
    row('GET /products/:id, logs + metrics + traces on, p99', 'ms', 'on', (f) => f.p99Ms),
  ];
}
