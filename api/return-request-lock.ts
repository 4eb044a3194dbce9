import type { RedisClient } from '../integrations/redis';
import { LockBusyError, withRedisLock } from '../integrations/redis-lock';
import { HttpProblem } from './problem';

// A waiter outlasts the holder (who waits up to 10 s for the workflow's first write), so a second request
// for the same items is answered on what the first recorded, not told to retry because the first was slow.
const timing = { holdMs: 15_000, waitMs: 15_000 };

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
  try {
    return await withRedisLock(redis, `return-request:{${subOrderId}}`, timing, work);
  } catch (error) {
    if (error instanceof LockBusyError) {
      throw new HttpProblem(
        409,
        'return-request-in-progress',
        'Another return for these items is being requested',
        'Retry in a moment',
      );
    }
    throw error;
  }
}
