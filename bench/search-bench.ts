// Search measurements for the bench table: query and suggest latency on a generated 100,000-product
// catalog, and database-write-to-searchable lag at rest and while the catalog changes under load.
// Everything lives in its own database, Redis db and index prefix, so the bench never touches real data.
import { performance } from 'node:perf_hooks';
import { ProductCache } from '../catalog/product-cache';
import { createProduct, updateProduct } from '../catalog/products';
import { loadEnv } from '../config/env';
import type { ProductDoc } from '../catalog/documents';
import { connectServices, type Services } from '../integrations/services';
import { stockKey } from '../integrations/stock-counters';
import { CatalogIndexer } from '../search-indexer/catalog-indexer';
import { ensureProductIndex, productAlias } from '../search/product-index';
import { searchDocument } from '../search-indexer/search-document';
import { searchProducts } from '../search/product-search';
import type { ProductSearchParams } from '../search/product-query';
import { publishCatalogChanges } from '../search/stock-change-feed';
import { suggestProducts } from '../search/suggest';

export interface BenchRow {
  measurement: string;
  ours: string;
  baseline: string;
  note?: string;
}

const catalogSize = Number(process.env.SEARCH_BENCH_PRODUCTS ?? 100_000);
const prefix = 'bench';

const adjectives = [
  'steel',
  'copper',
  'electric',
  'ceramic',
  'bamboo',
  'glass',
  'cast iron',
  'enamel',
  'compact',
  'deluxe',
  'travel',
  'vintage',
  'smart',
  'cordless',
  'heavy duty',
  'mini',
  'classic',
  'modern',
  'rustic',
  'pro',
];
const nouns = [
  'kettle',
  'toaster',
  'saucepan',
  'skillet',
  'teapot',
  'blender',
  'mug',
  'knife',
  'cutting board',
  'lamp',
  'chair',
  'desk',
  'backpack',
  'jacket',
  'headphones',
  'speaker',
  'watch',
  'tent',
  'bottle',
  'grinder',
];
const colours = ['red', 'black', 'white', 'blue', 'green', 'silver'];
const sizes = ['s', 'm', 'l', 'xl'];
const queries = [
  'kettle',
  'steel kettles',
  'ceramic teapot',
  'cordless blender',
  'ketle',
  'headphnes',
  'lamp',
  'vintage watch',
  'travel mug',
  'cast iron skillet',
];

function pick<T>(list: readonly T[], n: number): T {
  return list[n % list.length] as T;
}

function generated(i: number, now: Date): ProductDoc {
  const id = `prd_bench_${i.toString(36).padStart(6, '0')}`;
  const title =
    `${pick(adjectives, i * 7 + 3)} ${pick(nouns, i)} ${pick(['', 'plus', 'max', 'one'], i >> 3)}`.trim();
  return {
    _id: id,
    sellerId: `sel_bench_${i % 100}`,
    title: title.charAt(0).toUpperCase() + title.slice(1),
    description: `A ${title} for everyday use, by brand ${i % 50}`,
    category: `category-${i % 20}`,
    brand: `Brand${i % 50}`,
    attributes: { colour: pick(colours, i >> 2), size: pick(sizes, i >> 5) },
    mediaUrls: [],
    price: { amount: 500 + ((i * 7919) % 20_000), currency: 'USD' },
    skus: [{ sku: `BENCH-${i}`, attributes: {} }],
    status: 'active',
    sellerPaused: false,
    version: 1,
    ratingAverage: ((i * 31) % 50) / 10,
    ratingCount: (i * 13) % 200,
    salesCount: (i * 17) % 1000,
    createdAt: new Date(now.getTime() - i * 1000),
    updatedAt: new Date(now.getTime() - i * 1000),
  };
}

