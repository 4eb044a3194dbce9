import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/activity';
import { createActivities, type MarketplaceActivities } from '../activities';
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
  type RunningWorker,
} from './support/stack';
import { activitiesOf } from './support/workflow-history';

// From version 3 the order-confirmed message is tried once inside the workflow task that records the
// confirmation, and goes on as a background activity only if that try failed for a passing reason. The
// provider here is the real notifyBuyer activity, or a refusal or an outage the test chooses per order.
describe("an order's confirmation message: one try in the task, then the background", () => {
  let services: Services;
  let worker: RunningWorker;
  const sellerId = `sel_${uniqueId('msg').replace(/-/g, '')}`;
  const orderIds: string[] = [];
  /** Per order: what the provider does on each try. */
  const behaviour = new Map<string, 'refuse' | 'fail-once'>();
  const tries = new Map<string, number>();

  before(async () => {
    services = await connectTestServices();
    const real: MarketplaceActivities = createActivities(services);
    worker = await startWorker(services, {
      notifyBuyer: async (input) => {
        const orderId = orderIds.find((id) => input.idempotencyKey.startsWith(`order-${id}-order-confirmed`));
        if (!orderId) return real.notifyBuyer(input);
        const n = (tries.get(orderId) ?? 0) + 1;
        tries.set(orderId, n);
        const mode = behaviour.get(orderId);
        if (mode === 'refuse') {
          throw ApplicationFailure.nonRetryable('SendGrid answered 400', 'NotificationRejected');
        }
        if (mode === 'fail-once' && n === 1) throw new Error('connect ECONNREFUSED api.sendgrid.com');
        return real.notifyBuyer(input);
      },
    });
  });

  after(async () => {
    const ids = orderIds.flatMap((id) => [orderWorkflowId(id), sellerFulfillmentWorkflowId(id, sellerId)]);
    await Promise.allSettled(
      ids.map((id) => services.temporal.workflow.getHandle(id).terminate('test finished')),
    );
    await worker.stop();
    await services.close();
  });

  const confirmedOrder = async (mode?: 'refuse' | 'fail-once') => {
    const { sku } = await stockedProduct(services, { stock: 2, sellerId });
    const orderId = `ord_${uniqueId('msg').replace(/[^a-z0-9]/g, '')}`;
    orderIds.push(orderId);
    if (mode) behaviour.set(orderId, mode);
    const input: PlaceOrderInput = {
      version: currentOrderVersion,
      orderId,
      customerId: uniqueId('cus'),
      lines: [{ sku, quantity: 1 }],
      shipTo,
      paymentMethodId: 'pm_card_visa',
      holdSeconds: 60,
    };
    await services.temporal.workflow.start<(i: PlaceOrderInput) => Promise<OrderState>>('orderWorkflow', {
      taskQueue: services.env.TEMPORAL_TASK_QUEUE,
      workflowId: orderWorkflowId(orderId),
      args: [input],
    });
    return orderId;
  };

  /** The order's notifyBuyer steps: local (in a workflow task) or scheduled, once they have all ended. */
  const messageSteps = (orderId: string, expected: number) =>
    eventually(
      async () => {
        const ran = (await activitiesOf(services.temporal, orderWorkflowId(orderId))).filter(
          (a) => a.activityType === 'notifyBuyer',
        );
        return ran.length === expected && ran.every((a) => a.completed || a.local) ? ran : undefined;
      },
      { what: `order ${orderId}: ${expected} message steps`, timeoutMs: 30_000 },
    );

  test('sent at once: one try, one marker, no activity', async () => {
    const orderId = await confirmedOrder();
    const [step] = await messageSteps(orderId, 1);
    assert.equal(step?.local, true);
    assert.equal(step?.completed, true);
    assert.equal(tries.get(orderId), 1);
  });

  test('refused: the one try is final', async () => {
    const orderId = await confirmedOrder('refuse');
    const [step] = await messageSteps(orderId, 1);
    assert.equal(step?.local, true);
    assert.equal(step?.completed, false);
    assert.equal(tries.get(orderId), 1);
    const order = await services.collections.orders.findOne({ _id: orderId });
    assert.equal(order?.status, 'confirmed', 'the order is not held back by its message');
  });

  test('an outage on the try: the message goes on in the background and is sent', async () => {
    const orderId = await confirmedOrder('fail-once');
    const steps = await messageSteps(orderId, 2);
    assert.deepEqual(
      steps.map((s) => ({ local: s.local, completed: s.completed })),
      [
        { local: true, completed: false },
        { local: false, completed: true },
      ],
    );
    assert.equal(tries.get(orderId), 2);
  });
});
