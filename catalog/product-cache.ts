import type { ProductDoc } from './documents';
import type { RedisClient } from '../integrations/redis';

// Product reads are served from Redis. An entry carries the product's version and is only ever replaced by
// a newer one, so a slow reader can never put an old copy back after a writer stored the new one.
const setIfNewer = `
local current = redis.call('HGET', KEYS[1], 'v')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'doc', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

const ttlMs = 10 * 60_000;

function key(productId: string): string {
  return `product:{${productId}}`;
}

type Cached = Omit<ProductDoc, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

export class ProductCache {
  constructor(readonly redis: RedisClient) {}

  async get(productId: string): Promise<ProductDoc | undefined> {
    const raw = await this.redis.hget(key(productId), 'doc');
    if (!raw) return undefined;
    const cached = JSON.parse(raw) as Cached;
    return { ...cached, createdAt: new Date(cached.createdAt), updatedAt: new Date(cached.updatedAt) };
  }

  async put(product: ProductDoc): Promise<void> {
    await this.redis.eval(
      setIfNewer,
      1,
      key(product._id),
      String(product.version),
      JSON.stringify(product),
      String(ttlMs),
    );
  }

  async forget(productId: string): Promise<void> {
    await this.redis.del(key(productId));
  }
}
