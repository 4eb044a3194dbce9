import type { RedisClient } from './redis';

// Hot stock counters live in Redis because only a server-side script can check and decrement in one step
// under flash-sale load. Each SKU's counters and holds share the {sku} hash tag, so every script touches
// one slot and runs unchanged on Redis Cluster. Redis is a cache of the stock ledger, never the only copy.

/**
 * Lua for scripts that read a SKU's shelf: `unitsOnShelf(key)` sums the positive counts of its stock hash
 * (a warehouse may stand below zero after a repair, and that takes nothing from the others).
 */
export const unitsOnShelfLua = `
local function unitsOnShelf(key)
  local total = 0
  for _, v in ipairs(redis.call('HVALS', key)) do
    local n = tonumber(v)
    if n > 0 then total = total + n end
  end
  return total
end`;

/** A hold remembers its outcome (held, released, committed) so a retried or replayed call changes nothing. */
const reserveScript = `
local state = redis.call('HGET', KEYS[2], '_state')
if state then
  local out = {state}
  local hold = redis.call('HGETALL', KEYS[2])
  for i = 1, #hold, 2 do
    if hold[i] ~= '_state' then table.insert(out, hold[i]); table.insert(out, hold[i + 1]) end
  end
  return out
end
local need = tonumber(ARGV[1])
local stock = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 2, #stock, 2 do
  local n = tonumber(stock[i])
  if n > 0 then total = total + n end
end
if total < need then return {'insufficient', tostring(total)} end
local alloc = {}
for i = 2, #stock, 2 do
  if tonumber(stock[i]) >= need then
    alloc = {stock[i - 1], need}
    need = 0
    break
  end
end
if need > 0 then
  for i = 2, #stock, 2 do
    local n = tonumber(stock[i])
    if n > 0 and need > 0 then
      local take = math.min(n, need)
      table.insert(alloc, stock[i - 1]); table.insert(alloc, take)
      need = need - take
    end
  end
end
for i = 1, #alloc, 2 do
  redis.call('HINCRBY', KEYS[1], alloc[i], -alloc[i + 1])
  redis.call('HSET', KEYS[2], alloc[i], alloc[i + 1])
end
redis.call('HSET', KEYS[2], '_state', 'held')
redis.call('SADD', KEYS[3], ARGV[2])
local out = {'held'}
for i = 1, #alloc do table.insert(out, tostring(alloc[i])) end
return out
`;

/**
 * Releasing a hold that never existed leaves a tombstone, so a late reservation retry cannot take stock.
 * A hold already released answers with what it had held, so a retried release can still write its ledger
 * entries: the first caller changes the counters, every caller learns the same outcome.
 */
const releaseScript = `
local state = redis.call('HGET', KEYS[2], '_state')
if not state then
  redis.call('HSET', KEYS[2], '_state', 'released')
  redis.call('EXPIRE', KEYS[2], ARGV[1])
  return {'absent'}
end
if state ~= 'held' and state ~= 'released' then return {'already_' .. state} end
local hold = redis.call('HGETALL', KEYS[2])
local out = {state == 'held' and 'released' or 'already_released'}
for i = 1, #hold, 2 do
  if hold[i] ~= '_state' then
    if state == 'held' then redis.call('HINCRBY', KEYS[1], hold[i], tonumber(hold[i + 1])) end
    table.insert(out, hold[i]); table.insert(out, hold[i + 1])
  end
end
if state == 'held' then
  redis.call('HSET', KEYS[2], '_state', 'released')
  redis.call('EXPIRE', KEYS[2], ARGV[1])
  redis.call('SREM', KEYS[3], ARGV[2])
end
return out
`;

const commitScript = `
local state = redis.call('HGET', KEYS[2], '_state')
if state ~= 'held' and state ~= 'committed' then return {'not_held', state or 'none'} end
local hold = redis.call('HGETALL', KEYS[2])
local out = {'committed'}
for i = 1, #hold, 2 do
  if hold[i] ~= '_state' then table.insert(out, hold[i]); table.insert(out, hold[i + 1]) end
end
if state == 'held' then
  redis.call('HSET', KEYS[2], '_state', 'committed')
  redis.call('EXPIRE', KEYS[2], ARGV[1])
  redis.call('SREM', KEYS[3], ARGV[2])
end
return out
`;

/** An adjustment applies once per key: a retried "receive 10 units" stays 10 units. */
const adjustScript = `
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[3]) == false then return {'duplicate'} end
local after = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
return {'applied', tostring(after)}
`;

