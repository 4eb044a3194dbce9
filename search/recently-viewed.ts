import type { RedisClient } from '../integrations/redis';

// Per buyer, newest first, capped; a product viewed again moves to the front instead of repeating.
// Redis only: losing it loses a convenience, never business data, so no database copy is kept.
export const recentlyViewedCap = 20;
const keepSeconds = 90 * 24 * 3600;

function key(userId: string): string {
  return `recently-viewed:{${userId}}`;
}

export async function recordProductView(
  redis: RedisClient,
  userId: string,
  productId: string,
): Promise<void> {
  const k = key(userId);
  await redis
    .multi()
    .lrem(k, 0, productId)
    .lpush(k, productId)
    .ltrim(k, 0, recentlyViewedCap - 1)
    .expire(k, keepSeconds)
    .exec();
}

export async function recentlyViewed(redis: RedisClient, userId: string): Promise<string[]> {
  return redis.lrange(key(userId), 0, recentlyViewedCap - 1);
}

/** Records a signed-in buyer's view without ever slowing or failing the product page. */
export function noteProductView(
  redis: RedisClient,
  principal: { role: string; userId: string } | undefined,
  productId: string,
): void {
  if (principal?.role !== 'buyer') return;
  recordProductView(redis, principal.userId, productId).catch((error: unknown) => {
    console.warn('recently viewed not recorded:', error instanceof Error ? error.message : error);
  });
}
