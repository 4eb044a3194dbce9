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
import {
  connectTestServices,
  startWorker,
  stockedProduct,
  testShipTo as shipTo,
  uniqueId,
  type RunningWorker,
} from './support/stack';

/**
 * The saga's steps in order, for the lean order (priced, recorded, its fraud signals read and its stock held
 * in one step; every part authorized in one step), for its version 2 (signals beside pricing, one authorization step per
 * part) and for the first shape, which orders started before them still run; the last step that writes
 * nothing.
 */
const shapes = [
  {
    version: currentOrderVersion,
    steps: ['checkOutOrder', 'authorizeOrderParts'],
    unrecordedThrough: 'checkOutOrder',
  },
  {
    version: 2,
    steps: ['priceAndRecordOrder', 'fraudSignals', 'reserveStock', 'authorizePayment'],
    unrecordedThrough: 'priceAndRecordOrder',
  },
  {
    version: undefined,
    steps: ['priceLines', 'recordOrder', 'fraudSignals', 'reserveStock', 'authorizePayment'],
    unrecordedThrough: 'recordOrder',
  },
] as const;
const steps = [...new Set(shapes.flatMap((shape) => shape.steps))];
type Step = (typeof shapes)[number]['steps'][number];

describe('the checkout saga undoes every step done before the one that fails', () => {
  let services: Services;
  let real: MarketplaceActivities;
  const failAt = new Map<string, Step>();
  const voided: string[] = [];
  let worker: RunningWorker;

  before(async () => {
    services = await connectTestServices();
    real = createActivities(services);
    // Real activities throughout; the one named for this order fails for good, as a business failure would.
    const failing = (name: Step) =>
      (async (input: { orderId?: string; holdId?: string; lines?: Array<{ sku: string }> }) => {
        // Pricing knows no order id yet, only the lines: the test's SKU names its order too.
        const key = input.orderId ?? input.holdId ?? input.lines?.[0]?.sku ?? '';
        if (failAt.get(key) === name)
          throw ApplicationFailure.nonRetryable(`injected failure at ${name}`, 'Injected');
        return (real[name] as (arg: unknown) => Promise<unknown>)(input);
      }) as never;
    worker = await startWorker(services, {
      ...Object.fromEntries(steps.map((name) => [name, failing(name)])),
      cancelPaymentAuthorization: async (input) => {
        voided.push(input.paymentIntentId);
        return real.cancelPaymentAuthorization(input);
      },
    });
  });
  after(async () => {
    await worker.stop();
    await services.close();
  });

  for (const shape of shapes) {
    for (const step of shape.steps) {
      test(`failing at ${step} (order version ${shape.version ?? 1})`, async () => {
        const { sku } = await stockedProduct(services, { stock: 4 });
        const orderId = `ord_${uniqueId('saga').replace(/[^a-z0-9]/g, '')}`;
        failAt.set(orderId, step);
        failAt.set(sku, step);
        const input: PlaceOrderInput = {
          ...(shape.version ? { version: shape.version } : {}),
          orderId,
          customerId: uniqueId('cus'),
          lines: [{ sku, quantity: 3 }],
          shipTo,
          paymentMethodId: 'pm_card_visa',
          holdSeconds: 60,
        };
        const state = await services.temporal.workflow.execute<(i: PlaceOrderInput) => Promise<OrderState>>(
          'orderWorkflow',
          {
            taskQueue: services.env.TEMPORAL_TASK_QUEUE,
            workflowId: orderWorkflowId(orderId),
            args: [input],
          },
        );
        assert.equal(state.status, 'failed');
        assert.match(state.failureReason ?? '', new RegExp(`injected failure at ${step}`));
        // No stock stays held and no authorization stays open, whichever step failed.
        assert.equal((await services.counters.totalAvailable([sku])).get(sku), 4);
        const ledger = await services.collections.stockLedger.find({ holdId: orderId }).toArray();
        assert.equal(
          ledger.reduce((n, e) => n + e.delta, 0),
          0,
        );
        assert.deepEqual(state.paymentIntentIds, {});
        // An order document exists once it was recorded, and it tells the same story.
        const doc = await services.collections.orders.findOne({ _id: orderId });
        const order: readonly string[] = shape.steps;
        if (order.indexOf(step) > order.indexOf(shape.unrecordedThrough)) assert.equal(doc?.status, 'failed');
        else assert.equal(doc, null, 'nothing was recorded, so there is nothing to show');
      });
    }
  }

  test('too little stock in the checkout step: the order fails as recorded, priced, with nothing held', async () => {
    const { sku } = await stockedProduct(services, { stock: 2 });
    const orderId = `ord_${uniqueId('saga').replace(/[^a-z0-9]/g, '')}`;
    const state = await services.temporal.workflow.execute<(i: PlaceOrderInput) => Promise<OrderState>>(
      'orderWorkflow',
      {
        taskQueue: services.env.TEMPORAL_TASK_QUEUE,
        workflowId: orderWorkflowId(orderId),
        args: [
          {
            version: currentOrderVersion,
            orderId,
            customerId: uniqueId('cus'),
            lines: [{ sku, quantity: 3 }],
            shipTo,
            paymentMethodId: 'pm_card_visa',
            holdSeconds: 60,
          },
        ],
      },
    );
    assert.equal(state.status, 'failed');
    assert.match(state.failureReason ?? '', new RegExp(`Only 2 of ${sku} available, 3 requested`));
    assert.equal(state.lines[0]?.quantity, 3, 'the order knows what it was');
    assert.ok(state.total, 'and what it cost');
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 2);
    const ledger = await services.collections.stockLedger.find({ holdId: orderId }).toArray();
    assert.equal(ledger.length, 0, 'nothing was held');
    assert.equal((await services.collections.orders.findOne({ _id: orderId }))?.status, 'failed');
    assert.deepEqual(state.paymentIntentIds, {});
  });

  test('a cancellation after the payment was authorized voids the authorization and releases the stock', async () => {
    const { sku } = await stockedProduct(services, { stock: 2 });
    const orderId = `ord_${uniqueId('saga').replace(/[^a-z0-9]/g, '')}`;
    // Cancelled while paying: the update lands after authorization, so the saga must undo both.
    const handle = await services.temporal.workflow.start<(i: PlaceOrderInput) => Promise<OrderState>>(
      'orderWorkflow',
      {
        taskQueue: services.env.TEMPORAL_TASK_QUEUE,
        workflowId: orderWorkflowId(orderId),
        args: [
          {
            version: currentOrderVersion,
            orderId,
            customerId: uniqueId('cus'),
            lines: [{ sku, quantity: 2 }],
            shipTo,
            holdSeconds: 60,
          },
        ],
      },
    );
    for (;;) {
      const s = await handle.query<OrderState>('orderState');
      if (s.status === 'awaiting_payment') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const outcome = await handle.executeUpdate<{ status: string }, [{ paymentMethodId: string }]>(
      'submitPayment',
      {
        args: [{ paymentMethodId: 'pm_card_visa' }],
      },
    );
    assert.equal(outcome.status, 'authorized');
    const waitFor = async (status: string) => {
      for (let i = 0; i < 300; i++) {
        if ((await handle.query<OrderState>('orderState')).status === status) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`order never became ${status}`);
    };
    await waitFor('confirmed');
    const before = voided.length;
    await handle.executeUpdate('cancelOrder', { args: [{ reason: 'test' }] });
    await waitFor('cancelled');
    assert.ok(voided.length > before, 'the authorization was voided');
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 2);
  });
});
