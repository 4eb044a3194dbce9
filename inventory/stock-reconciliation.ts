import type { Collections } from '../integrations/collections';
import type { StockDiscrepancyDoc } from './documents';
import type { RedisClient } from '../integrations/redis';
import type { StockCounters } from '../integrations/stock-counters';
import { warningOf, type StockWarning } from './stock-moves';
import { ledgerOpenHolds } from './stock-ledger';
import { pacedLedgerBalances } from './stock-ledger-scan';

export interface StockDrift {
  sku: string;
  redis: Record<string, number>;
  ledger: Record<string, number>;
  repaired: boolean;
  reason: 'missing' | 'persistent' | 'transient';
  /** Why a drift was not repaired though seen twice: the ledger itself looks wrong, so a person decides. */
  refused?: StockDiscrepancyDoc['reason'];
}

export interface ReconciliationReport {
  skusChecked: number;
  drifts: StockDrift[];
  at: string;
}

export interface StockReconciliationDeps {
  collections: Collections;
  counters: StockCounters;
  redis: RedisClient;
  now: () => Date;
  /** Tells ops of a discrepancy the first time it is recorded (an email to ops through the outbox). */
  onDiscrepancy?: (discrepancy: StockDiscrepancyDoc) => Promise<void>;
  warn?: StockWarning;
}

type Side = StockDiscrepancyDoc['ledger'];

function same(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

/**
 * Compares Redis counters with the stock ledger. A counter Redis lost is rebuilt at once. Any other
 * difference is only repaired when it is seen unchanged on two runs in a row, because a reservation in
 * flight (Redis already counted it, the ledger not yet) looks like drift for a moment and must not be
 * "repaired" into an oversell.
 *
 * Reconciliation never makes things worse: it does not copy a negative figure into Redis, nor one from a
 * ledger whose open holds disagree with the holds Redis has open (the ledger then misses a release or a
 * reservation, and copying it would strand or oversell stock). Such a SKU is recorded as a discrepancy for
 * ops (GET /ops/stock/discrepancies, and an email the first time) and left as it is.
 */
export function stockReconciliation(deps: StockReconciliationDeps) {
  const { collections, counters, redis, now } = deps;

  /** Why the ledger's figure must not be written into Redis, if it must not. */
  async function refusal(
    sku: string,
    ledger: Record<string, number>,
    redisLost: boolean,
  ): Promise<{ reason?: StockDiscrepancyDoc['reason']; held: Side[] }> {
    const ledgerHeld = await ledgerOpenHolds(collections, sku);
    // A Redis that lost its counters lost its holds too: the ledger's open holds are all there is to see.
    const redisHeld = redisLost ? ledgerHeld : await counters.openHolds(sku);
    const held = [
      { available: ledger, heldUnits: ledgerHeld.units },
      { available: {}, heldUnits: redisHeld.units },
    ];
    if (Object.values(ledger).some((n) => n < 0)) return { reason: 'negative-ledger', held };
    if (!same(ledgerHeld.units, redisHeld.units)) return { reason: 'open-holds-disagree', held };
    return { held };
  }

  async function recordDiscrepancy(
    sku: string,
    reason: StockDiscrepancyDoc['reason'],
    redisAvailable: Record<string, number>,
    held: Side[],
  ): Promise<void> {
    const at = now();
    const [ledgerSide, redisSide] = held;
    const figures = {
      reason,
      ledger: ledgerSide ?? { available: {}, heldUnits: {} },
      redis: { available: redisAvailable, heldUnits: redisSide?.heldUnits ?? {} },
      lastSeenAt: at,
    };
    const open = await collections.stockDiscrepancies.findOne({ _id: sku });
    if (open && !open.resolvedAt) {
      // Reconciliation is the only writer of these records (one run at a time), so a plain update is safe.
      await collections.stockDiscrepancies.updateOne({ _id: sku }, { $set: figures, $inc: { sightings: 1 } });
      return;
    }
    const discrepancy: StockDiscrepancyDoc = { _id: sku, sku, ...figures, firstSeenAt: at, sightings: 1 };
    await collections.stockDiscrepancies.replaceOne({ _id: sku }, discrepancy, { upsert: true });
    await deps.onDiscrepancy?.(discrepancy).catch((error: unknown) => {
      warningOf(deps)('stock discrepancy not sent to ops', {
        sku,
        error: error instanceof Error ? error.message : String(error),
      });
    });
  }

  async function resolveDiscrepancy(sku: string): Promise<void> {
    await collections.stockDiscrepancies.updateOne({ _id: sku }, { $set: { resolvedAt: now() } });
  }

  return {
    /** One run over every SKU the ledger knows; the report is stored for ops and returned. */
    async reconcileStock(): Promise<ReconciliationReport> {
      const balances = await pacedLedgerBalances(collections);
      // Open discrepancies are few: read them once, not one look-up per agreeing SKU.
      const open = new Set(
        (
          await collections.stockDiscrepancies
            .find({ resolvedAt: { $exists: false } }, { projection: { _id: 1 } })
            .toArray()
        ).map((d) => d._id),
      );
      const drifts: StockDrift[] = [];
      for (const [sku, ledger] of balances) {
        const current = await counters.available(sku);
        const suspectKey = `reconcile:suspect:{${sku}}`;
        if (same(current, ledger)) {
          await redis.del(suspectKey);
          if (open.has(sku)) await resolveDiscrepancy(sku);
          continue;
        }
        const observed = JSON.stringify({ redis: current, ledger });
        let reason: StockDrift['reason'] = 'transient';
        if (Object.keys(current).length === 0) reason = 'missing';
        else if ((await redis.get(suspectKey)) === observed) reason = 'persistent';
        let refused: StockDrift['refused'];
        let repaired = false;
        if (reason !== 'transient') {
          const check = await refusal(sku, ledger, reason === 'missing');
          refused = check.reason;
          if (refused) await recordDiscrepancy(sku, refused, current, check.held);
          else repaired = await counters.replaceIfUnchanged(sku, current, ledger);
        }
        if (repaired) await redis.del(suspectKey);
        else await redis.set(suspectKey, observed, 'EX', 24 * 3600);
        drifts.push({ sku, redis: current, ledger, repaired, reason, ...(refused ? { refused } : {}) });
      }
      const report = { skusChecked: balances.size, drifts, at: now().toISOString() };
      await collections.stockReconciliations.insertOne({ ...report, _id: report.at });
      return report;
    },
  };
}
