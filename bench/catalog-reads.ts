import express from 'express';
import { createProduct } from '../catalog/products';
import type { ProductDoc } from '../catalog/documents';
import { stockKey } from '../integrations/stock-counters';
import type { BenchContext } from './context';
import { httpLoad, loopLoad, type LoadFigures } from './load';
import type { Row } from './table';

async function seedProducts(ctx: BenchContext, category: string, count: number): Promise<ProductDoc[]> {
  const products: ProductDoc[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = `prd_${ctx.runId}_${category.replace(/-/g, '_')}_${i}`;
    const sku = `${ctx.runId}-${category}-${i}`.toUpperCase();
    products.push(
      await createProduct(ctx.services.collections, {
        _id: id,
        sellerId: `sel_${ctx.runId}`,
        title: `Bench kettle ${i}`,
        description: 'A product made by the bench',
        category,
        brand: 'Benchware',
        attributes: { color: i % 2 === 0 ? 'red' : 'blue' },
        mediaUrls: [],
        price: { amount: 1000 + i * 10, currency: 'USD' },
        skus: [{ sku, attributes: {} }],
        status: 'active',
        sellerPaused: false,
      }),
    );
    await ctx.services.counters.adjust(sku, 'wh-bench', 100, `bench-${sku}`);
  }
  ctx.onCleanup(async () => {
    const ids = products.map((p) => p._id);
    const skus = products.flatMap((p) => p.skus.map((s) => s.sku));
    await ctx.services.collections.products.deleteMany({ _id: { $in: ids } });
    await ctx.services.collections.skus.deleteMany({ _id: { $in: skus } });
    await ctx.services.redis.del(
      ...ids.map((id) => `product:{${id}}`),
      ...skus.flatMap((sku) => [stockKey(sku), `adjust:{${sku}}:bench-${sku}`]),
    );
  });
  return products;
}

function latencyRows(name: string, ours: LoadFigures, baseline: LoadFigures, baselineIs: string): Row[] {
  const failures = ours.failures + baseline.failures;
  const warning = failures > 0 ? `${failures} failed requests` : undefined;
  return [
    {
      measurement: `${name} p50`,
      ours: { value: ours.p50Ms, unit: 'ms' },
      baseline: { value: baseline.p50Ms, unit: 'ms' },
      baselineIs,
      warning,
    },
    {
      measurement: `${name} p99`,
      ours: { value: ours.p99Ms, unit: 'ms' },
      baseline: { value: baseline.p99Ms, unit: 'ms' },
      baselineIs,
      warning,
    },
    {
      measurement: `${name} throughput`,
      ours: { value: ours.perSecond, unit: 'req/s' },
      baseline: { value: baseline.perSecond, unit: 'req/s' },
      baselineIs,
      warning,
    },
  ];
}

/** (a) One product by id, served from the Redis cache with live stock, against a bare Express handler. */
export async function productReads(ctx: BenchContext): Promise<Row[]> {
  const [product] = await seedProducts(ctx, 'bench-one', 1);
  if (!product) throw new Error('no product seeded');
  const url = `${ctx.apiUrl}/products/${product._id}`;
  const first = await fetch(url);
  if (first.status !== 200) throw new Error(`GET ${url} answered ${first.status}`);
  // The baseline sends the very same body, so JSON and HTTP costs cancel out and the difference is ours:
  // auth middleware, validation, the cache read and the stock read.
  const body = await first.text();
  const bare = express();
  bare.get('/bare', (_req, res) => {
    res.type('application/json').send(body);
  });
  const bareUrl = `${await ctx.listen(bare)}/bare`;
  const baseline = await httpLoad(bareUrl);
  const ours = await httpLoad(url);
  return latencyRows(
    'GET /products/:id (cached, 50 connections)',
    ours,
    baseline,
    'bare Express handler sending the same body, same process',
  );
}

/** (b) A page of 20 from a filtered list, against the same query straight from MongoDB. */
export async function productList(ctx: BenchContext): Promise<Row[]> {
  const category = 'bench-list';
  await seedProducts(ctx, category, 60);
  const url = `${ctx.apiUrl}/products?category=${category}&sellerId=sel_${ctx.runId}&limit=20`;
  const check = await fetch(url);
  const page = (await check.json()) as { items: unknown[] };
  if (check.status !== 200 || page.items.length !== 20) throw new Error(`GET ${url}: ${check.status}`);
  const filter = { category, sellerId: `sel_${ctx.runId}`, status: 'active' as const, sellerPaused: false };
  const products = ctx.services.collections.products;
  const baseline = await loopLoad(
    () =>
      Promise.all([
        products.find(filter).sort({ createdAt: -1, _id: 1 }).limit(20).toArray(),
        products.countDocuments(filter),
      ]),
    { concurrency: 10 },
  );
  const ours = await httpLoad(url, { connections: 10 });
  return latencyRows(
    'GET /products?category&sellerId (page of 20, 10 connections)',
    ours,
    baseline,
    'the same find + count through the MongoDB driver, 10 in flight',
  );
}
