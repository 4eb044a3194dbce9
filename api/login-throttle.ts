import type { Response } from 'express';
import type { Env } from '../config/env';
import type { RedisClient } from '../integrations/redis';
import { hit, refund, tooMany, type Limit } from './rate-limit';

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

export interface LoginThrottle {
  /** Refuses the attempt with a 429 and Retry-After while either budget holds this pair back. */
  admit(account: string, address: string, res: Response): Promise<void>;
  failed(account: string, address: string): Promise<void>;
  succeeded(account: string, address: string): Promise<void>;
}

/** Both sign-in budgets together: the (account, address) pair's delay and the account-wide allowance. */
export function loginThrottle(redis: RedisClient, env: Env): LoginThrottle {
  const accountLimit: Limit = {
    name: 'login-account',
    max: env.LOGIN_FAILURES_PER_ACCOUNT,
    windowMs: 15 * 60_000,
  };
  return {
    async admit(account, address, res) {
      // Even the right password waits out the pair's delay, or the guesser would learn it from the answer.
      const waitMs = await loginDelay(redis, account, address);
      if (waitMs > 0) {
        const retryAfterS = Math.ceil(waitMs / 1000);
        res.set('Retry-After', String(retryAfterS));
        throw tooMany(retryAfterS, 'wrong passwords for this account from this address');
      }
      // And a large budget per account over all addresses, for a botnet spreading guesses.
      const budget = await hit(redis, accountLimit, account);
      if (!budget.allowed) {
        res.set('Retry-After', String(budget.retryAfterS));
        throw tooMany(budget.retryAfterS, 'sign-in attempts for this account');
      }
    },
    async failed(account, address) {
      await loginFailed(redis, account, address);
    },
    async succeeded(account, address) {
      // Only failures spend the budgets; otherwise an owner who signs in often locks themself out.
      await Promise.all([refund(redis, accountLimit, account), loginSucceeded(redis, account, address)]);
    },
  };
}
