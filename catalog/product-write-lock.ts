import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../integrations/redis';

// FerretDB v1 has no compare-and-set: two concurrent updateOne({_id, version: v}) calls can both match
// and both write (measured: 11 of 20 rounds of 10 racers had several "winners"). Every versioned write of
// one product (a seller's edit, a pause, a rating refresh) therefore takes turns under this Redis lock, and
// the version condition inside it stays as the check a real MongoDB enforces by itself. The expiry frees a
// lock whose holder died.
const holdMs = 5_000;
const waitMs = 10_000;

const release = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export class ProductBusyError extends Error {
  override name = 'ProductBusyError';
}

/** Runs `work` while holding the product's write lock. */
export async function withProductWriteLock<T>(
  redis: RedisClient,
  productId: string,
  work: () => Promise<T>,
): Promise<T> {
  const key = `product-write-lock:{${productId}}`;
  const token = randomBytes(12).toString('hex');
  const deadline = Date.now() + waitMs;
  while ((await redis.set(key, token, 'PX', holdMs, 'NX')) !== 'OK') {
    if (Date.now() > deadline) throw new ProductBusyError(`product ${productId} is busy; retry`);
    await new Promise((resolve) => setTimeout(resolve, 15 + Math.random() * 20));
  }
  try {
    return await work();
  } finally {
    await redis.eval(release, 1, key, token);
  }
}
