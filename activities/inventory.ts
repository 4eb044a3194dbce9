import { ApplicationFailure } from '@temporalio/activity';
import { warnFromActivity } from './activity-log';
import type { RequestedLine } from '../domain/order-lines';
import type { Collections } from '../integrations/collections';
import type { Allocation, StockCounters } from '../integrations/stock-counters';
import { adjustmentEntry, appendLedger, claimHoldOutcome, ledgerEntries, ledgerHold } from './stock-ledger';

export interface HeldLine {
  sku: string;
  allocations: Allocation[];
}

export interface InventoryDeps {
  counters: StockCounters;
  collections: Collections;
  now: () => Date;
  /** Tells search that these SKUs' availability moved (the search indexer re-indexes their products). */
  onStockChanged?: (skus: string[]) => Promise<void>;
}

export function createInventoryActivities({ counters, collections, now, onStockChanged }: InventoryDeps) {
  /** Search is a projection: a failed notice must not fail a stock move; the indexer's reconcile repairs it. */
  async function stockChanged(skus: string[]): Promise<void> {
    if (!onStockChanged || skus.length === 0) return;
    await onStockChanged(skus).catch((error: unknown) => {
      warnFromActivity('stock change not published to search', {
        skus,
        error: error instanceof Error ? error.message : String(error),
      });
    });
  }

  /**
   * Gives a hold's units back, once, whoever asks and however often. The outcome is claimed in the database
   * first (a hold already sold is not released); Redis then moves the counters if this is the first release,
   * and the ledger entries are written by every caller, so a retry after a crash or a failed write still
   * records the release that an earlier attempt made in Redis.
   */
  async function releaseHold(holdId: string, sku: string): Promise<void> {
    if ((await claimHoldOutcome(collections, holdId, sku, 'released', now())) !== 'released') return;
    const outcome = await counters.release(sku, holdId);
    if (outcome.kind === 'unchanged') {
      // Redis says committed: only a sale decided before outcomes were claimed can get here; it stands.
      warnFromActivity('release skipped: Redis says the hold ended otherwise', {
        holdId,
        sku,
        state: outcome.state,
      });
      return;
    }
    let reserved: Allocation[];
    if (outcome.kind === 'released') {
      reserved = outcome.allocations;
    } else {
      // Redis has no record of the hold: lost (flushed, restarted without its data) or never reserved. The
      // ledger decides: units it still counts as held go back, by a restore key that adds nothing twice;
      // units it already released were counted back when Redis was rebuilt from it.
      const hold = await ledgerHold(collections, holdId, sku);
      if (hold.state !== 'held') return;
      reserved = hold.reserved;
      for (const { warehouseId, quantity } of reserved) {
        await counters.adjust(sku, warehouseId, quantity, `restore:${holdId}:${warehouseId}`);
      }
    }
    const at = now();
    await appendLedger(collections, [
      ...ledgerEntries('reserve', holdId, sku, reserved, at),
      ...ledgerEntries('release', holdId, sku, reserved, at),
    ]);
  }

  async function releaseLines(holdId: string, skus: string[]): Promise<void> {
    for (const sku of skus) await releaseHold(holdId, sku);
    await stockChanged(skus);
  }

  /** Turns a hold into a sale, once; a hold already released cannot be sold. */
  async function commitHold(holdId: string, sku: string): Promise<void> {
    const decided = await claimHoldOutcome(collections, holdId, sku, 'committed', now());
    if (decided !== 'committed') {
      throw ApplicationFailure.nonRetryable(`Hold ${holdId} on ${sku} is ${decided}`, 'HoldEnded');
    }
    const outcome = await counters.commit(sku, holdId);
    let reserved: Allocation[];
    if (outcome.kind === 'committed') {
      reserved = outcome.allocations;
    } else {
      // Redis may have lost the hold while the ledger still has it: the sale stands by the ledger.
      const hold = await ledgerHold(collections, holdId, sku);
      if (outcome.state !== 'none' || hold.reserved.length === 0) {
        throw ApplicationFailure.nonRetryable(`Hold ${holdId} on ${sku} is ${outcome.state}`, 'HoldEnded');
      }
      reserved = hold.reserved;
    }
    const at = now();
    await appendLedger(collections, [
      ...ledgerEntries('reserve', holdId, sku, reserved, at),
      ...ledgerEntries('commit', holdId, sku, reserved, at),
    ]);
  }

  return {
    /**
     * Holds every line or none. Each SKU is reserved by one atomic Redis script; if a later line is short,
     * the lines already held by this call are released before the failure is reported.
     */
    async reserveStock(input: { holdId: string; lines: RequestedLine[] }): Promise<HeldLine[]> {
      const held: HeldLine[] = [];
      for (const line of input.lines) {
        const outcome = await counters.reserve(line.sku, input.holdId, line.quantity);
        if (outcome.kind === 'held') {
          held.push({ sku: line.sku, allocations: outcome.allocations });
          continue;
        }
        if (outcome.kind === 'ended' && outcome.state === 'held') {
          held.push({ sku: line.sku, allocations: outcome.allocations });
          continue;
        }
        await releaseLines(
          input.holdId,
          held.map((h) => h.sku),
        );
        if (outcome.kind === 'insufficient') {
          throw ApplicationFailure.nonRetryable(
            `Only ${outcome.available} of ${line.sku} available, ${line.quantity} requested`,
            'OutOfStock',
            { sku: line.sku, requested: line.quantity, available: outcome.available },
          );
        }
        throw ApplicationFailure.nonRetryable(
          `Hold ${input.holdId} was already ${outcome.state}`,
          'HoldEnded',
          {
            sku: line.sku,
            state: outcome.state,
          },
        );
      }
      const at = now();
      await appendLedger(
        collections,
        held.flatMap((h) => ledgerEntries('reserve', input.holdId, h.sku, h.allocations, at)),
      );
      await stockChanged(held.map((h) => h.sku));
      return held;
    },

    /** Receives or writes off units in one warehouse; the adjustment key makes a retry a no-op. */
    async adjustStock(input: {
      sku: string;
      warehouseId: string;
      delta: number;
      adjustmentKey: string;
    }): Promise<void> {
      await counters.adjust(input.sku, input.warehouseId, input.delta, input.adjustmentKey);
      // Written whether or not Redis saw the key before: a crash between the two must not lose the entry.
      await appendLedger(collections, [
        adjustmentEntry(input.adjustmentKey, input.sku, input.warehouseId, input.delta, now()),
      ]);
      await stockChanged([input.sku]);
    },

    /** Sets a warehouse's available units; the ledger records the difference, so history stays additive. */
    async setAvailableStock(input: {
      sku: string;
      warehouseId: string;
      available: number;
      adjustmentKey: string;
    }): Promise<{ delta: number }> {
      const delta = await counters.setAvailable(
        input.sku,
        input.warehouseId,
        input.available,
        input.adjustmentKey,
      );
      await appendLedger(collections, [
        adjustmentEntry(input.adjustmentKey, input.sku, input.warehouseId, delta, now()),
      ]);
      await stockChanged([input.sku]);
      return { delta };
    },

    async releaseStock(input: { holdId: string; skus: string[] }): Promise<void> {
      await releaseLines(input.holdId, input.skus);
    },

    /** Turns a hold into a sale: the units stay out of available stock and the hold can no longer expire. */
    async commitStock(input: { holdId: string; skus: string[] }): Promise<void> {
      for (const sku of input.skus) await commitHold(input.holdId, sku);
    },
  };
}
