import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from './redis';

// FerretDB v1 has neither transactions nor compare-and-set, so a check-then-write that two requests could
// interleave takes turns under a short Redis lock instead. The expiry frees a lock whose holder died; the
// token makes sure a holder that overran its expiry never releases someone else's lock.
const release = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export class LockBusyError extends Error {
  override name = 'LockBusyError';
}

export interface LockTiming {
  /** How long the lock lives if its holder never releases it. */
  holdMs: number;
  /** How long a caller waits for it before giving up with LockBusyError. */
  waitMs: number;
}

export async function withRedisLock<T>(
  redis: RedisClient,
  key: string,
  { holdMs, waitMs }: LockTiming,
  work: () => Promise<T>,
): Promise<T> {
  const token = randomBytes(12).toString('hex');
  const giveUpAt = Date.now() + waitMs;
  while ((await redis.set(key, token, 'PX', holdMs, 'NX')) !== 'OK') {
    if (Date.now() > giveUpAt) throw new LockBusyError(`${key} is busy`);
    await sleep(15 + Math.random() * 35);
  }
  try {
    return await work();
  } finally {
    await redis.eval(release, 1, key, token);
  }
}
