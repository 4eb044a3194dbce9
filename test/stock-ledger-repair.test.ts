import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createActivities } from '../activities';
import type { OrderDoc, SubOrderDoc } from '../orders/documents';
import type { Services } from '../integrations/services';
import { repairStockLedger } from '../inventory/ledger-repair';
import { connectTestServices, stockedProduct, uniqueId } from './support/stack';
import { ledgerAvailable as ledgerOf } from './support/stock';

// Ledgers written before hold outcomes were claimed can hold reservations whose release was lost. The
// repair decides each from its order's final state and appends what is missing, never editing anything.
describe('the one-off stock ledger repair', () => {
  let services: Services;
  let activities: ReturnType<typeof createActivities>;

  before(async () => {
    services = await connectTestServices();
    activities = createActivities(services);
  });
  after(() => services.close());

  async function orderWithHold(sku: string, status: OrderDoc['status'], subOrder?: SubOrderDoc['status']) {
    const orderId = uniqueId('ord');
    await activities.reserveStock({ holdId: orderId, lines: [{ sku, quantity: 1 }] });
    // Just what the repair reads, plus the fields every reader of orders relies on.
    await services.collections.orders.insertOne({
      _id: orderId,
      status,
      customerId: 'usr_repair_test',
      lines: [],
    } as unknown as OrderDoc);
    if (subOrder) {
      await services.collections.subOrders.insertOne({
        _id: `${orderId}:sel_test`,
        orderId,
        sellerId: 'sel_test',
        status: subOrder,
        lines: [],
      } as unknown as SubOrderDoc);
    }
    return orderId;
  }

  const ledgerAvailable = (sku: string) => ledgerOf(services, sku);

  test('appends the release a cancelled order lost, leaves open orders alone, and is a no-op the second time', async () => {
    const { sku } = await stockedProduct(services, { stock: 5 });
    const lost = await orderWithHold(sku, 'cancelled');
    const open = await orderWithHold(sku, 'awaiting_payment');
    const shipped = await orderWithHold(sku, 'shipped', 'shipped');
    // The old fault: Redis released the cancelled order's hold, the ledger never heard of it.
    await services.counters.release(sku, lost);
    await services.counters.commit(sku, shipped);
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 3);
    assert.equal(await ledgerAvailable(sku), 2, 'the ledger is one unit short');

    const dry = await repairStockLedger(
      { ...services, now: () => new Date() },
      { apply: false, skus: [sku] },
    );
    assert.deepEqual(
      dry.repairs.map((r) => [r.holdId, r.outcome, r.entries]).sort(),
      [
        [lost, 'released', 1],
        [open, undefined, 0],
        [shipped, 'committed', 1],
      ].sort(),
    );
    assert.equal(await ledgerAvailable(sku), 2, 'a dry run writes nothing');
    const before = await services.collections.stockLedger.countDocuments({ sku });

    const applied = await repairStockLedger(
      { ...services, now: () => new Date() },
      { apply: true, skus: [sku] },
    );
    assert.equal(applied.repairs.filter((r) => r.outcome).length, 2);
    assert.equal(await ledgerAvailable(sku), 3, 'ledger = Redis = stock − units held or sold');
    assert.equal(await services.collections.stockLedger.countDocuments({ sku }), before + 2, 'appended only');

    const again = await repairStockLedger(
      { ...services, now: () => new Date() },
      { apply: true, skus: [sku] },
    );
    assert.deepEqual(
      again.repairs.map((r) => r.holdId),
      [open],
      'only the open order is still without an outcome',
    );
    assert.equal(await services.collections.stockLedger.countDocuments({ sku }), before + 2);

    // The repaired holds are decided for good: a late release of the sold one changes nothing.
    await activities.releaseStock({ holdId: shipped, skus: [sku] });
    assert.equal(await ledgerAvailable(sku), 3);
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 3);
  });
});
