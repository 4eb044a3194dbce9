import type { RequestHandler } from 'express';
import type { RedisClient } from '../integrations/redis';
import { HttpProblem } from './problem';

// A fixed window per key, counted by one atomic script, so every API replica shares the same budget.
const hitScript = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}
`;

export interface Limit {
  name: string;
  max: number;
  windowMs: number;
}

export async function hit(
  redis: RedisClient,
  limit: Limit,
  subject: string,
): Promise<{ allowed: boolean; retryAfterS: number }> {
  const key = `ratelimit:{${limit.name}:${subject}}`;
  const [count, ttl] = (await redis.eval(hitScript, 1, key, String(limit.windowMs))) as [number, number];
  return { allowed: count <= limit.max, retryAfterS: Math.max(1, Math.ceil(ttl / 1000)) };
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
