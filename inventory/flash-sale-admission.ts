import type { StockLedgerEntry } from './documents';
import type { Ticket } from '../domain/flash-sale';
import type { FlashSaleQueue } from '../integrations/flash-sale-queue';
import { stockKey } from '../integrations/stock-counters';
import { releaseLines } from './stock-holds';
import { appendLedger, ledgerEntries } from './stock-ledger';
import type { StockMoveDeps } from './stock-moves';

// One beat of a flash sale's admission: the line in Redis, the holds through the same reserve script every
// order uses. The sale's workflow drives the beats through activities (activities/flash-sales.ts).

export interface FlashSaleTick {
  held: number;
  expired: number;
  waiting: number;
  openHolds: number;
  soldOut: boolean;
}

/** Gives expired holds' units back; the ticket stays "expired" until its hold is surely released. */
async function sweepExpired(deps: StockMoveDeps, queue: FlashSaleQueue, sku: string): Promise<number> {
  let expired = 0;
  for (const ticket of await queue.dueExpiries(sku, 500)) {
    const { release, due } = await queue.expire(sku, ticket);
    if (release) {
      await releaseLines(deps, release, [sku]);
      expired += 1;
    }
    if (due) await queue.forgetExpiry(sku, ticket);
  }
  return expired;
}

/**
 * Serves the line in order: each buyer's hold is taken by the same reserve script every order uses, under
 * the id of the order it will become, so checkout finds the units already held. Stops at the first buyer
 * the shelf cannot serve; that buyer stays first in line in case a hold expires.
 */
async function admit(
  deps: StockMoveDeps,
  queue: FlashSaleQueue,
  input: { sku: string; count: number; holdSeconds: number },
): Promise<number> {
  const { sku } = input;
  const held: Ticket[] = [];
  const entries: StockLedgerEntry[] = [];
  for (const ticket of await queue.nextWaiting(sku, input.count)) {
    if (ticket.state !== 'waiting') {
      await queue.passOver(sku, ticket);
      continue;
    }
    const outcome = await deps.counters.reserve(sku, ticket.orderId, ticket.quantity);
    if (outcome.kind === 'insufficient') break;
    if (outcome.kind === 'ended' && outcome.state !== 'held') {
      await queue.passOver(sku, ticket);
      continue;
    }
    held.push(ticket);
    entries.push(...ledgerEntries('reserve', ticket.orderId, sku, outcome.allocations, deps.now()));
  }
  // The ledger before the line moves on: a crash in between retries into the same holds, never new ones.
  await appendLedger(deps.collections, entries);
  await Promise.all(held.map((ticket) => queue.markHeld(sku, ticket, input.holdSeconds)));
  // Search is a projection: a missed notice is repaired by the indexer's reconcile, never fails a hold.
  if (held.length > 0 && deps.onStockChanged) {
    await deps.onStockChanged([sku]).catch(() => undefined);
  }
  return held.length;
}

/** One beat of a flash sale: release expired holds, admit the next buyers, and say if it is sold out. */
export async function flashSaleBeat(
  deps: StockMoveDeps,
  queue: FlashSaleQueue,
  input: { sku: string; admit: number; holdSeconds: number },
): Promise<FlashSaleTick> {
  const expired = await sweepExpired(deps, queue, input.sku);
  const held = await admit(deps, queue, {
    sku: input.sku,
    count: input.admit,
    holdSeconds: input.holdSeconds,
  });
  const settled = await queue.settle(input.sku, stockKey(input.sku));
  const sale = await queue.sale(input.sku);
  return {
    held,
    expired,
    waiting: sale ? Math.max(0, sale.queued - sale.served) : 0,
    openHolds: settled.openHolds,
    soldOut: settled.soldOut,
  };
}
