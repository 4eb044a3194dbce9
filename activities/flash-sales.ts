import { ApplicationFailure } from '@temporalio/activity';
import type { Ticket } from '../domain/flash-sale';
import type { Collections, StockLedgerEntry } from '../integrations/collections';
import { FlashSaleQueue } from '../integrations/flash-sale-queue';
import type { RedisClient } from '../integrations/redis';
import { stockKey, type StockCounters } from '../integrations/stock-counters';
import { createInventoryActivities } from './inventory';
import { appendLedger, ledgerEntries } from './stock-ledger';

export interface FlashSaleDeps {
  counters: StockCounters;
  collections: Collections;
  redis: RedisClient;
  now: () => Date;
  onStockChanged?: (skus: string[]) => Promise<void>;
}

export interface FlashSaleTick {
  held: number;
  expired: number;
  waiting: number;
  openHolds: number;
  soldOut: boolean;
}

export function createFlashSaleActivities(deps: FlashSaleDeps) {
  const queue = new FlashSaleQueue(deps.redis);
  const inventory = createInventoryActivities(deps);

  /** Gives expired holds' units back; the ticket stays "expired" until its hold is surely released. */
  async function sweepExpired(sku: string): Promise<number> {
    let expired = 0;
    for (const ticket of await queue.dueExpiries(sku, 500)) {
      const { release, due } = await queue.expire(sku, ticket);
      if (release) {
        await inventory.releaseStock({ holdId: release, skus: [sku] });
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
  async function admit(sku: string, count: number, holdSeconds: number): Promise<number> {
    const held: Ticket[] = [];
    const entries: StockLedgerEntry[] = [];
    for (const ticket of await queue.nextWaiting(sku, count)) {
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
    await Promise.all(held.map((ticket) => queue.markHeld(sku, ticket, holdSeconds)));
    // Search is a projection: a missed notice is repaired by the indexer's reconcile, never fails a hold.
    if (held.length > 0 && deps.onStockChanged) {
      await deps.onStockChanged([sku]).catch(() => undefined);
    }
    return held.length;
  }

  return {
    /** One beat of a flash sale: release expired holds, admit the next buyers, and say if it is sold out. */
    async runFlashSaleTick(input: {
      sku: string;
      admit: number;
      holdSeconds: number;
    }): Promise<FlashSaleTick> {
      const expired = await sweepExpired(input.sku);
      const held = await admit(input.sku, input.admit, input.holdSeconds);
      const settled = await queue.settle(input.sku, stockKey(input.sku));
      const sale = await queue.sale(input.sku);
      return {
        held,
        expired,
        waiting: sale ? Math.max(0, sale.queued - sale.served) : 0,
        openHolds: settled.openHolds,
        soldOut: settled.soldOut,
      };
    },

    /**
     * The order's reserve step honours a flash-sale hold by taking it over here, atomically against the
     * expiry sweep: exactly one of them wins, so a hold is either ordered or given back, never both.
     */
    async claimFlashSaleHold(input: { sku: string; ticket: string; orderId: string }): Promise<void> {
      const outcome = await queue.claim(input.sku, input.ticket, input.orderId);
      if (outcome.kind === 'refused') {
        throw ApplicationFailure.nonRetryable(
          `The flash-sale hold for ${input.sku} is ${outcome.state}; it can no longer be checked out`,
          'FlashSaleHoldEnded',
          { sku: input.sku, state: outcome.state },
        );
      }
    },
  };
}