/** Sets one warehouse's available units to a target in one step, however many holds race with it. */
const setAvailableScript = `
local existing = redis.call('GET', KEYS[2])
if existing then return {'duplicate', existing} end
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local delta = tonumber(ARGV[2]) - current
redis.call('HINCRBY', KEYS[1], ARGV[1], delta)
redis.call('SET', KEYS[2], tostring(delta), 'EX', ARGV[3])
return {'applied', tostring(delta)}
`;

const replaceIfUnchangedScript = `
local current = redis.call('HGETALL', KEYS[1])
local n = tonumber(ARGV[1])
if #current ~= n then return {'changed'} end
local seen = {}
for i = 2, n + 1, 2 do seen[ARGV[i]] = ARGV[i + 1] end
for i = 1, #current, 2 do
  if seen[current[i]] ~= current[i + 1] then return {'changed'} end
end
redis.call('DEL', KEYS[1])
for i = n + 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return {'replaced'}
`;

const tombstoneSeconds = 30 * 24 * 3600;

export interface Allocation {
  warehouseId: string;
  quantity: number;
}

export type ReserveOutcome =
  | { kind: 'held'; allocations: Allocation[] }
  | { kind: 'insufficient'; available: number }
  | { kind: 'ended'; state: string; allocations: Allocation[] };

export type ReleaseOutcome =
  /** `repeat`: an earlier call released it; this one changed nothing but learns what was held. */
  | { kind: 'released'; allocations: Allocation[]; repeat: boolean }
  /** Redis has no record of the hold (never reserved here, or lost with a flushed Redis). */
  | { kind: 'absent' }
  | { kind: 'unchanged'; state: string };

export type CommitOutcome =
  { kind: 'committed'; allocations: Allocation[] } | { kind: 'unchanged'; state: string };

function pairs(flat: string[]): Allocation[] {
  const out: Allocation[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    out.push({ warehouseId: String(flat[i]), quantity: Number(flat[i + 1]) });
  }
  return out;
}

export function stockKey(sku: string): string {
  return `stock:{${sku}}`;
}

export function holdKey(sku: string, holdId: string): string {
  return `hold:{${sku}}:${holdId}`;
}

/** The ids of a SKU's holds that are still held, so reconciliation can see what Redis thinks is open. */
export function openHoldsKey(sku: string): string {
  return `holds:{${sku}}`;
}

/** How long a stock write waits for its replicas before it is reported as not acknowledged. */
const replicaWaitMs = 1000;

