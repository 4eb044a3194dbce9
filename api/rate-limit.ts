import type { RequestHandler } from 'express';
import type { RedisClient } from '../integrations/redis';
import { HttpProblem } from './problem';

// A fixed window per key, counted by one atomic script, so every API replica shares the same budget.
const hitScript = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}
`;

// Only while the window lives: a DECR after expiry would create a key without a TTL that never resets.
const refundScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end
return 0
`;

export interface Limit {
  name: string;
  max: number;
  windowMs: number;
}

function keyOf(limit: Limit, subject: string): string {
  return `ratelimit:{${limit.name}:${subject}}`;
}

export async function hit(
  redis: RedisClient,
  limit: Limit,
  subject: string,
): Promise<{ allowed: boolean; retryAfterS: number }> {
  const reply = await redis.eval(hitScript, 1, keyOf(limit, subject), String(limit.windowMs));
  const [count, ttl] = reply as [number, number];
  return { allowed: count <= limit.max, retryAfterS: Math.max(1, Math.ceil(ttl / 1000)) };
}

/** Takes back one hit, for attempts that should not count against the budget (a successful sign-in). */
export async function refund(redis: RedisClient, limit: Limit, subject: string): Promise<void> {
  await redis.eval(refundScript, 1, keyOf(limit, subject));
}

export function tooMany(retryAfterS: number, what: string): HttpProblem {
  return new HttpProblem(429, 'rate-limited', `Too many ${what}; retry later`, undefined, {
    retryAfterSeconds: retryAfterS,
  });
}

/** Limits a route per client IP. */
export function perIp(redis: RedisClient, limit: Limit): RequestHandler {
  return async (req, res, next) => {
    const { allowed, retryAfterS } = await hit(redis, limit, req.ip ?? 'unknown');
    if (!allowed) {
      res.set('Retry-After', String(retryAfterS));
      throw tooMany(retryAfterS, 'requests from this address');
    }
    next();
  };
}
