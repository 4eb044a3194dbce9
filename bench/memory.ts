import type { BenchContext } from './context';
import { httpLoad } from './load';
import type { Row } from './table';

const mb = (bytes: number) => bytes / (1024 * 1024);

/** (d) Resident memory of this process (API, clients, load generator) at rest and at its peak under load. */
export async function memory(ctx: BenchContext): Promise<Row[]> {
  const first = await fetch(`${ctx.apiUrl}/products?limit=1`);
  if (first.status !== 200) throw new Error(`GET /products answered ${first.status}`);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const atRest = process.memoryUsage().rss;
  let peak = atRest;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const load = await httpLoad(`${ctx.apiUrl}/products?limit=20`, { connections: 50, warmupSeconds: 0 });
    return [
      {
        measurement: 'RSS of the bench process, peak under load (GET /products, 50 connections)',
        ours: { value: mb(peak), unit: 'MB' },
        baseline: { value: mb(atRest), unit: 'MB' },
        baselineIs: 'the same process at rest, before the load',
        ...(load.failures > 0 ? { warning: `${load.failures} failed requests` } : {}),
      },
    ];
  } finally {
    clearInterval(sampler);
  }
}
