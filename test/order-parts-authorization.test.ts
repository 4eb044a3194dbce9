import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
import {
  currentOrderVersion,
  orderWorkflowId,
  type OrderState,
  type PaymentOutcome,
  type PlaceOrderInput,
} from '../workflows/order-definitions';
import { sellerFulfillmentWorkflowId } from '../workflows/seller-fulfillment-definitions';
import {
  connectTestServices,
  eventually,
  startWorker,
  stockedProduct,
  testEnv,
  testShipTo as shipTo,
  uniqueId,
  type RunningWorker,
} from './support/stack';
import { startStripeRecorder, type StripeCall, type StripeRecorder } from './support/stripe-recorder';
import { activitiesOf } from './support/workflow-history';

// Orders of the current version authorize every seller's part in one activity. Stripe's answers are real
// requests from the official client, answered here per part (by the payment method the test picked and the
// part's seller), so each of OrderPayment's decisions is seen with the requests it caused: a decline voids
// the attempt's other authorization and the buyer pays again with another card; a refusal fails the order
// with nothing left authorized; a passing outage retries the step under the same keys.

const creates = (c: StripeCall) => c.method === 'POST' && c.path === '/v1/payment_intents';
const stripeError = (status: number, type: string, message: string) => ({
  status,
  body: { error: { type, code: type === 'card_error' ? 'card_declined' : 'resource_missing', message } },
});