/** Fills the bench database, Redis counters and index up to catalogSize; a second run reuses them. */
async function ensureCatalog(services: Services): Promise<{ generatedNow: number; seconds: number }> {
  const started = performance.now();
  await ensureProductIndex(services.search, prefix);
  const have = await services.collections.products.countDocuments({ _id: { $regex: '^prd_bench_' } });
  const indexed = (await services.search.count({ index: productAlias(prefix) })).body.count;
  if (have >= catalogSize && indexed >= catalogSize) return { generatedNow: 0, seconds: 0 };
  const now = new Date();
  const batch = 2000;
  for (let from = 0; from < catalogSize; from += batch) {
    const docs = Array.from({ length: Math.min(batch, catalogSize - from) }, (_, k) =>
      generated(from + k, now),
    );
    if (from >= have) {
      await services.collections.products.insertMany(docs, { ordered: false }).catch((error: unknown) => {
        if ((error as { code?: number }).code !== 11000) throw error;
      });
    }
    const pipeline = services.redis.pipeline();
    for (const doc of docs)
      pipeline.hset(stockKey(doc.skus[0]?.sku ?? ''), 'wh-1', String(doc._id.length % 7));
    await pipeline.exec();
    const body = docs.flatMap((doc) => [
      {
        index: {
          _index: productAlias(prefix),
          _id: doc._id,
          version: doc.version,
          version_type: 'external_gte',
        },
      },
      searchDocument(doc, doc._id.length % 7 > 0),
    ]);
    await services.search.bulk({ body: body as never });
  }
  await services.search.indices.refresh({ index: productAlias(prefix) });
  return { generatedNow: catalogSize - have, seconds: (performance.now() - started) / 1000 };
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

async function timed(runs: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return samples;
}

/** Polls the index until the product is searchable; returns database write to searchable, in ms. */
async function searchableAfter(services: Services, productId: string, writtenAt: number): Promise<number> {
  for (;;) {
    const res = await services.search.search({
      index: productAlias(prefix),
      body: { size: 0, query: { term: { productId } } },
    });
    if ((res.body.hits.total as { value: number }).value > 0) return performance.now() - writtenAt;
    if (performance.now() - writtenAt > 30_000) return NaN;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function lagSamples(services: Services, count: number, tag: string): Promise<number[]> {
  const lags: number[] = [];
  for (let i = 0; i < count; i++) {
    const doc = generated(0, new Date());
    const id = `prd_benchlag_${tag}_${Date.now().toString(36)}_${i}`;
    // From the moment the database acknowledged the write (committed) to the moment a search finds it.
    await createProduct(services.collections, {
      ...doc,
      _id: id,
      skus: [{ sku: `BENCHLAG-${tag}-${Date.now()}-${i}`, attributes: {} }],
    });
    const t = performance.now();
    await publishCatalogChanges(services.redis, [id]);
    lags.push(await searchableAfter(services, id, t));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return lags;
}

export async function searchBenchRows(): Promise<BenchRow[]> {
  const env = loadEnv({
    ...process.env,
    MONGODB_URI: 'mongodb://127.0.0.1:27017/marketplace_bench',
    REDIS_URL: 'redis://127.0.0.1:6379/7',
    OPENSEARCH_INDEX_PREFIX: prefix,
  });
  const services = await connectServices(env);
  const rows: BenchRow[] = [];
  try {
    const log = (m: string) => process.stderr.write(`search bench: ${m}\n`);
    const generation = await ensureCatalog(services);
    log('catalog ready');
    rows.push({
      measurement: `search: generate ${catalogSize.toLocaleString('en')} products (db + index)`,
      ours: generation.generatedNow > 0 ? `${generation.seconds.toFixed(1)} s` : 'reused',
      baseline: '< 120 s on 2 cores',
    });

    const cache = new ProductCache(services.redis);
    const deps = { ...services, cache, prefix };
    const params = (i: number): ProductSearchParams => ({
      q: pick(queries, i),
      attributes: i % 3 === 0 ? { colour: pick(colours, i) } : {},
      ...(i % 4 === 0 ? { category: `category-${i % 20}` } : {}),
      sort: i % 5 === 0 ? 'price_asc' : 'relevance',
      limit: 20,
      offset: 0,
    });
    await timed(30, (i) => searchProducts(deps, params(i)));
    const search = await timed(300, (i) => searchProducts(deps, params(i)));
    rows.push({
      measurement: `search: GET /products?q= with facets + live stock, ${catalogSize.toLocaleString('en')} products`,
      ours: `p50 ${ms(percentile(search, 50))} / p99 ${ms(percentile(search, 99))}`,
      baseline: 'p99 < 100 ms',
      note: 'full-text, typo-tolerant, 6 facet aggregations, stock read from Redis for the page',
    });
    const prefixes = ['ke', 'ket', 'cer', 'cera', 'cord', 'vin', 'trav', 'cast i', 'hea', 'sm'];
    await timed(30, (i) => suggestProducts(services.search, prefix, pick(prefixes, i), 8));
    const suggest = await timed(300, (i) => suggestProducts(services.search, prefix, pick(prefixes, i), 8));
    rows.push({
      measurement: 'search: GET /search/suggest (edge n-grams)',
      ours: `p50 ${ms(percentile(suggest, 50))} / p99 ${ms(percentile(suggest, 99))}`,
      baseline: 'a few ms',
    });

    log('query latency measured');
    // The indexer starts at the end of the generated catalog: the bench measures new writes, not backfill.
    const indexer = new CatalogIndexer({ ...services, prefix, reconcileOnStart: false, scanEveryMs: 5_000 });
    const newest = await services.collections.products
      .find()
      .sort({ updatedAt: -1, _id: -1 })
      .limit(1)
      .next();
    if (newest) {
      await services.redis.set(
        `search-indexer:${prefix}:cursor`,
        JSON.stringify({ at: newest.updatedAt.getTime(), id: newest._id }),
      );
    }
    const controller = new AbortController();
    const running = indexer.run(controller.signal, () => undefined);
    try {
      const atRest = await lagSamples(services, 20, 'rest');
      log('lag at rest measured');
      rows.push({
        measurement: 'search: lag, database write to searchable, at rest',
        ours: `p50 ${ms(percentile(atRest, 50))} / max ${ms(Math.max(...atRest))}`,
        baseline: '< 1000 ms',
      });

      // Load: edits of existing products at a steady target rate while new products are timed.
      const targetPerSecond = Number(process.env.SEARCH_BENCH_WRITES_PER_SECOND ?? 300);
      let writing = true;
      let writes = 0;
      const loadStart = performance.now();
      const writers = Array.from({ length: 16 }, async (_, w) => {
        let n = w;
        while (writing) {
          const due = loadStart + (writes / targetPerSecond) * 1000;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          writes += 1;
          const id = `prd_bench_${((n * 7919) % catalogSize).toString(36).padStart(6, '0')}`;
          n += 16;
          const current = await services.collections.products.findOne(
            { _id: id },
            { projection: { version: 1 } },
          );
          if (!current) continue;
          await updateProduct(services.collections, cache, id, current.version, {
            price: { amount: 500 + (n % 20_000), currency: 'USD' },
          })
            .then(() => publishCatalogChanges(services.redis, [id]))
            .catch(() => undefined);
        }
      });
      const underLoad = await lagSamples(services, 20, 'load');
      writing = false;
      await Promise.all(writers);
      const seconds = (performance.now() - loadStart) / 1000;
      rows.push({
        measurement: `search: lag under load (${Math.round(writes / seconds)} catalog writes/s achieved)`,
        ours: `p50 ${ms(percentile(underLoad, 50))} / max ${ms(Math.max(...underLoad))}`,
        baseline: '< 5000 ms',
        note: `target ${targetPerSecond} writes/s of updateProduct; FerretDB v1 reads the whole collection for a {_id, version} filter, so it sets the achieved rate`,
      });
    } finally {
      controller.abort();
      await running;
    }
  } finally {
    await services.close();
  }
  return rows;
}

if (require.main === module) {
  searchBenchRows().then(
    (rows) => console.table(rows),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
