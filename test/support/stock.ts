import { ledgerBalances } from '../../inventory/stock-ledger';
import type { Services } from '../../integrations/services';

/** Units of a SKU available by the ledger's account, over all warehouses. */
export async function ledgerAvailable(services: Services, sku: string): Promise<number> {
  const perWarehouse = (await ledgerBalances(services.collections, [sku])).get(sku) ?? {};
  return Object.values(perWarehouse).reduce((a, b) => a + b, 0);
}

/** Units of a SKU Redis offers, over all warehouses. */
export async function redisAvailable(services: Services, sku: string): Promise<number | undefined> {
  return (await services.counters.totalAvailable([sku])).get(sku);
}
