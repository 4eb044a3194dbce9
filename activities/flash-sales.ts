import { ApplicationFailure, Context } from '@temporalio/activity';
import { admissionsDue, type Ticket } from '../domain/flash-sale';
import type { Collections } from '../integrations/collections';
import type { StockLedgerEntry } from '../inventory/documents';
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

export interface FlashSaleAdmissions extends FlashSaleTick {
  /** The admission pace's fraction owed, handed to the next run so the pace carries across runs. */
  carried: number;
  /** The sale's start was moved into the future: the workflow waits for it again. */
  paused: boolean;
  beats: number;
}

/** The admission beat: fair (first in line, first held) and paced, inside one long-running activity. */
export const admissionBeatMs = 250;
/** With nobody waiting and no hold open, a slower beat: only a hold's expiry or a new buyer can change. */
export const idleAdmissionBeatMs = 2000;

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

  /** One beat of a flash sale: release expired holds, admit the next buyers, and say if it is sold out. */
  async function runFlashSaleTick(input: {
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
  }

  return {
    runFlashSaleTick,

    /**
     * Beats inside one activity, so the sale's workflow history grows by what happened, not by time: every
     * beat (250 ms, 2 s while nobody waits and no hold is open) gives expired holds back and admits the
     * next buyers at the pace, reading the terms ops set in Redis each time. It returns when it has
     * something to report (admissions or expiries, at most every `reportAfterMs`), when the sale sold out
     * or its start moved, or after `returnAfterMs` of nothing. Each beat heartbeats: a lost worker is
     * noticed within the heartbeat timeout and another carries on from Redis, where every beat's effect is
     * already recorded (a beat repeated admits no one twice).
     */
    async admitFlashSaleBuyers(input: {
      sku: string;
      carried: number;
      reportAfterMs: number;
      returnAfterMs: number;
    }): Promise<FlashSaleAdmissions> {
      const context = Context.current();
      const started = Date.now();
      let last = started - admissionBeatMs;
      let carried = input.carried;
      const report: FlashSaleAdmissions = {
        held: 0,
        expired: 0,
        waiting: 0,
        openHolds: 0,
        soldOut: false,
        carried,
        paused: false,
        beats: 0,
      };
      for (;;) {
        const sale = await queue.sale(input.sku);
        if (sale && sale.startsAtMs > Date.now()) return { ...report, paused: true };
        if (!sale) {
          // The line is gone from Redis (lost, or not flagged yet): nothing to admit; look again later.
          context.heartbeat({ held: report.held, expired: report.expired });
          if (Date.now() - started >= input.returnAfterMs) return report;
          await context.sleep(idleAdmissionBeatMs);
          continue;
        }
        const due = admissionsDue(sale.admitPerSecond, Date.now() - last, carried);
        last = Date.now();
        carried = due.carried;
        const tick = await runFlashSaleTick({
          sku: input.sku,
          admit: due.admit,
          holdSeconds: sale.terms.holdSeconds,
        });
        Object.assign(report, {
          held: report.held + tick.held,
          expired: report.expired + tick.expired,
          waiting: tick.waiting,
          openHolds: tick.openHolds,
          soldOut: tick.soldOut,
          carried,
          beats: report.beats + 1,
        });
        context.heartbeat({ held: report.held, expired: report.expired });
        if (tick.soldOut) return report;
        const elapsed = Date.now() - started;
        if (report.held + report.expired > 0 && elapsed >= input.reportAfterMs) return report;
        if (elapsed >= input.returnAfterMs) return report;
        // Rejects when the workflow cancels this run (the sale ended, the worker shuts down).
        await context.sleep(
          tick.waiting === 0 && tick.openHolds === 0 ? idleAdmissionBeatMs : admissionBeatMs,
        );
      }
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
