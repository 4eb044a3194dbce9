import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import type { OrderStatus } from '../domain/order-status';
import type { Services } from '../integrations/services';
import {
  currentOrderVersion,
  orderWorkflowId,
  type OrderState,
  type PlaceOrderInput,
} from '../workflows/order-definitions';
import { sellerFulfillmentWorkflowId } from '../workflows/seller-fulfillment-definitions';
import {
  connectTestServices,
  eventually,
  startWorker,
  stockedProduct,
  testShipTo as shipTo,
  uniqueId,
  workflowBundle,
  type RunningWorker,
} from './support/stack';
import { historyToFile } from './support/history-file';
import { activitiesOf } from './support/workflow-history';

// From version 3 the checkout step holds the stock itself when the fraud screen lets the order through.
// An order the screen sends to a person must not hold stock while it waits: it is held once ops approve,
// in a step of its own, and the order then goes on as any other.
describe('an order held for fraud review holds its stock only once approved', () => {
  let services: Services;
  let worker: RunningWorker;
  const sellerId = `sel_${uniqueId('review').replace(/-/g, '')}`;
  const orderId = `ord_${uniqueId('review').replace(/[^a-z0-9]/g, '')}`;

  before(async () => {
    services = await connectTestServices();
    worker = await startWorker(services);
  });

  after(async () => {
    // The approved order's part would wait days for its seller; end both on the shared server.
    for (const id of [orderWorkflowId(orderId), sellerFulfillmentWorkflowId(orderId, sellerId)]) {
      await services.temporal.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined);
    }
    await worker.stop();
    await services.close();
  });

  test('held after approval, in its own step; the history replays', async () => {
    // A very high total, billed from another country than it ships to, by a buyer with no account age.
    const { sku } = await stockedProduct(services, { stock: 2, price: 250_000, sellerId });
    const input: PlaceOrderInput = {
      version: currentOrderVersion,
      orderId,
      customerId: uniqueId('cus'),
      lines: [{ sku, quantity: 1 }],
      shipTo,
      billingCountry: shipTo.country === 'CA' ? 'US' : 'CA',
      paymentMethodId: 'pm_card_visa',
      holdSeconds: 120,
    };
    const handle = await services.temporal.workflow.start<(i: PlaceOrderInput) => Promise<OrderState>>(
      'orderWorkflow',
      { taskQueue: services.env.TEMPORAL_TASK_QUEUE, workflowId: orderWorkflowId(orderId), args: [input] },
    );
    const parked = await eventually(async () => {
      const state = await handle.query<OrderState>('orderState');
      return state.status === 'fraud_review' ? state : undefined;
    });
    assert.ok(parked.fraud?.needsReview);
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 2, 'nothing held while waiting');
    assert.equal(await services.collections.stockLedger.countDocuments({ holdId: orderId }), 0);

    await handle.executeUpdate<OrderStatus, [{ decision: 'approve'; reason: string }]>('fraudDecision', {
      args: [{ decision: 'approve', reason: 'a known buyer' }],
    });
    await eventually(
      async () =>
        (await services.collections.orders.findOne({ _id: orderId }))?.status === 'confirmed'
          ? true
          : undefined,
      { what: `order ${orderId} to be confirmed` },
    );
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 1, 'held once approved');
    const ledger = await services.collections.stockLedger.find({ holdId: orderId }).toArray();
    assert.deepEqual(
      ledger.map((e) => `${e.sku}:${e.kind}:${e.delta}`),
      [`${sku}:reserve:-1`],
    );
    const ran = await activitiesOf(services.temporal, orderWorkflowId(orderId));
    const count = (type: string) => ran.filter((a) => a.activityType === type).length;
    assert.equal(count('checkOutOrder'), 1);
    assert.equal(count('reserveStock'), 1, 'the hold after the review is a step of its own');
    assert.equal(count('authorizeOrderParts'), 1);

    const history = await handle.fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history);
    if (process.env.RECORD_HISTORIES === '1') {
      await writeFile(
        resolve(__dirname, '..', '..', 'test', 'fixtures', 'histories', 'order-fraud-review-v3.json'),
        historyToFile(history),
      );
    }
  });
});