describe('one activity authorizes every part of an order', () => {
  let stripe: StripeRecorder;
  let services: Services;
  let worker: RunningWorker;
  const sellers = [`sel_${uniqueId('a').replace(/-/g, '')}`, `sel_${uniqueId('b').replace(/-/g, '')}`];
  const [sellerA = '', sellerB = ''] = sellers;
  const orderIds: string[] = [];
  let outages = 0;

  before(async () => {
    stripe = await startStripeRecorder(testEnv().STRIPE_API_BASE, (c) => {
      if (!creates(c) || c.params.get('metadata[sellerId]') !== sellerB) return undefined;
      const method = c.params.get('payment_method');
      if (method === 'pm_declinedForB') return stripeError(402, 'card_error', 'Your card was declined.');
      if (method === 'pm_refusedForB')
        return stripeError(400, 'invalid_request_error', 'No such payment_method');
      // Three 500s: the Stripe client's own two retries and its first try all fail, so the step fails once.
      if (method === 'pm_outageForB' && outages < 3) {
        outages += 1;
        return stripeError(500, 'api_error', 'An error occurred with our connection to Stripe.');
      }
      return undefined;
    });
    services = await connectTestServices({ STRIPE_API_BASE: stripe.baseUrl });
    worker = await startWorker(services);
  });

  after(async () => {
    // Confirmed orders' parts would wait days for their sellers; end them on the shared server.
    const ids = orderIds.flatMap((orderId) => [
      orderWorkflowId(orderId),
      ...sellers.map((sellerId) => sellerFulfillmentWorkflowId(orderId, sellerId)),
    ]);
    await Promise.allSettled(
      ids.map((id) => services.temporal.workflow.getHandle(id).terminate('test finished')),
    );
    await worker.stop();
    await stripe.stop();
    await services.close();
  });

  const placeOrder = async (paymentMethodId: string) => {
    const lines = await Promise.all(
      sellers.map(async (sellerId) => ({
        sku: (await stockedProduct(services, { stock: 3, sellerId })).sku,
        quantity: 1,
      })),
    );
    const orderId = `ord_${uniqueId('parts').replace(/[^a-z0-9]/g, '')}`;
    orderIds.push(orderId);
    const input: PlaceOrderInput = {
      version: currentOrderVersion,
      orderId,
      customerId: uniqueId('cus'),
      lines,
      shipTo,
      paymentMethodId,
      holdSeconds: 120,
    };
    const handle = await services.temporal.workflow.start<(i: PlaceOrderInput) => Promise<OrderState>>(
      'orderWorkflow',
      { taskQueue: services.env.TEMPORAL_TASK_QUEUE, workflowId: orderWorkflowId(orderId), args: [input] },
    );
    return { orderId, handle };
  };

  const keysOf = (orderId: string) =>
    stripe.calls.filter(creates).flatMap((c) => {
      const key = c.idempotencyKey ?? '';
      return key.startsWith(`order-${orderId}-`) ? [key] : [];
    });
  const voidedIds = () =>
    stripe.calls.flatMap((c) => {
      const id = /^\/v1\/payment_intents\/([^/]+)\/cancel$/.exec(c.path)?.[1];
      return c.method === 'POST' && id ? [id] : [];
    });
  const statusOf = async (orderId: string) =>
    (await services.collections.orders.findOne({ _id: orderId }))?.status;

  test("a decline of one part voids the other's authorization; another card authorizes both", async () => {
    const { orderId, handle } = await placeOrder('pm_declinedForB');
    const declined = await eventually(async () => {
      const state = await handle.query<OrderState>('orderState');
      return state.status === 'awaiting_payment' && state.payment ? state : undefined;
    });
    assert.deepEqual(declined.payment, { status: 'declined', reason: 'Your card was declined.' });
    // Seller A's part was authorized on the declined card, then voided so the next card starts clean.
    const firstKeys = keysOf(orderId);
    assert.deepEqual(
      [...new Set(firstKeys)].sort(),
      [`order-${orderId}-${sellerA}-authorize-1`, `order-${orderId}-${sellerB}-authorize-1`].sort(),
    );
    await eventually(() => Promise.resolve(voidedIds().length > 0 ? true : undefined));

    const paid = await handle.executeUpdate<PaymentOutcome, [{ paymentMethodId: string }]>('submitPayment', {
      args: [{ paymentMethodId: 'pm_card_visa' }],
    });
    assert.deepEqual(paid, { status: 'authorized' });
    await eventually(async () => ((await statusOf(orderId)) === 'confirmed' ? true : undefined));
    const state = await handle.query<OrderState>('orderState');
    assert.deepEqual(Object.keys(state.paymentIntentIds).sort(), [...sellers].sort());
    assert.ok(
      Object.values(state.paymentIntentIds).every((id) => !voidedIds().includes(id)),
      'the authorizations the order keeps were never voided',
    );
    // The second attempt asked each part once more, under that attempt's own keys.
    assert.deepEqual(
      [...new Set(keysOf(orderId))].sort(),
      [
        ...firstKeys,
        `order-${orderId}-${sellerA}-authorize-2`,
        `order-${orderId}-${sellerB}-authorize-2`,
      ].sort(),
    );
    const ran = await activitiesOf(services.temporal, orderWorkflowId(orderId));
    assert.equal(
      ran.filter((a) => a.activityType === 'authorizeOrderParts').length,
      2,
      'one step per attempt',
    );
    assert.equal(ran.filter((a) => a.activityType === 'authorizePayment').length, 0);
  });

  test('a part Stripe refuses fails the order with nothing left authorized', async () => {
    const { orderId, handle } = await placeOrder('pm_refusedForB');
    const state = await handle.result();
    assert.equal(state.status, 'failed');
    assert.match(state.failureReason ?? '', /No such payment_method/);
    assert.deepEqual(state.paymentIntentIds, {});
    assert.equal(await statusOf(orderId), 'failed');
    // Seller A's part had been authorized in the same step: it is voided, not left on the card.
    const authorizedA = stripe.calls.filter(
      (c) => creates(c) && c.idempotencyKey === `order-${orderId}-${sellerA}-authorize-1`,
    );
    assert.equal(authorizedA.length, 1);
    const ran = await activitiesOf(services.temporal, orderWorkflowId(orderId));
    assert.equal(ran.filter((a) => a.activityType === 'cancelPaymentAuthorization').length, 1, 'one void');
  });

  test('an outage retries the step, asking every part again under the same keys', async () => {
    const { orderId } = await placeOrder('pm_outageForB');
    await eventually(async () => ((await statusOf(orderId)) === 'confirmed' ? true : undefined), {
      what: `order ${orderId} to be confirmed`,
      timeoutMs: 60_000,
    });
    const keys = keysOf(orderId);
    assert.deepEqual(
      [...new Set(keys)].sort(),
      [`order-${orderId}-${sellerA}-authorize-1`, `order-${orderId}-${sellerB}-authorize-1`].sort(),
      'one key per part',
    );
    assert.ok(
      keys.filter((key) => key.includes(sellerA)).length >= 2,
      "seller A's part was asked again, under its key",
    );
    const ran = await activitiesOf(services.temporal, orderWorkflowId(orderId));
    const step = ran.filter((a) => a.activityType === 'authorizeOrderParts');
    assert.equal(step.length, 1);
    assert.ok((step[0]?.attempt ?? 0) >= 2, 'the step was retried');
    assert.equal(ran.filter((a) => a.activityType === 'cancelPaymentAuthorization').length, 0);
  });
});
