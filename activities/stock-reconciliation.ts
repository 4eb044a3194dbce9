import {
  stockReconciliation,
  type ReconciliationReport,
  type StockReconciliationDeps,
} from '../inventory/stock-reconciliation';
import { warnFromActivity } from './activity-log';

export type { ReconciliationReport, StockDrift } from '../inventory/stock-reconciliation';

/** The reconciliation of Redis with the stock ledger (inventory/stock-reconciliation.ts) as an activity. */
export function createStockReconciliationActivities(deps: Omit<StockReconciliationDeps, 'warn'>) {
  const reconciliation = stockReconciliation({ ...deps, warn: warnFromActivity });
  return {
    reconcileStock(): Promise<ReconciliationReport> {
      return reconciliation.reconcileStock();
    },
  };
}
