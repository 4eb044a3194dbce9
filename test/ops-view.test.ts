import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createActivities } from '../activities';
import type { Services } from '../integrations/services';
import { orderWorkflowId } from '../workflows/order-definitions';
import { payoutScheduleId } from '../workflows/payout-definitions';
import {
  call,
  connectTestServices,
  register,
  startApi,
  stockedProduct,
  testShipTo as shipTo,
  uniqueId,
  type Account,
  type RunningApi,
} from './support/stack';

// What the Temporal UI's workflow list and page show ops, read back from the real dev server. No worker
// runs here: the summary is the start request's own, before any workflow code.
describe('the Temporal UI reads in the marketplace words: summaries and details set at start', () => {
  let services: Services;
  let api: RunningApi;
  let buyer: Account;

  before(async () => {
    services = await connectTestServices();
    api = await startApi(services);
    buyer = await register(api.baseUrl, 'buyer');
  });

  after(async () => {
    await api.stop();
    await services.close();
  });

  test('an order starts with its id, units, buyer and lines as summary and details', async () => {
    const { sku } = await stockedProduct(services, { stock: 5, price: 1250 });
    const placed = await call<{ orderId: string }>(api.baseUrl, 'POST', '/orders', {
      body: { shipTo, lines: [{ sku, quantity: 2 }] },
      headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
    });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    const handle = services.temporal.workflow.getHandle(orderWorkflowId(placed.body.orderId));
    try {
      const description = await handle.describe();
      const summary = await description.staticSummary();
      const details = await description.staticDetails();
      assert.equal(summary, `Order ${placed.body.orderId} · 2 units of 1 SKU · buyer ${buyer.userId}`);
      assert.match(details ?? '', new RegExp(`\\*\\*Lines:\\*\\* ${sku} × 2`));
      assert.match(details ?? '', /\*\*Payment:\*\* awaiting POST \/payments\/checkout/);
      assert.ok(!(details ?? '').includes('pm_'), 'no payment method id in the UI');
    } finally {
      await handle.terminate('ops-view test: no worker on this queue');
    }
  });

  test("a seller's payout schedule starts each run with a summary naming the seller and cadence", async () => {
    const sellerId = `sel_${uniqueId('opsview').replace(/-/g, '')}`;
    const activities = createActivities(services);
    await activities.ensurePayoutSchedule({ sellerId });
    const schedule = services.temporal.schedule.getHandle(payoutScheduleId(sellerId));
    try {
      const { action } = await schedule.describe();
      assert.equal(action.type, 'startWorkflow');
      assert.match(
        action.staticSummary ?? '',
        new RegExp(`^Payout to seller ${sellerId} · (weekly|daily) run$`),
      );
      assert.match(
        action.staticDetails ?? '',
        new RegExp(`\\*\\*Schedule:\\*\\* payout-schedule-${sellerId}`),
      );
    } finally {
      await schedule.delete();
    }
  });
});
