import type { FlashSaleTerms, LineProgress, Ticket, TicketState } from '../domain/flash-sale';
import type { RedisClient } from './redis';
import { openHoldsKey, stockKey, unitsOnShelfLua } from './stock-counters';

// The waiting room lives in Redis next to the SKU's stock counters: every key carries the {sku} hash tag,
// so a script can read the stock hash and the line together on one Cluster slot. Each state change is one
// script (check and write in one step), so any number of API processes can serve the same line. Scripts
// read the clock from Redis (TIME), so every process and the worker agree on when a hold expires.

const nowMs = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * No unit is left for a place when the shelf is empty and the places ahead of it (not yet served) are at
 * least as many as the open holds: each open hold that lapses goes to the first place still waiting, so
 * those places are the only ones a unit can still reach. A unit that comes back later (a failed payment, a
 * restock) goes to whoever is still waiting or joins next.
 */
const noUnitLeft = `
local function noUnitLeft(saleKey, shelf, ahead)
  return shelf == 0 and ahead >= tonumber(redis.call('HGET', saleKey, 'openHolds') or '0')
end`;

const flagScript = `
redis.call('HSET', KEYS[1], 'startsAt', ARGV[1], 'admitPerSecond', ARGV[2], 'perBuyerLimit', ARGV[3],
  'holdSeconds', ARGV[4], 'soldOut', '0')
redis.call('HSETNX', KEYS[1], 'served', '0')
redis.call('HSETNX', KEYS[1], 'queued', '0')
redis.call('HSETNX', KEYS[1], 'openHolds', '0')
redis.call('HSETNX', KEYS[1], 'holds', '0')
return 'ok'
`;

/**
 * One place per buyer per sale, and never more units than the per-buyer limit: checked and taken at once.
 * A buyer who arrives when no unit is left for a new place is told so at the door and takes no place.
 * KEYS: sale, buyer, ticket, line, stock. A new place answers with the sale and the shelf as well, so the
 * join is one round trip.
 */
const joinScript = `
${unitsOnShelfLua}
${noUnitLeft}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'no_sale'} end
local existing = redis.call('GET', KEYS[2])
if existing then return {'existing', existing} end
local limit = tonumber(redis.call('HGET', KEYS[1], 'perBuyerLimit'))
if tonumber(ARGV[3]) > limit then return {'over_limit', tostring(limit)} end
if redis.call('HGET', KEYS[1], 'soldOut') == '1' then return {'sold_out'} end
local shelf = unitsOnShelf(KEYS[5])
local waiting = tonumber(redis.call('HGET', KEYS[1], 'queued') or '0') - tonumber(redis.call('HGET', KEYS[1], 'served') or '0')
if noUnitLeft(KEYS[1], shelf, waiting) then return {'sold_out'} end
local position = redis.call('RPUSH', KEYS[4], ARGV[2])
redis.call('HINCRBY', KEYS[1], 'queued', 1)
redis.call('HSET', KEYS[3], 'buyerId', ARGV[1], 'position', position, 'quantity', ARGV[3],
  'orderId', ARGV[4], 'state', 'waiting')
redis.call('SET', KEYS[2], ARGV[2])
return {'joined', ARGV[2], redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[3]), tostring(shelf)}
`;

/**
 * Where a ticket stands, in one round trip: the sale, the ticket and the shelf. A waiting place no unit
 * can reach any more is marked sold out here, atomically with that reading, so its buyer stops polling
 * and admission passes it over. A place whose units are already reserved (admission is between taking
 * its hold and marking it held) is left alone. KEYS: sale, ticket, stock, the SKU's open-holds set.
 */
const standingScript = `
${unitsOnShelfLua}
${noUnitLeft}
local shelf = unitsOnShelf(KEYS[3])
if redis.call('HGET', KEYS[2], 'state') == 'waiting' then
  local orderId = redis.call('HGET', KEYS[2], 'orderId')
  local ahead = tonumber(redis.call('HGET', KEYS[2], 'position')) - 1 - tonumber(redis.call('HGET', KEYS[1], 'served') or '0')
  if noUnitLeft(KEYS[1], shelf, ahead) and redis.call('SISMEMBER', KEYS[4], orderId) == 0 then
    redis.call('HSET', KEYS[2], 'state', 'sold_out')
  end
end
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]), tostring(shelf)}
`;

