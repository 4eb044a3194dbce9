import { ApplicationFailure, Context } from '@temporalio/activity';
import { admissionsDue } from '../domain/flash-sale';
import { FlashSaleQueue } from '../integrations/flash-sale-queue';
import type { RedisClient } from '../integrations/redis';
import { flashSaleBeat, type FlashSaleTick } from '../inventory/flash-sale-admission';
import type { StockMoveDeps } from '../inventory/stock-moves';
import { warnFromActivity } from './activity-log';

export type { FlashSaleTick } from '../inventory/flash-sale-admission';

export interface FlashSaleDeps extends Omit<StockMoveDeps, 'warn'> {
  redis: RedisClient;
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
  const moves: StockMoveDeps = { ...deps, warn: warnFromActivity };

  /** One beat of a flash sale: release expired holds, admit the next buyers, and say if it is sold out. */
  function runFlashSaleTick(input: {
    sku: string;
    admit: number;
    holdSeconds: number;
  }): Promise<FlashSaleTick> {
    return flashSaleBeat(moves, queue, input);
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