export class StockCounters {
  /**
   * `replicas` > 0 (REDIS_WAIT_REPLICAS): a stock write counts only once that many replicas of its master
   * have it (WAIT, sent in the same pipeline so it reaches the same node). Replication is asynchronous, so
   * without it a master that crashes can take its last holds along, and its promoted replica would offer
   * those units again. A write that is not acknowledged throws, and the caller's retry finds the hold as
   * it is (every script is idempotent per hold or key).
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly replicas = 0,
  ) {}

  private async run(
    script: string,
    keys: string[],
    args: (string | number)[],
    redirects = 3,
  ): Promise<string[]> {
    const argv = args.map(String);
    if (this.replicas === 0) {
      const reply = (await this.redis.eval(script, keys.length, ...keys, ...argv)) as unknown[];
      return reply.map((part) => String(part));
    }
    const results = await this.redis
      .pipeline()
      .eval(script, keys.length, ...keys, ...argv)
      .call('WAIT', this.replicas, replicaWaitMs)
      .exec();
    const [[scriptError, reply] = [], [waitError, acknowledged] = []] = results ?? [];
    if (scriptError && /^(MOVED|ASK) /.test(scriptError.message) && redirects > 0) {
      // ioredis follows a redirect for a pipeline only when every command in it was redirected, and WAIT
      // never is; a single keyed command follows it and updates the client's slot map, so the next try
      // reaches the slot's new master (the script did not run where it was refused).
      await this.redis.exists(keys[0] ?? '');
      return this.run(script, keys, args, redirects - 1);
    }
    if (scriptError) throw scriptError;
    if (waitError) throw waitError;
    const reached = Number(acknowledged);
    if (reached < this.replicas) {
      throw new Error(`stock write on ${keys[0]} reached ${reached} of ${this.replicas} replicas`);
    }
    return (reply as unknown[]).map((part) => String(part));
  }

  async reserve(sku: string, holdId: string, quantity: number): Promise<ReserveOutcome> {
    const [state = '', ...rest] = await this.run(
      reserveScript,
      [stockKey(sku), holdKey(sku, holdId), openHoldsKey(sku)],
      [quantity, holdId],
    );
    if (state === 'held') return { kind: 'held', allocations: pairs(rest) };
    if (state === 'insufficient') return { kind: 'insufficient', available: Number(rest[0] ?? 0) };
    return { kind: 'ended', state, allocations: pairs(rest) };
  }

  async release(sku: string, holdId: string): Promise<ReleaseOutcome> {
    const [state = '', ...rest] = await this.run(
      releaseScript,
      [stockKey(sku), holdKey(sku, holdId), openHoldsKey(sku)],
      [tombstoneSeconds, holdId],
    );
    if (state === 'absent') return { kind: 'absent' };
    if (state === 'released' || state === 'already_released') {
      return { kind: 'released', allocations: pairs(rest), repeat: state === 'already_released' };
    }
    return { kind: 'unchanged', state };
  }

  async commit(sku: string, holdId: string): Promise<CommitOutcome> {
    const [state = '', ...rest] = await this.run(
      commitScript,
      [stockKey(sku), holdKey(sku, holdId), openHoldsKey(sku)],
      [tombstoneSeconds, holdId],
    );
    return state === 'committed'
      ? { kind: 'committed', allocations: pairs(rest) }
      : { kind: 'unchanged', state: rest[0] ?? state };
  }

  async adjust(sku: string, warehouseId: string, delta: number, adjustmentKey: string): Promise<boolean> {
    const [state] = await this.run(
      adjustScript,
      [stockKey(sku), `adjust:{${sku}}:${adjustmentKey}`],
      [warehouseId, delta, tombstoneSeconds],
    );
    return state === 'applied';
  }

  /** Returns the delta applied (or applied before, for a repeated key), for the ledger to record. */
  async setAvailable(
    sku: string,
    warehouseId: string,
    target: number,
    adjustmentKey: string,
  ): Promise<number> {
    const [, delta] = await this.run(
      setAvailableScript,
      [stockKey(sku), `adjust:{${sku}}:${adjustmentKey}`],
      [warehouseId, target, tombstoneSeconds],
    );
    return Number(delta);
  }

  /** Available units per warehouse; a missing key means "not loaded", which callers treat as none. */
  async available(sku: string): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(stockKey(sku));
    return Object.fromEntries(Object.entries(raw).map(([warehouse, count]) => [warehouse, Number(count)]));
  }

  /**
   * Units Redis counts as held by open holds, per warehouse. Read key by key, so a hold moving meanwhile can
   * make one reading wrong for a moment; reconciliation acts only on what it sees twice.
   */
  async openHolds(sku: string): Promise<{ holds: number; units: Record<string, number> }> {
    const ids = await this.redis.smembers(openHoldsKey(sku));
    const units: Record<string, number> = {};
    let holds = 0;
    for (const holdId of ids) {
      const hold = await this.redis.hgetall(holdKey(sku, holdId));
      if (hold._state !== 'held') continue;
      holds += 1;
      for (const [warehouseId, quantity] of Object.entries(hold)) {
        if (warehouseId !== '_state') units[warehouseId] = (units[warehouseId] ?? 0) + Number(quantity);
      }
    }
    return { holds, units };
  }

  async totalAvailable(skus: string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    await Promise.all(
      skus.map(async (sku) => {
        const perWarehouse = await this.available(sku);
        result.set(
          sku,
          Object.values(perWarehouse).reduce((total, count) => total + Math.max(0, count), 0),
        );
      }),
    );
    return result;
  }

  /**
   * Replaces one SKU's counters with values rebuilt from the ledger, but only if they still hold what the
   * caller saw: a reservation landing in between makes this a no-op rather than a lost hold.
   */
  async replaceIfUnchanged(
    sku: string,
    seen: Record<string, number>,
    rebuilt: Record<string, number>,
  ): Promise<boolean> {
    const flat = (values: Record<string, number>) =>
      Object.entries(values).flatMap(([w, n]) => [w, String(n)]);
    const seenFlat = flat(seen);
    const [state] = await this.run(
      replaceIfUnchangedScript,
      [stockKey(sku)],
      [String(seenFlat.length), ...seenFlat, ...flat(rebuilt)],
    );
    return state === 'replaced';
  }
}
