import type { Collections, ProductDoc } from '../integrations/collections';
import type { SearchClient } from '../integrations/opensearch';
import type { RedisClient } from '../integrations/redis';
import type { StockCounters } from '../integrations/stock-counters';
import { productAlias } from './product-index';

export interface IndexerDeps {
  collections: Collections;
  search: SearchClient;
  redis: RedisClient;
  counters: StockCounters;
  prefix: string;
}

/** Writes committed slightly out of timestamp order are still caught by re-reading this much history. */
const overlapMs = 5_000;
const batchSize = 500;

export function searchDocument(product: ProductDoc, inStock: boolean) {
  return {
    productId: product._id,
    sellerId: product.sellerId,
    title: product.title,
    description: product.description,
    brand: product.brand,
    category: product.category,
    status: product.status,
    skus: product.skus.map((s) => s.sku),
    price: product.price.amount,
    currency: product.price.currency,
    inStock,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
  };
}

/**
 * Keeps the product index in step with the database without change streams: it reads products changed
 * since its checkpoint (with an overlap) and indexes each with OpenSearch external versioning, so a
 * re-read or a late, older write is rejected by the index rather than overwriting newer data.
 */
export class CatalogIndexer {
  private readonly checkpointKey: string;

  constructor(private readonly deps: IndexerDeps) {
    this.checkpointKey = `search-indexer:${deps.prefix}:checkpoint`;
  }

  async checkpoint(): Promise<Date> {
    const raw = await this.deps.redis.get(this.checkpointKey);
    return new Date(raw ? Number(raw) : 0);
  }

  /** Indexes one batch of changes; returns how many products it read. */
  async runOnce(): Promise<number> {
    const since = new Date((await this.checkpoint()).getTime() - overlapMs);
    const changed = await this.deps.collections.products
      .find({ updatedAt: { $gte: since } })
      .sort({ updatedAt: 1 })
      .limit(batchSize)
      .toArray();
    if (changed.length === 0) return 0;
    const stock = await this.deps.counters.totalAvailable(changed.flatMap((p) => p.skus.map((s) => s.sku)));
    const body = changed.flatMap((product) => {
      const inStock = product.skus.some((s) => (stock.get(s.sku) ?? 0) > 0);
      return [
        {
          index: {
            _index: productAlias(this.deps.prefix),
            _id: product._id,
            version: product.version,
            version_type: 'external_gte',
          },
        },
        searchDocument(product, inStock),
      ];
    });
    const response = await this.deps.search.bulk({ body });
    const failures = (response.body.items as Array<{ index?: { status: number; error?: unknown } }>).filter(
      (item) => item.index && item.index.status >= 300 && item.index.status !== 409,
    );
    if (failures.length > 0) {
      throw new Error(`indexing failed for ${failures.length} products: ${JSON.stringify(failures[0])}`);
    }
    const last = changed[changed.length - 1];
    if (last && last.updatedAt.getTime() > (await this.checkpoint()).getTime()) {
      await this.deps.redis.set(this.checkpointKey, String(last.updatedAt.getTime()));
    }
    return changed.length;
  }
}
