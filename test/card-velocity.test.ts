import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
import {
  call,
  connectTestServices,
  eventually,
  opsAuth,
  register,
  startApi,
  startWorker,
  stockedProduct,
  testEnv,
  testShipTo as shipTo,
  uniqueId,
  type RunningApi,
  type RunningWorker,
} from './support/stack';
import { startStripeRecorder, type StripeRecorder } from './support/stripe-recorder';

interface OpsOrder {
  orderId: string;
  status: string;
  fraud?: { score: number; reasons: string[] };
}

// Velocity must count a card, not a token: each checkout may bring a new payment method id for the same
// card, and strangers must not share a counter because they share a test token. Stripe's card fingerprint
// names the card; stripe-mock gives every payment method one fixture, so the recorder in front of it
// answers retrieval with the fingerprints this test chooses.
describe('card velocity is counted per card fingerprint', () => {
  const run = uniqueId('fp').replace(/-/g, '');
  const fingerprints: Record<string, string> = {
    pm_card_visa: `${run}same`,
    pm_card_visa_debit: `${run}same`,
    pm_card_mastercard: `${run}same`,
    pm_card_amex: `${run}same`,
    pm_card_discover: `${run}other`,
  };
  let stripe: StripeRecorder;
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;

  before(async () => {
    stripe = await startStripeRecorder(testEnv().STRIPE_API_BASE, (c) => {
      const id = /^\/v1\/payment_methods\/(pm_\w+)$/.exec(c.path)?.[1];
      if (c.method !== 'GET' || !id || !fingerprints[id]) return undefined;
      return {
        status: 200,
        body: {
          id,
          object: 'payment_method',
          type: 'card',
          card: { brand: 'visa', fingerprint: fingerprints[id] },
        },
      };
    });
    services = await connectTestServices({ STRIPE_API_BASE: stripe.baseUrl });
    worker = await startWorker(services);
    api = await startApi(services);
  });

  after(async () => {
    await api.stop();
    await worker.stop();
    await services.close();
    await stripe.stop();
  });

  test('four buyers with four payment methods of one card are four orders on that card', async () => {
    const { sku } = await stockedProduct(services, { stock: 10, price: 1000, sellerId: uniqueId('sel') });
    const ops = await opsAuth(api.baseUrl, services);
    const order = async (paymentMethodId: string) => {
      const buyer = await register(api.baseUrl, 'buyer');
      const placed = await call<{ orderId: string }>(api.baseUrl, 'POST', '/orders', {
        body: { lines: [{ sku, quantity: 1 }], shipTo, paymentMethodId },
        headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
      });
      assert.equal(placed.status, 202, JSON.stringify(placed.body));
      return eventually(
        async () => {
          const res = await call<OpsOrder>(api.baseUrl, 'GET', `/orders/${placed.body.orderId}`, {
            headers: ops,
          });
          return res.body.fraud && res.body.status !== 'received' ? res.body : undefined;
        },
        { what: 'the fraud screen' },
      );
    };
    const onCard = (o: OpsOrder) => o.fraud?.reasons.some((r) => r.includes('on this card')) ?? false;
    const [first, second, third] = [
      await order('pm_card_visa'),
      await order('pm_card_visa_debit'),
      await order('pm_card_mastercard'),
    ];
    assert.deepEqual([first, second, third].map(onCard), [false, false, false]);
    const fourth = await order('pm_card_amex');
    assert.ok(onCard(fourth), `the fourth order on one card is flagged: ${JSON.stringify(fourth.fraud)}`);
    const stranger = await order('pm_card_discover');
    assert.ok(!onCard(stranger), 'another card has a counter of its own');
    const retrieved = stripe.calls.filter(
      (c) => c.method === 'GET' && c.path.startsWith('/v1/payment_methods/'),
    );
    assert.ok(retrieved.length >= 5, 'the card behind each payment method was asked of Stripe');
  });
});
