import type { RedisClient } from '../integrations/redis';

// Wrong passwords slow down the pair that sends them, (account, address), with a delay that doubles with
// each failure past a few free ones. The account's owner signing in from anywhere else is not affected, so
// failing on purpose no longer locks anyone out of their account from every address; a guesser on one
// address gets a handful of tries an hour. Spreading guesses over many addresses is what the account-wide
// budget (much larger, in the login route) and the per-address request limit are for.

const freeFailures = 5;
const maxDelayMs = 15 * 60_000;
// Failures are forgotten a day after the last one.
const memoryMs = 24 * 3600_000;

const pairKey = (account: string, address: string) => `login:{${account}}:${address}`;

/** Milliseconds this pair must still wait before its next try, or 0. */
export async function loginDelay(redis: RedisClient, account: string, address: string): Promise<number> {
  const ttl = await redis.pttl(`${pairKey(account, address)}:wait`);
  return ttl > 0 ? ttl : 0;
}

/** Counts a wrong password from this pair; answers how long the pair must now wait (0 while free). */
export async function loginFailed(redis: RedisClient, account: string, address: string): Promise<number> {
  const key = pairKey(account, address);
  const [[, failures]] = (await redis
    .multi()
    .incr(`${key}:failures`)
    .pexpire(`${key}:failures`, memoryMs)
    .exec()) as [[Error | null, number], [Error | null, number]];
  if (failures <= freeFailures) return 0;
  const delay = Math.min(1000 * 2 ** (failures - freeFailures - 1), maxDelayMs);
  await redis.set(`${key}:wait`, '1', 'PX', delay);
  return delay;
}

/** A right password from this pair: it starts from scratch. */
export async function loginSucceeded(redis: RedisClient, account: string, address: string): Promise<void> {
  const key = pairKey(account, address);
  await redis.del(`${key}:failures`, `${key}:wait`);
}
