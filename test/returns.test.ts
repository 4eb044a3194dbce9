import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SandboxCarrier } from '../integrations/carriers/sandbox-carrier';
import type { Services } from '../integrations/services';
import { returnWorkflowId } from '../returns/return-process';
import {
  call,
  connectTestServices,
  eventually,
  opsAuth,
  register,
  startApi,
  startWorker,
  stockedProduct,
  testShipTo as shipTo,
  uniqueId,
  type Account,
  type RunningApi,
  type RunningWorker,
} from './support/stack';

interface ReturnView {
  returnId: string;
  orderId: string;
  status: string;
  trackingNumber?: string;
  labelUrl?: string;
  escalatedStep?: string;
  refund?: { amount: number; currency: string };
  lines: Array<{ sku: string; quantity: number; acceptedQuantity?: number }>;
  type?: string;
  detail?: string;
}

describe('returns, end to end through the API, the worker, stripe-mock and carrier webhooks', () => {
  let services: Services;
  let api: RunningApi;
  /** Same stack, with a two-second seller decision deadline. */
  let hurriedApi: RunningApi;
  /** Same stack, where kitchen items cannot be returned at all. */
  let strictApi: RunningApi;
  let worker: RunningWorker;
  let buyer: Account;
  let seller: Account;
  let ops: Record<string, string>;
  let carrier: SandboxCarrier;

  before(async () => {
    services = await connectTestServices();
    worker = await startWorker(services);
    api = await startApi(services);
    hurriedApi = await startApi({ ...services, env: { ...services.env, RETURN_SELLER_DECISION_SECONDS: 2 } });
    strictApi = await startApi({
      ...services,
      env: { ...services.env, RETURN_WINDOW_DAYS_BY_CATEGORY: { kitchen: 0 } },
    });
    [buyer, seller] = await Promise.all([register(api.baseUrl, 'buyer'), register(api.baseUrl, 'seller')]);
    ops = await opsAuth(api.baseUrl, services);
    carrier = new SandboxCarrier(services.env.CARRIER_WEBHOOK_SECRET);
  });
  after(async () => {
    await Promise.all([api.stop(), hurriedApi.stop(), strictApi.stop()]);
    await worker.stop();
    await services.close();
  });

  const carrierEvent = (trackingNumber: string, status: string, eventId = uniqueId('evt')) => {
    const body = JSON.stringify({ eventId, trackingNumber, status, occurredAt: new Date().toISOString() });
    return call(api.baseUrl, 'POST', '/webhooks/carrier/sandbox', {
      body,
      headers: { 'content-type': 'application/json', 'x-carrier-signature': carrier.sign(body) },
    });
  };
  const orderStatus = async (orderId: string) =>
    (await call<{ status: string }>(api.baseUrl, 'GET', `/orders/${orderId}`, { headers: buyer.auth })).body
      .status;

  /** An order of `quantity` units at 20.00 to Texas (taxed, shipping too), driven by its seller to delivered. */
  const deliveredOrder = async (quantity = 3, { deliver = true } = {}) => {
    // A fresh buyer per order, so the fraud screen's per-buyer velocity never holds one for review.
    buyer = await register(api.baseUrl, 'buyer');
    const { sku } = await stockedProduct(services, {
      stock: 5,
      price: 2000,
      sellerId: seller.sellerId ?? '',
    });
    const placed = await call<{ orderId: string }>(api.baseUrl, 'POST', '/orders', {
      body: { lines: [{ sku, quantity }], shipTo, paymentMethodId: 'pm_card_visa' },
      headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
    });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    const { orderId } = placed.body;
    await eventually(async () => ((await orderStatus(orderId)) === 'confirmed' ? true : undefined), {
      what: `order ${orderId} confirmed`,
      timeoutMs: 30_000,
    });
    await eventually(
      async () =>
        (await services.collections.subOrders.findOne({ _id: `${orderId}:${seller.sellerId}` })) ?? undefined,
      { what: 'the sub-order recorded' },
    );
    if (!deliver) return { orderId, sku };
    let trackingNumber = '';
    for (const [step, body] of [
      ['accept'],
      ['picked'],
      ['packed'],
      ['label', { weightGrams: 900 }],
    ] as const) {
      const res = await call<{ trackingNumber?: string }>(
        api.baseUrl,
        'POST',
        `/seller/orders/${orderId}/${step}`,
        {
          body: body ?? {},
          headers: seller.auth,
        },
      );
      assert.equal(res.status, 200, `${step}: ${JSON.stringify(res.body)}`);
      trackingNumber = res.body.trackingNumber ?? trackingNumber;
    }
    await carrierEvent(trackingNumber, 'in_transit');
    await carrierEvent(trackingNumber, 'delivered');
    await eventually(async () => ((await orderStatus(orderId)) === 'delivered' ? true : undefined), {
      what: `order ${orderId} delivered`,
      timeoutMs: 30_000,
    });
    return { orderId, sku };
  };

  const requestReturn = (
    orderId: string,
    body: Record<string, unknown>,
    { key = uniqueId('rkey'), base = api.baseUrl, who = buyer } = {},
  ) =>
    call<ReturnView>(base, 'POST', `/orders/${orderId}/returns`, {
      body,
      headers: { ...who.auth, 'Idempotency-Key': key },
    });
  const readReturn = async (returnId: string, headers = buyer.auth) =>
    (await call<ReturnView>(api.baseUrl, 'GET', `/returns/${returnId}`, { headers })).body;
  const returnReaches = (returnId: string, status: string) =>
    eventually(
      async () => {
        const view = await readReturn(returnId);
        return view.status === status ? view : undefined;
      },
      { what: `return ${returnId} to be ${status}`, timeoutMs: 30_000 },
    );
  const sellerStep = (returnId: string, step: string, body: unknown = {}, headers = seller.auth) =>
    call<ReturnView>(api.baseUrl, 'POST', `/seller/returns/${returnId}/${step}`, { body, headers });
  const reason = { code: 'damaged', text: 'The lid is cracked' };

  /** What the buyer paid for `units` of an order of 3 at 20.00: goods net of discount plus their share of tax. */
  const expectedRefund = async (orderId: string, units: number) => {
    const order = await services.collections.orders.findOne({ _id: orderId });
    const tax = order?.tax?.amount ?? 0;
    const shipping = order?.shipping?.amount ?? 0;
    const goods = 6000;
    // Texas taxes shipping too, so only the goods' part of the tax comes back.
    const goodsTax = Math.round((tax * goods) / (goods + shipping));
    return Math.floor(((goods + goodsTax) * units * 2000) / goods);
  };

  test('approved, shipped back, inspected and refunded: money back, units back in stock, ledger and messages', async () => {
    const { orderId, sku } = await deliveredOrder(3);
    const stockBefore = (await services.counters.totalAvailable([sku])).get(sku);
    assert.equal(stockBefore, 2);

    const key = uniqueId('rkey');
    const body = { lines: [{ sku, quantity: 2 }], reason, photos: ['https://photos.example.test/lid.jpg'] };
    const created = await requestReturn(orderId, body, { key });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    assert.equal(created.body.status, 'requested');
    const { returnId } = created.body;
    // The same request again is the same return; the same key with another body is refused.
    const again = await requestReturn(orderId, body, { key });
    assert.equal(again.status, 202);
    assert.equal(again.body.returnId, returnId);
    const reused = await requestReturn(orderId, { ...body, lines: [{ sku, quantity: 1 }] }, { key });
    assert.equal(reused.status, 422);

    // Ops find it in Temporal by return id and by order id.
    for (const query of [`ReturnId = "${returnId}"`, `OrderId = "${orderId}" AND ReturnId != ""`]) {
      await eventually(
        async () => {
          for await (const run of services.temporal.workflow.list({ query })) {
            if (run.workflowId === returnWorkflowId(returnId)) return true;
          }
          return undefined;
        },
        { what: `visibility for ${query}` },
      );
    }

    const approved = await sellerStep(returnId, 'approve', { note: 'sorry about that' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const labelled = await returnReaches(returnId, 'label_created');
    const trackingNumber = labelled.trackingNumber ?? '';
    assert.match(trackingNumber, /^SBX/);
    assert.match(labelled.labelUrl ?? '', /^https:/);
    assert.equal(
      (await sellerStep(returnId, 'inspection', { lines: [{ sku, acceptedQuantity: 2 }] })).status,
      409,
    );

    // In transit (the same event twice), then delivered back to the seller.
    const eventId = uniqueId('evt-return');
    assert.equal((await carrierEvent(trackingNumber, 'in_transit', eventId)).status, 200);
    const duplicate = await carrierEvent(trackingNumber, 'in_transit', eventId);
    assert.deepEqual(duplicate.body, { received: true, duplicate: true });
    await returnReaches(returnId, 'in_transit');
    await carrierEvent(trackingNumber, 'delivered');
    await returnReaches(returnId, 'received');
    // A late, backward event changes nothing.
    await carrierEvent(trackingNumber, 'in_transit');

    const tooMany = await sellerStep(returnId, 'inspection', { lines: [{ sku, acceptedQuantity: 3 }] });
    assert.equal(tooMany.status, 409, JSON.stringify(tooMany.body));
    const inspected = await sellerStep(returnId, 'inspection', { lines: [{ sku, acceptedQuantity: 2 }] });
    assert.equal(inspected.status, 200, JSON.stringify(inspected.body));
    const refunded = await returnReaches(returnId, 'refunded');
    assert.deepEqual(refunded.refund, { amount: await expectedRefund(orderId, 2), currency: 'USD' });

    // The workflow answers 'refunded' as it decides; its document write lands a moment later.
    const doc = await eventually(
      async () =>
        (await services.collections.returns.findOne({ _id: returnId, status: 'refunded' })) ?? undefined,
      { what: 'the return document to show the refund' },
    );
    assert.match(doc?.refundId ?? '', /^re_/);
    assert.equal(doc?.lines[0]?.acceptedQuantity, 2);
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 4, 'both units back in stock');
    const restock = await services.collections.stockLedger.find({ sku, kind: 'adjust', delta: 2 }).toArray();
    assert.equal(restock.length, 1);
    const ledger = await services.collections.sellerLedger.find({ returnId }).toArray();
    assert.ok(
      ledger.some((e) => e.kind === 'refund' && Math.abs(e.amount.amount) === refunded.refund?.amount),
      JSON.stringify(ledger),
    );
    // The last messages go out just after the status is written.
    const expectedMessages = [
      'return-approved:buyer',
      'return-received:seller',
      'return-refunded:buyer',
      'return-refunded:seller',
      'return-requested:seller',
    ];
    await eventually(
      async () => {
        const sent = await services.collections.notifications
          .find({ _id: { $regex: `^return-${returnId}-` } })
          .toArray();
        const who = (to: string) => (to === buyer.email ? 'buyer' : to === seller.email ? 'seller' : to);
        const templates = sent.map((n) => `${n.template}:${who(n.to)}`).sort();
        assert.deepEqual(templates, expectedMessages);
        return true;
      },
      { what: 'the buyer and seller messages' },
    );
    const listed = await call<{ items: ReturnView[] }>(api.baseUrl, 'GET', `/orders/${orderId}/returns`, {
      headers: buyer.auth,
    });
    assert.deepEqual(
      listed.body.items.map((r) => r.returnId),
      [returnId],
    );
    const sellerList = await call<{ items: ReturnView[] }>(
      api.baseUrl,
      'GET',
      '/seller/returns?status=refunded',
      {
        headers: seller.auth,
      },
    );
    assert.ok(sellerList.body.items.some((r) => r.returnId === returnId));
  });

  test('a partial inspection refunds only the accepted units; no more units than bought can be returned', async () => {
    const { orderId, sku } = await deliveredOrder(3);
    const created = await requestReturn(orderId, {
      lines: [{ sku, quantity: 3 }],
      reason: { code: 'defective' },
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const { returnId } = created.body;
    await eventually(
      async () => (await services.collections.returns.findOne({ _id: returnId })) ?? undefined,
    );
    const more = await requestReturn(orderId, { lines: [{ sku, quantity: 1 }], reason: { code: 'other' } });
    assert.equal(more.status, 422);
    assert.equal(more.body.type, 'https://marketplace.dev/problems/too-many-units');

    assert.equal((await sellerStep(returnId, 'approve')).status, 200);
    const { trackingNumber = '' } = await returnReaches(returnId, 'label_created');
    await carrierEvent(trackingNumber, 'delivered');
    await returnReaches(returnId, 'received');
    const inspected = await sellerStep(returnId, 'inspection', {
      lines: [{ sku, acceptedQuantity: 1 }],
      note: 'two units were used',
    });
    assert.equal(inspected.status, 200, JSON.stringify(inspected.body));
    const refunded = await returnReaches(returnId, 'refunded');
    assert.equal(refunded.refund?.amount, await expectedRefund(orderId, 1));
    assert.equal(
      (await services.counters.totalAvailable([sku])).get(sku),
      3,
      'only the accepted unit is back',
    );

    // The two refused units were never refunded, so they may be asked for again.
    const retry = await requestReturn(orderId, { lines: [{ sku, quantity: 2 }], reason: { code: 'other' } });
    assert.equal(retry.status, 202, JSON.stringify(retry.body));
  });

  test('a seller rejects; strangers see nothing; bad requests are clear 4xx problems', async () => {
    const { orderId, sku } = await deliveredOrder(1);
    const httpPhoto = await requestReturn(orderId, {
      lines: [{ sku, quantity: 1 }],
      reason,
      photos: ['http://photos.example.test/x.jpg'],
    });
    assert.equal(httpPhoto.status, 422);
    const manyPhotos = await requestReturn(orderId, {
      lines: [{ sku, quantity: 1 }],
      reason,
      photos: Array.from({ length: 9 }, (_, i) => `https://photos.example.test/${i}.jpg`),
    });
    assert.equal(manyPhotos.status, 422);
    const badReason = await requestReturn(orderId, {
      lines: [{ sku, quantity: 1 }],
      reason: { code: 'meh' },
    });
    assert.equal(badReason.status, 422);
    const stranger = await register(api.baseUrl, 'buyer');
    const notYours = await requestReturn(
      orderId,
      { lines: [{ sku, quantity: 1 }], reason },
      { who: stranger },
    );
    assert.equal(notYours.status, 404);
    const tooMany = await requestReturn(orderId, { lines: [{ sku, quantity: 2 }], reason });
    assert.equal(tooMany.status, 422);
    assert.equal(tooMany.body.type, 'https://marketplace.dev/problems/too-many-units');

    // Two requests for the only unit at once (different keys): one return, one refusal.
    const racing = await Promise.all([
      requestReturn(orderId, { lines: [{ sku, quantity: 1 }], reason }),
      requestReturn(orderId, { lines: [{ sku, quantity: 1 }], reason: { code: 'other' } }),
    ]);
    assert.deepEqual(
      racing.map((r) => r.status).sort(),
      [202, 422],
      JSON.stringify(racing.map((r) => r.body)),
    );
    const returnId = racing.find((r) => r.status === 202)?.body.returnId ?? '';
    assert.equal(
      (await call(api.baseUrl, 'GET', `/returns/${returnId}`, { headers: stranger.auth })).status,
      404,
    );
    const otherSeller = await register(api.baseUrl, 'seller');
    assert.equal((await sellerStep(returnId, 'approve', {}, otherSeller.auth)).status, 404);
    assert.equal((await sellerStep(returnId, 'reject', {})).status, 422, 'a rejection needs a reason');

    const rejected = await sellerStep(returnId, 'reject', { reason: 'the item was used' });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    assert.equal(rejected.body.status, 'rejected');
    assert.equal((await sellerStep(returnId, 'approve')).status, 409);
    const doc = await eventually(async () => {
      const d = await services.collections.returns.findOne({ _id: returnId });
      return d?.status === 'rejected' ? d : undefined;
    });
    assert.equal(doc.decisionNote, 'the item was used');
    assert.equal(doc.refund, undefined);
    assert.equal((await readReturn(returnId, seller.auth)).status, 'rejected');
    await eventually(
      async () =>
        (await services.collections.notifications.findOne({
          _id: `return-${returnId}-return-rejected-rejected-buyer`,
        })) ?? undefined,
    );
  });

  test('outside the window, or before delivery, a return is refused', async () => {
    const { orderId, sku } = await deliveredOrder(1);
    const closed = await requestReturn(
      orderId,
      { lines: [{ sku, quantity: 1 }], reason },
      { base: strictApi.baseUrl },
    );
    assert.equal(closed.status, 422, JSON.stringify(closed.body));
    assert.equal(closed.body.type, 'https://marketplace.dev/problems/return-window-closed');

    const pending = await deliveredOrder(1, { deliver: false });
    const early = await requestReturn(pending.orderId, {
      lines: [{ sku: pending.sku, quantity: 1 }],
      reason,
    });
    assert.equal(early.status, 409, JSON.stringify(early.body));
    assert.equal(early.body.type, 'https://marketplace.dev/problems/not-delivered');
    const notInOrder = await requestReturn(pending.orderId, { lines: [{ sku, quantity: 1 }], reason });
    assert.equal(notInOrder.status, 422);
  });

  test('a silent seller: the return escalates to ops, who decide it', async () => {
    const { orderId, sku } = await deliveredOrder(1);
    const created = await requestReturn(
      orderId,
      { lines: [{ sku, quantity: 1 }], reason },
      { base: hurriedApi.baseUrl },
    );
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const { returnId } = created.body;
    const escalated = await returnReaches(returnId, 'escalated');
    assert.equal(escalated.escalatedStep, 'decision');
    assert.equal((await sellerStep(returnId, 'approve')).status, 409, 'too late for the seller');
    const buyerTries = await call(api.baseUrl, 'POST', `/ops/returns/${returnId}/decision`, {
      body: { decision: 'approve', reason: 'x' },
      headers: buyer.auth,
    });
    assert.equal(buyerTries.status, 403);
    const decided = await call<ReturnView>(api.baseUrl, 'POST', `/ops/returns/${returnId}/decision`, {
      body: { decision: 'approve', reason: 'seller did not answer; damaged on arrival' },
      headers: ops,
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const labelled = await returnReaches(returnId, 'label_created');
    assert.match(labelled.trackingNumber ?? '', /^SBX/);
    const doc = await services.collections.returns.findOne({ _id: returnId });
    assert.equal(doc?.decidedBy, 'ops');
  });
});
