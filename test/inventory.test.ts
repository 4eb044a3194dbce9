import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createActivities } from '../activities';
import { ledgerBalances } from '../inventory/stock-ledger';
import type { Services } from '../integrations/services';
import { connectTestServices, stockedProduct, uniqueId } from './support/stack';

const run = promisify(execFile);

describe('inventory holds', () => {
  let services: Services;
  let activities: ReturnType<typeof createActivities>;
  before(async () => {
    services = await connectTestServices();
    activities = createActivities(services);
  });
  after(async () => services.close());

  test('racers in separate processes never hold more than the stock', async () => {
    const stock = 25;
    const { sku } = await stockedProduct(services, { stock });
    const racers = 6;
    const attempts = 20;
    const results = await Promise.all(
      Array.from({ length: racers }, (_, racer) =>
        run(process.execPath, [
          require.resolve('./support/reservation-racer'),
          sku,
          `${sku}-${racer}`,
          String(attempts),
        ]),
      ),
    );
    const totals = results
      .map((r) => JSON.parse(r.stdout) as { held: number; refused: number })
      .reduce((a, b) => ({ held: a.held + b.held, refused: a.refused + b.refused }));
    assert.equal(totals.held, stock, 'exactly the stock was sold');
    assert.equal(totals.refused, racers * attempts - stock);
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 0);
    const ledger = await ledgerBalances(services.collections, [sku]);
    assert.deepEqual(ledger.get(sku), { 'wh-test': 0 }, 'the ledger agrees with Redis');
  });

  test('a hold is idempotent, and a released hold cannot be taken again by a late retry', async () => {
    const { sku } = await stockedProduct(services, { stock: 3 });
    const holdId = uniqueId('hold');
    await activities.reserveStock({ holdId, lines: [{ sku, quantity: 2 }] });
    await activities.reserveStock({ holdId, lines: [{ sku, quantity: 2 }] });
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 1);
    await activities.releaseStock({ holdId, skus: [sku] });
    await activities.releaseStock({ holdId, skus: [sku] });
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 3);
    await assert.rejects(
      activities.reserveStock({ holdId, lines: [{ sku, quantity: 2 }] }),
      /already released/,
    );
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 3);
    assert.deepEqual((await ledgerBalances(services.collections, [sku])).get(sku), { 'wh-test': 3 });
  });

  test('a line larger than any one warehouse is split across warehouses', async () => {
    const { sku } = await stockedProduct(services, { stock: 2 });
    await activities.adjustStock({ sku, warehouseId: 'wh-east', delta: 3, adjustmentKey: uniqueId('adj') });
    const [held] = await activities.reserveStock({ holdId: uniqueId('hold'), lines: [{ sku, quantity: 4 }] });
    const units = held?.allocations.reduce((n, a) => n + a.quantity, 0);
    assert.equal(units, 4);
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 1);
  });

  test('a repeated stock adjustment counts once', async () => {
    const { sku } = await stockedProduct(services, { stock: 0 });
    const adjustmentKey = uniqueId('adj');
    await activities.adjustStock({ sku, warehouseId: 'wh-a', delta: 7, adjustmentKey });
    await activities.adjustStock({ sku, warehouseId: 'wh-a', delta: 7, adjustmentKey });
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 7);
    assert.deepEqual((await ledgerBalances(services.collections, [sku])).get(sku), { 'wh-a': 7 });
  });
});
