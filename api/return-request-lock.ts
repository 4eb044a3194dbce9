import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from '../integrations/redis';
import { HttpProblem } from './problem';

const releaseScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Runs one return request for a sub-order at a time. The "units left to return" check reads the returns
 * already recorded, and the database has no transactions, so two requests racing for the same units must
 * not both pass it: the second waits until the first has been checked, started and recorded.
 */
export async function oneReturnRequestAtATime<T>(
  redis: RedisClient,
  subOrderId: string,
  work: () => Promise<T>,
): Promise<T> {
  const key = `return-request:{${subOrderId}}`;
  const token = randomBytes(8).toString('hex');
  const giveUpAt = Date.now() + 5_000;
  // The expiry frees the sub-order if this process dies while holding it.
  while ((await redis.set(key, token, 'PX', 15_000, 'NX')) !== 'OK') {
    if (Date.now() > giveUpAt) {
      throw new HttpProblem(
        409,
        'return-request-in-progress',
        'Another return for these items is being requested',
        'Retry in a moment',
      );
    }
    await sleep(50);
  }
  try {
    return await work();
  } finally {
    await redis.eval(releaseScript, 1, key, token);
  }
}