/** The sale and the shelf, read together. */
const saleScript = `
${unitsOnShelfLua}
return {redis.call('HGETALL', KEYS[1]), tostring(unitsOnShelf(KEYS[2]))}
`;

const markHeldScript = `
${nowMs}
local served = tonumber(redis.call('HGET', KEYS[1], 'served') or '0')
if tonumber(ARGV[1]) > served then redis.call('HSET', KEYS[1], 'served', ARGV[1]) end
local state = redis.call('HGET', KEYS[2], 'state')
-- A place told sold out while its units were coming back (rare) still takes the hold admission reserved
-- for it: the sweep gives the units back when it lapses, so nothing is held for no one.
if state ~= 'waiting' and state ~= 'sold_out' then return {state or 'none'} end
local expires = now + tonumber(ARGV[3]) * 1000
redis.call('HSET', KEYS[2], 'state', 'held', 'expiresAt', tostring(expires))
redis.call('ZADD', KEYS[3], expires, ARGV[2])
redis.call('HINCRBY', KEYS[1], 'openHolds', 1)
redis.call('HINCRBY', KEYS[1], 'holds', 1)
return {'held', tostring(expires)}
`;

/** A place whose hold can no longer be taken (its hold id was already ended) is passed over, not retried. */
const passOverScript = `
local served = tonumber(redis.call('HGET', KEYS[1], 'served') or '0')
if tonumber(ARGV[1]) > served then redis.call('HSET', KEYS[1], 'served', ARGV[1]) end
if redis.call('HGET', KEYS[2], 'state') == 'waiting' then redis.call('HSET', KEYS[2], 'state', 'expired') end
return 'ok'
`;

/** Expired stays expired, so a retried sweep still answers "release it" until the release has happened. */
const expireScript = `
${nowMs}
local state = redis.call('HGET', KEYS[2], 'state')
if state == 'held' then
  if tonumber(redis.call('HGET', KEYS[2], 'expiresAt')) > now then return {'not_due'} end
  redis.call('HSET', KEYS[2], 'state', 'expired')
  redis.call('HINCRBY', KEYS[1], 'openHolds', -1)
  state = 'expired'
end
if state == 'expired' then return {'expired', redis.call('HGET', KEYS[2], 'orderId')} end
return {state or 'none'}
`;

/** The order takes the hold over: from here its saga, not the sweep, decides whether the units come back. */
const claimScript = `
${nowMs}
local state = redis.call('HGET', KEYS[2], 'state')
if redis.call('HGET', KEYS[2], 'orderId') ~= ARGV[1] then return {'not_this_order'} end
if state == 'ordered' then return {'ordered'} end
if state ~= 'held' then return {state or 'none'} end
if tonumber(redis.call('HGET', KEYS[2], 'expiresAt')) <= now then return {'expired'} end
redis.call('HSET', KEYS[2], 'state', 'ordered')
redis.call('HINCRBY', KEYS[1], 'openHolds', -1)
redis.call('ZREM', KEYS[3], ARGV[2])
return {'ordered'}
`;

/** Sold out only when no unit is on the shelf and none is in a hold that could still come back. */
const settleScript = `
${unitsOnShelfLua}
local total = unitsOnShelf(KEYS[2])
local open = tonumber(redis.call('HGET', KEYS[1], 'openHolds') or '0')
local soldOut = (total == 0 and open == 0) and '1' or '0'
redis.call('HSET', KEYS[1], 'soldOut', soldOut)
return {soldOut, tostring(total), tostring(open)}
`;

export interface SaleSnapshot extends LineProgress {
  terms: FlashSaleTerms;
  queued: number;
  openHolds: number;
  holds: number;
}

