import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { holdKey, stockKey } from '../integrations/stock-counters';
import type { BenchContext } from './context';
import { loopLoad } from './load';
import type { Row } from './table';

const run = promisify(execFile);

interface RawRedis {
  test: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/** redis-benchmark's own figures for plain SET and INCR on the same server and db. */
async function redisBenchmark(ctx: BenchContext): Promise<Map<string, RawRedis>> {
  const url = new URL(ctx.services.env.REDIS_URL);
  const db = url.pathname.slice(1) || '0';
  const { stdout } = await run('redis-benchmark', [
    '-h',
    url.hostname,
    '-p',
    url.port || '6379',
    '--dbnum',
    db,
    '-t',
    'set,incr',
    '-n',
    '100000',
    '-c',
    '50',
    '--csv',
  ]);
  // It writes these two keys (no -r given); they are ours to remove.
  await ctx.services.redis.del('key:__rand_int__', 'counter:__rand_int__');
  const rows = new Map<string, RawRedis>();
  for (const line of stdout.trim().split('\n').slice(1)) {
    const [test = '', rps, , , p50, , p99] = line.split(',').map((cell) => cell.replace(/"/g, ''));
    rows.set(test, { test, rps: Number(rps), p50Ms: Number(p50), p99Ms: Number(p99) });
  }
  return rows;
}

async function deleteMatching(ctx: BenchContext, pattern: string): Promise<void> {
  const redis = ctx.services.redis;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/**
 * (c) Holds per second through the reserve script (check, split across warehouses, record the hold) on one
 * hot SKU, many holds in flight on one pipelined connection, next to redis-benchmark's raw SET / INCR.
 */
export async function stockReservations(ctx: BenchContext): Promise<Row[]> {
  const sku = `${ctx.runId}-HOT`.toUpperCase();
  const counters = ctx.services.counters;
  ctx.onCleanup(async () => {
    await deleteMatching(ctx, holdKey(sku, '*'));
    await deleteMatching(ctx, `adjust:{${sku}}:*`);
    await ctx.services.redis.del(stockKey(sku));
  });
  for (const warehouse of ['wh-1', 'wh-2', 'wh-3', 'wh-4']) {
    await counters.adjust(sku, warehouse, 5_000_000, `bench-${warehouse}`);
  }
  let refused = 0;
  const ours = await loopLoad(
    async (i) => {
      const outcome = await counters.reserve(sku, `h${i}`, 1 + (i % 3));
      if (outcome.kind !== 'held') refused += 1;
    },
    { concurrency: 50 },
  );
  const raw = await redisBenchmark(ctx);
  const set = raw.get('SET');
  const incr = raw.get('INCR');
  const baselineIs = 'redis-benchmark, 50 clients, no pipelining, same server';
  const failures = ours.failures + refused;
  const warning = failures > 0 ? `${failures} holds failed or refused` : undefined;
  const name = 'stock reservations (reserve script, one hot SKU, 50 in flight)';
  return [
    {
      measurement: `${name} rate vs SET`,
      ours: { value: ours.perSecond, unit: 'ops/s' },
      baseline: { value: set?.rps ?? Number.NaN, unit: 'ops/s' },
      baselineIs: `${baselineIs}: SET`,
      warning,
    },
    {
      measurement: `${name} rate vs INCR`,
      ours: { value: ours.perSecond, unit: 'ops/s' },
      baseline: { value: incr?.rps ?? Number.NaN, unit: 'ops/s' },
      baselineIs: `${baselineIs}: INCR`,
      warning,
    },
    {
      measurement: `${name} p50`,
      ours: { value: ours.p50Ms, unit: 'ms' },
      baseline: { value: incr?.p50Ms ?? Number.NaN, unit: 'ms' },
      baselineIs: `${baselineIs}: INCR`,
      warning,
    },
    {
      measurement: `${name} p99`,
      ours: { value: ours.p99Ms, unit: 'ms' },
      baseline: { value: incr?.p99Ms ?? Number.NaN, unit: 'ms' },
      baselineIs: `${baselineIs}: INCR`,
      warning,
    },
  ];
}
