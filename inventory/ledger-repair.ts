import { appendLedger, claimHoldOutcome, ledgerBalances, ledgerEntries } from './stock-ledger';
import { holdOutcomeOf, type HoldOutcome } from '../domain/hold-outcome';
import type { Collections } from '../integrations/collections';
import type { StockLedgerEntry } from './documents';
import type { StockCounters } from '../integrations/stock-counters';

export interface HoldRepair {
  sku: string;
  holdId: string;
  /** What the order's final state says; undefined when the order is still under way or unknown. */
  outcome?: HoldOutcome;
  why: string;
  /** Ledger entries appended (or, on a dry run, that would be). */
  entries: number;
}

export interface LedgerRepairReport {
  apply: boolean;
  holdsChecked: number;
  repairs: HoldRepair[];
  /** SKUs whose Redis counters were set to the repaired ledger (only with syncRedis). */
  redisSynced: string[];
}

/**
 * Finds holds that reserved stock and never recorded how they ended, decides each from its order's final
 * state, and appends the missing release or commit entries. It never edits or deletes an entry; a dry run
 * (the default) only reports. The outcome is claimed as any live release or commit would, so a repair
 * racing a workflow still ends each hold one way.
 */
export async function repairStockLedger(
  deps: { collections: Collections; counters: StockCounters; now: () => Date },
  options: { apply: boolean; skus?: string[]; syncRedis?: boolean },
): Promise<LedgerRepairReport> {
  const { collections, now } = deps;
  const skus = options.skus ?? (await collections.stockLedger.distinct('sku'));
  const report: LedgerRepairReport = { apply: options.apply, holdsChecked: 0, repairs: [], redisSynced: [] };
  for (const sku of skus) {
    const entries = (await collections.stockLedger.find({ sku }).toArray()).filter(
      (e) => e.kind !== 'adjust',
    );
    const byHold = new Map<string, StockLedgerEntry[]>();
    for (const e of entries) if (e.holdId) byHold.set(e.holdId, [...(byHold.get(e.holdId) ?? []), e]);
    let changed = false;
    for (const [holdId, holdEntries] of byHold) {
      report.holdsChecked += 1;
      if (holdEntries.some((e) => e.kind !== 'reserve')) continue;
      const repair = await decide(collections, sku, holdId);
      const reserved = holdEntries.map((e) => ({ warehouseId: e.warehouseId, quantity: -e.delta }));
      const missing = repair.outcome
        ? ledgerEntries(repair.outcome === 'released' ? 'release' : 'commit', holdId, sku, reserved, now())
        : [];
      if (options.apply && repair.outcome) {
        const decided = await claimHoldOutcome(collections, holdId, sku, repair.outcome, now());
        const kind = decided === 'released' ? 'release' : 'commit';
        await appendLedger(collections, ledgerEntries(kind, holdId, sku, reserved, now()));
        changed = true;
        repair.outcome = decided;
      }
      report.repairs.push({ ...repair, entries: missing.length });
    }
    if (options.apply && options.syncRedis && changed && (await syncRedis(deps, sku))) {
      report.redisSynced.push(sku);
    }
  }
  return report;
}

async function decide(
  collections: Collections,
  sku: string,
  holdId: string,
): Promise<Omit<HoldRepair, 'entries'>> {
  const claimed = await collections.stockHoldOutcomes.findOne({ _id: `${holdId}:${sku}` });
  if (claimed)
    return { sku, holdId, outcome: claimed.outcome, why: `outcome already claimed: ${claimed.outcome}` };
  const order = await collections.orders.findOne({ _id: holdId });
  if (!order) return { sku, holdId, why: 'no order with this id (left as it is)' };
  const seller = await collections.skus.findOne({ _id: sku });
  const subOrder = seller
    ? await collections.subOrders.findOne({ orderId: holdId, sellerId: seller.sellerId })
    : null;
  const outcome = holdOutcomeOf({
    status: order.status,
    ...(subOrder ? { subOrderStatus: subOrder.status } : {}),
  });
  const why = `order ${order.status}${subOrder ? `, sub-order ${subOrder.status}` : ''}`;
  return outcome ? { sku, holdId, outcome, why } : { sku, holdId, why: `${why} (still under way)` };
}

/** Sets Redis to the repaired ledger, unless a stock move lands meanwhile (then the next run sees it). */
async function syncRedis(
  deps: { collections: Collections; counters: StockCounters },
  sku: string,
): Promise<boolean> {
  const ledger = (await ledgerBalances(deps.collections, [sku])).get(sku) ?? {};
  if (Object.values(ledger).some((n) => n < 0)) return false;
  const current = await deps.counters.available(sku);
  return deps.counters.replaceIfUnchanged(sku, current, ledger);
}