/** A ticket and its sale as read together. */
export interface Standing {
  sku: string;
  sale: SaleSnapshot;
  ticket: Ticket;
}

export type JoinOutcome =
  | { kind: 'joined'; ticket: string; standing: Standing | undefined }
  | { kind: 'existing'; ticket: string }
  | { kind: 'no_sale' }
  | { kind: 'sold_out' }
  | { kind: 'over_limit'; limit: number };

export type ClaimOutcome = { kind: 'ordered' } | { kind: 'refused'; state: string };

function saleKey(sku: string): string {
  return `flash:{${sku}}:sale`;
}
function lineKey(sku: string): string {
  return `flash:{${sku}}:line`;
}
function ticketKey(sku: string, ticket: string): string {
  return `flash:{${sku}}:ticket:${ticket}`;
}
function buyerKey(sku: string, buyerId: string): string {
  return `flash:{${sku}}:buyer:${buyerId}`;
}
function expiriesKey(sku: string): string {
  return `flash:{${sku}}:expiries`;
}

/** A flat HGETALL reply as a record. */
function fieldsOf(reply: unknown): Record<string, string> {
  const flat = Array.isArray(reply) ? reply.map(String) : [];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] ?? ''] = flat[i + 1] ?? '';
  return out;
}

function saleOf(raw: Record<string, string>, onShelf: number): SaleSnapshot | undefined {
  if (!raw.startsAt) return undefined;
  const n = (field: string) => Number(raw[field] ?? 0);
  const terms: FlashSaleTerms = {
    startsAt: new Date(n('startsAt')).toISOString(),
    admitPerSecond: n('admitPerSecond'),
    perBuyerLimit: n('perBuyerLimit'),
    holdSeconds: n('holdSeconds'),
  };
  return {
    terms,
    served: n('served'),
    soldOut: raw.soldOut === '1',
    startsAtMs: n('startsAt'),
    admitPerSecond: terms.admitPerSecond,
    queued: n('queued'),
    openHolds: n('openHolds'),
    holds: n('holds'),
    onShelf,
  };
}

function ticketOf(ticket: string, raw: Record<string, string>): Ticket | undefined {
  if (!raw.state) return undefined;
  return {
    ticket,
    buyerId: raw.buyerId ?? '',
    position: Number(raw.position),
    quantity: Number(raw.quantity),
    orderId: raw.orderId ?? '',
    state: raw.state as TicketState,
    ...(raw.expiresAt ? { expiresAt: Number(raw.expiresAt) } : {}),
  };
}

function standingOf(sku: string, ticketId: string, reply: unknown[]): Standing | undefined {
  const [saleReply, ticketReply, shelf] = reply;
  const sale = saleOf(fieldsOf(saleReply), Number(shelf));
  const ticket = ticketOf(ticketId, fieldsOf(ticketReply));
  return sale && ticket ? { sku, sale, ticket } : undefined;
}

export class FlashSaleQueue {
  constructor(private readonly redis: RedisClient) {}

  private async run(script: string, keys: string[], args: (string | number)[]): Promise<string[]> {
    const reply: unknown = await this.redis.eval(script, keys.length, ...keys, ...args.map(String));
    return Array.isArray(reply) ? reply.map((part) => String(part)) : [String(reply)];
  }

  async flag(sku: string, terms: FlashSaleTerms): Promise<void> {
    await this.run(
      flagScript,
      [saleKey(sku)],
      [Date.parse(terms.startsAt), terms.admitPerSecond, terms.perBuyerLimit, terms.holdSeconds],
    );
  }

  async sale(sku: string): Promise<SaleSnapshot | undefined> {
    const reply = (await this.redis.eval(saleScript, 2, saleKey(sku), stockKey(sku))) as unknown[];
    return saleOf(fieldsOf(reply[0]), Number(reply[1]));
  }

