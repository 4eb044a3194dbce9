import type { RedisClient } from '../integrations/redis';
import { holdKey, stockKey, unitsOnShelfLua } from '../integrations/stock-counters';

// The units of a SKU that checkouts have been let through the door for, but whose orders have not reserved
// yet. Measured: 400 buyers for 37 units all arrive within the seconds before the first order's workflow
// reaches its reservation, so a door that read only the stock counters let all 400 through (363 whole
// order workflows then failed on OutOfStock). The door therefore counts, per SKU, the units of checkouts
// on their way: a checkout passes when the counters minus those units still cover it.
//
// Nothing here moves stock or money: the reservation in the order's workflow stays the truth. A checkout
// on its way stops counting as soon as its order's hold exists (held, released, committed, or the
// tombstone a failed reservation leaves), since the counters then show its effect; or, if its order never
// reaches the reservation (refused by fraud screening, priced out, an API crash before the start), when
// its time runs out. So the door can refuse a buyer for at most that long while stock another order was
// about to take comes back; it never lets more through than the reservation would hold.

/** How long a checkout's units count as on their way if its order never reaches the reservation. */
export const checkoutInFlightMs = 30_000;

/**
 * KEYS: the SKU's counters, its checkouts on their way (sorted by expiry), their units (plus `_total`).
 * ARGV: order id, units, now (ms), time to live (ms), the SKU's hold-key prefix.
 * Hold keys are read by prefix rather than declared: they share the {sku} hash tag, so they are in the same
 * slot as the declared keys and the script still touches one slot on Redis Cluster.
 */
const admitScript = `
${unitsOnShelfLua}
local now = tonumber(ARGV[3])
local function forget(id)
  local units = tonumber(redis.call('HGET', KEYS[3], id) or '0')
  redis.call('HDEL', KEYS[3], id)
  redis.call('HINCRBY', KEYS[3], '_total', -units)
  redis.call('ZREM', KEYS[2], id)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do forget(id) end
local available = unitsOnShelf(KEYS[1])
local need = tonumber(ARGV[2])
local ahead = tonumber(redis.call('HGET', KEYS[3], '_total') or '0')
if available - ahead < need then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    if redis.call('EXISTS', ARGV[5] .. id) == 1 then forget(id) end
  end
  ahead = tonumber(redis.call('HGET', KEYS[3], '_total') or '0')
  if available - ahead < need then
    return {'short', tostring(math.max(0, available - ahead)), tostring(redis.call('EXISTS', KEYS[1]))}
  end
end
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then
  redis.call('HSET', KEYS[3], ARGV[1], need)
  redis.call('HINCRBY', KEYS[3], '_total', need)
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], 2 * tonumber(ARGV[4]))
redis.call('PEXPIRE', KEYS[3], 2 * tonumber(ARGV[4]))
return {'admitted', tostring(available - ahead)}
`;

const withdrawScript = `
local units = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if redis.call('HDEL', KEYS[2], ARGV[1]) == 1 then redis.call('HINCRBY', KEYS[2], '_total', -units) end
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
`;

export type AdmitOutcome =
  | { kind: 'admitted' }
  /** `stocked`: Redis has counters for the SKU (an unknown SKU has none; nor has one never stocked). */
  | { kind: 'short'; available: number; stocked: boolean };

function inFlightKey(sku: string): string {
  return `checkouts:{${sku}}`;
}

function inFlightUnitsKey(sku: string): string {
  return `checkout-units:{${sku}}`;
}

export class CheckoutsInFlight {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlMs = checkoutInFlightMs,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Lets an order's units of one SKU through when the SKU's counters, less the units of checkouts still on
   * their way, cover them; otherwise answers what is available to this checkout (never below zero).
   */
  async admit(sku: string, orderId: string, units: number): Promise<AdmitOutcome> {
    const reply = (await this.redis.eval(
      admitScript,
      3,
      stockKey(sku),
      inFlightKey(sku),
      inFlightUnitsKey(sku),
      orderId,
      String(units),
      String(this.now()),
      String(this.ttlMs),
      holdKey(sku, ''),
    )) as unknown[];
    const [state, available, stocked] = reply.map(String);
    return state === 'admitted'
      ? { kind: 'admitted' }
      : { kind: 'short', available: Number(available), stocked: stocked === '1' };
  }

  /** The checkout will not become an order (refused on another SKU, or its start failed). */
  async withdraw(sku: string, orderId: string): Promise<void> {
    await this.redis.eval(withdrawScript, 2, inFlightKey(sku), inFlightUnitsKey(sku), orderId);
  }
}