  async join(
    sku: string,
    buyerId: string,
    proposed: { ticket: string; quantity: number; orderId: string },
  ): Promise<JoinOutcome> {
    const reply = (await this.redis.eval(
      joinScript,
      5,
      saleKey(sku),
      buyerKey(sku, buyerId),
      ticketKey(sku, proposed.ticket),
      lineKey(sku),
      stockKey(sku),
      buyerId,
      proposed.ticket,
      String(proposed.quantity),
      proposed.orderId,
    )) as unknown[];
    const [kind = '', detail = ''] = reply.slice(0, 2).map(String);
    if (kind === 'joined') return { kind, ticket: detail, standing: standingOf(sku, detail, reply.slice(2)) };
    if (kind === 'existing') return { kind, ticket: detail };
    if (kind === 'over_limit') return { kind, limit: Number(detail) };
    return kind === 'sold_out' ? { kind } : { kind: 'no_sale' };
  }

  /** A ticket with its sale; a waiting place no unit can reach any more is marked sold out on the way. */
  async standing(sku: string, ticket: string): Promise<Standing | undefined> {
    const reply = (await this.redis.eval(
      standingScript,
      4,
      saleKey(sku),
      ticketKey(sku, ticket),
      stockKey(sku),
      openHoldsKey(sku),
    )) as unknown[];
    return standingOf(sku, ticket, reply);
  }

  async ticket(sku: string, ticket: string): Promise<Ticket | undefined> {
    return ticketOf(ticket, await this.redis.hgetall(ticketKey(sku, ticket)));
  }

  /** The next places in line not yet served, in order; only the sale's own workflow serves them. */
  async nextWaiting(sku: string, count: number): Promise<Ticket[]> {
    if (count <= 0) return [];
    const served = Number((await this.redis.hget(saleKey(sku), 'served')) ?? 0);
    const ids = await this.redis.lrange(lineKey(sku), served, served + count - 1);
    const tickets = await Promise.all(ids.map((id) => this.ticket(sku, id)));
    return tickets.filter((t): t is Ticket => t !== undefined);
  }

  async markHeld(sku: string, ticket: Ticket, holdSeconds: number): Promise<void> {
    await this.run(
      markHeldScript,
      [saleKey(sku), ticketKey(sku, ticket.ticket), expiriesKey(sku)],
      [ticket.position, ticket.ticket, holdSeconds],
    );
  }

  async passOver(sku: string, ticket: Ticket): Promise<void> {
    await this.run(passOverScript, [saleKey(sku), ticketKey(sku, ticket.ticket)], [ticket.position]);
  }

  /** Tickets whose hold has run out by Redis' clock (the sweep confirms each one atomically). */
  async dueExpiries(sku: string, limit: number): Promise<string[]> {
    const [seconds, micros] = await this.redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    return this.redis.zrangebyscore(expiriesKey(sku), '-inf', now, 'LIMIT', 0, limit);
  }

  /** 'expired' with the hold's order id means "release that hold now"; anything else means leave it. */
  async expire(sku: string, ticket: string): Promise<{ release?: string; due: boolean }> {
    const [state = '', orderId] = await this.run(expireScript, [saleKey(sku), ticketKey(sku, ticket)], []);
    if (state === 'expired' && orderId) return { release: orderId, due: true };
    return { due: state !== 'not_due' };
  }

  async forgetExpiry(sku: string, ticket: string): Promise<void> {
    await this.redis.zrem(expiriesKey(sku), ticket);
  }

  async claim(sku: string, ticket: string, orderId: string): Promise<ClaimOutcome> {
    const [state = ''] = await this.run(
      claimScript,
      [saleKey(sku), ticketKey(sku, ticket), expiriesKey(sku)],
      [orderId, ticket],
    );
    return state === 'ordered' ? { kind: 'ordered' } : { kind: 'refused', state };
  }

  /** Marks the sale sold out (or not) from the stock counters and open holds, read together. */
  async settle(
    sku: string,
    stockKey: string,
  ): Promise<{ soldOut: boolean; available: number; openHolds: number }> {
    const [soldOut, available, open] = await this.run(settleScript, [saleKey(sku), stockKey], []);
    return { soldOut: soldOut === '1', available: Number(available), openHolds: Number(open) };
  }
}
