import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createActivities } from '../activities';
import { returnRefund } from '../domain/return-refund';
import type { SellerLedgerEntry } from '../domain/seller-ledger';
import { disputesByStatus } from '../reporting/dispute-outcomes';
import type { Services } from '../integrations/services';
import type { disputeWorkflow, sellerPayoutWorkflow } from '../workflows';
import { disputeWorkflowId } from '../disputes/dispute-messages';
import { payoutWorkflowId } from '../workflows/payout-definitions';
import {
  call,
  connectTestServices,
  eventually,
  opsAuth,
  register,
  startApi,
  startWorker,
  testEnv,
  uniqueId,
  type Account,
  type RunningApi,
  type RunningWorker,
} from './support/stack';
import { confirmedOrder, deliverSubOrder, listedProduct } from './support/delivered-order';
import { historyToFile } from './support/history-file';
import { line, seedDeliveredSubOrder, seedSeller } from './support/ledger-fixtures';
import { disputeEvent, newDisputeId, postStripeEvent, type DisputeEventInput } from './support/stripe-events';
import { startStripeRecorder, type StripeRecorder } from './support/stripe-recorder';

interface Money {
  amount: number;
  currency: string;
}
interface DisputeView {
  disputeId: string;
  status: string;
  hold?: Money;
  dueBy?: string;
  evidence?: { text: Record<string, string>; documentUrls: string[] };
  evidenceSubmittedAt?: string;
  evidenceSubmittedBy?: string;
  outcome?: string;
  sellerDebit?: Money;
  type?: string;
}

const day = 86_400_000;
const fixtures = resolve(__dirname, '..', '..', 'test', 'fixtures', 'histories');

describe('card disputes, through the API, signed Stripe webhooks and stripe-mock', () => {
  let stripe: StripeRecorder;
  let services: Services;
  let worker: RunningWorker;
  let api: RunningApi;
  /** The same stack where the seller bears Stripe's dispute fee. */
  let sellerPaysFeeApi: RunningApi;
  let buyer: Account;
  let seller: Account;
  let otherSeller: Account;
  let ops: Record<string, string>;

  before(async () => {
    stripe = await startStripeRecorder(testEnv().STRIPE_API_BASE);
    services = await connectTestServices({ STRIPE_API_BASE: stripe.baseUrl });
    worker = await startWorker(services);
    api = await startApi(services);
    sellerPaysFeeApi = await startApi({
      ...services,
      env: { ...services.env, DISPUTE_FEE_BORNE_BY: 'seller' },
    });
    [buyer, seller, otherSeller] = await Promise.all([
      register(api.baseUrl, 'buyer'),
      register(api.baseUrl, 'seller'),
      register(api.baseUrl, 'seller'),
    ]);
    ops = await opsAuth(api.baseUrl, services);
  });

  /** Disputes this run opened: any still waiting when a test fails are ended, so no stray waits on. */
  const opened = new Set<string>();

  after(async () => {
    for (const disputeId of opened) {
      await services.temporal.workflow
        .getHandle(disputeWorkflowId(disputeId))
        .terminate('disputes test finished')
        .catch(() => undefined);
    }
    await Promise.all([api.stop(), sellerPaysFeeApi.stop()]);
    await worker.stop();
    await services.close();
    await stripe.stop();
  });

  const driver = () => ({ services, baseUrl: api.baseUrl });

  /** A fresh buyer's order of `quantity` units, driven by the seller and the carrier to delivered. */
  const deliveredOrder = async (quantity = 2) => {
    buyer = await register(api.baseUrl, 'buyer');
    const { sku } = await listedProduct(services, { sellerId: seller.sellerId ?? '', price: 2500 });
    const orderId = await confirmedOrder(driver(), buyer, [{ sku, quantity }]);
    await deliverSubOrder(driver(), seller, orderId);
    const subOrderId = `${orderId}:${seller.sellerId}`;
    const sub = await eventually(async () => {
      const doc = await services.collections.subOrders.findOne({ _id: subOrderId });
      const posted = await services.collections.sellerLedger.findOne({ _id: `sale:${subOrderId}` });
      return doc && posted ? doc : undefined;
    });
    return { orderId, sku, subOrderId, sub };
  };

  const ledgerOf = (subOrderId: string) =>
    services.collections.sellerLedger.find({ subOrderId }).sort({ _id: 1 }).toArray();
  const total = (entries: SellerLedgerEntry[], kinds?: Array<SellerLedgerEntry['kind']>) =>
    entries.filter((e) => !kinds || kinds.includes(e.kind)).reduce((t, e) => t + e.amount.amount, 0);

  const send = (input: DisputeEventInput, base = api.baseUrl) => {
    opened.add(input.disputeId);
    return postStripeEvent(services, base, disputeEvent(input));
  };

  const disputeReaches = (disputeId: string, status: string) =>
    eventually(
      async () => {
        const doc = await services.collections.disputes.findOne({ _id: disputeId });
        return doc?.status === status ? doc : undefined;
      },
      { what: `dispute ${disputeId} ${status}`, timeoutMs: 30_000 },
    );

  const readDispute = (disputeId: string, headers: Record<string, string>) =>
    call<DisputeView>(api.baseUrl, 'GET', `/disputes/${disputeId}`, { headers });

  test('a dispute on a delivered order holds the money, the evidence goes in before the deadline, a win releases it', async () => {
    const { subOrderId, sub } = await deliveredOrder();
    const before = await ledgerOf(subOrderId);
    const earned = total(before);
    const disputeId = newDisputeId();
    const now = Math.floor(Date.now() / 1000);
    const dueBy = now + 7 * 86_400;
    const base = { disputeId, paymentIntentId: sub.paymentIntentId, amount: sub.total.amount, dueBy };
    opened.add(disputeId);
    const created = disputeEvent({
      ...base,
      type: 'charge.dispute.created',
      status: 'needs_response',
      fee: 1500,
      created: now,
    });
    const first = await postStripeEvent(services, api.baseUrl, created);
    assert.deepEqual(first.body, { received: true, duplicate: false });
    const again = await postStripeEvent(services, api.baseUrl, created);
    assert.deepEqual(again.body, { received: true, duplicate: true }, 'a redelivered event is taken in once');

    // 1. The hold: exactly what the seller earned on the sub-order (sale + shipping - commission).
    await disputeReaches(disputeId, 'awaiting_evidence');
    const held = await ledgerOf(subOrderId);
    assert.equal(total(held, ['dispute_hold']), -earned);
    assert.equal(total(held), 0, 'nothing of this sub-order can be paid out while it is disputed');
    const outbox = await eventually(
      async () => {
        const mails = await services.collections.outbox
          .find({ template: { $in: ['dispute-opened', 'dispute-opened-ops'] }, body: { $regex: disputeId } })
          .toArray();
        return mails.length === 2 ? mails : undefined;
      },
      { what: 'the seller and ops told' },
    );
    assert.deepEqual(outbox.map((m) => m.to).sort(), [seller.email, services.env.OPS_EMAIL].sort());

    // Reads: the seller's own list and the dispute; nobody else's.
    const list = await call<{ items: DisputeView[] }>(api.baseUrl, 'GET', '/seller/disputes', {
      headers: seller.auth,
    });
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((d) => d.disputeId === disputeId));
    const others = await call<{ items: DisputeView[] }>(api.baseUrl, 'GET', '/seller/disputes', {
      headers: otherSeller.auth,
    });
    assert.ok(!others.body.items.some((d) => d.disputeId === disputeId));
    assert.equal((await readDispute(disputeId, otherSeller.auth)).status, 404);
    assert.equal((await readDispute(disputeId, buyer.auth)).status, 403);
    const seen = await readDispute(disputeId, seller.auth);
    assert.equal(seen.status, 200);
    assert.deepEqual(seen.body.hold, { amount: -earned, currency: 'USD' });
    assert.equal(seen.body.dueBy, new Date(dueBy * 1000).toISOString());

    // 2. The seller's evidence, then ops add to it and submit.
    const evidencePath = `/seller/disputes/${disputeId}/evidence`;
    const refused = await call<DisputeView>(api.baseUrl, 'POST', evidencePath, {
      body: { shipping_tracking_number: 'FAKE' },
      headers: seller.auth,
    });
    assert.equal(refused.status, 422, 'tracking comes from our records, not the seller');
    assert.equal(
      (
        await call(api.baseUrl, 'POST', evidencePath, {
          body: { product_description: 'x' },
          headers: otherSeller.auth,
        })
      ).status,
      404,
    );
    const answered = await call<DisputeView>(api.baseUrl, 'POST', evidencePath, {
      body: {
        product_description: 'Two stainless kettles, as listed',
        documentUrls: ['https://files.example.test/chat.pdf'],
      },
      headers: seller.auth,
    });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    assert.equal(answered.body.evidence?.text.product_description, 'Two stainless kettles, as listed');
    const submitted = await call<DisputeView>(api.baseUrl, 'POST', `/ops/disputes/${disputeId}/submit`, {
      body: { evidence: { uncategorized_text: 'The buyer signed for the parcel.' } },
      headers: ops,
    });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(submitted.body.status, 'submitted');
    assert.equal(submitted.body.evidenceSubmittedBy, 'ops');
    assert.ok(Date.parse(submitted.body.evidenceSubmittedAt ?? '') < dueBy * 1000, 'before due_by');
    const updates = stripe.calls.filter((c) => c.method === 'POST' && c.path === `/v1/disputes/${disputeId}`);
    assert.equal(updates.length, 1);
    assert.equal(updates[0]?.idempotencyKey, `dispute-${disputeId}-evidence`);
    const form = new URLSearchParams(updates[0]?.body ?? '');
    assert.equal(form.get('submit'), 'true');
    assert.equal(form.get('evidence[shipping_tracking_number]'), sub.trackingNumber);
    assert.equal(form.get('evidence[shipping_carrier]'), sub.carrier);
    assert.equal(form.get('evidence[product_description]'), 'Two stainless kettles, as listed');
    assert.match(form.get('evidence[uncategorized_text]') ?? '', /signed for the parcel[\s\S]*chat\.pdf/);
    const twice = await call<DisputeView>(api.baseUrl, 'POST', `/ops/disputes/${disputeId}/submit`, {
      body: {},
      headers: ops,
    });
    assert.equal(twice.status, 409);
    assert.match(twice.body.type ?? '', /\/invalid-state$/);

    // 3. Stripe's outcome: won. The hold comes back to the cent; replays change nothing.
    await send({ ...base, type: 'charge.dispute.updated', status: 'under_review', created: now + 1 });
    await send({ ...base, type: 'charge.dispute.closed', status: 'won', created: now + 2 });
    await disputeReaches(disputeId, 'won');
    const handle = services.temporal.workflow.getHandle<typeof disputeWorkflow>(disputeWorkflowId(disputeId));
    assert.equal((await handle.result()).status, 'won');
    const firstRun = (await handle.describe()).runId;
    const settled = await ledgerOf(subOrderId);
    assert.equal(total(settled), earned, 'the seller keeps exactly what they earned');
    assert.equal(total(settled, ['dispute_release']), earned);
    await send({ ...base, type: 'charge.dispute.closed', status: 'won', created: now + 2 });
    await send({ ...base, type: 'charge.dispute.funds_reinstated', status: 'won', created: now + 3 });
    await send({ ...base, type: 'charge.dispute.created', status: 'needs_response', created: now });
    assert.deepEqual(await ledgerOf(subOrderId), settled, 'late and replayed events change nothing');
    const described = await services.temporal.workflow.getHandle(disputeWorkflowId(disputeId)).describe();
    assert.equal(described.runId, firstRun, 'a late event starts no second run of a settled dispute');
    assert.equal(described.status.name, 'COMPLETED');

    const dashboard = await call<{
      disputes: { open: number; opened: number; won: number; rate: number | null };
    }>(api.baseUrl, 'GET', `/vendors/${seller.sellerId}/dashboard?period=day&periods=2`, {
      headers: seller.auth,
    });
    assert.equal(dashboard.status, 200);
    assert.ok(dashboard.body.disputes.opened >= 1);
    assert.ok(dashboard.body.disputes.won >= 1);
    assert.ok((dashboard.body.disputes.rate ?? 0) > 0);

    if (process.env.RECORD_HISTORIES === '1') {
      const history = await handle.fetchHistory();
      await writeFile(join(fixtures, 'dispute.json'), historyToFile(history));
    }
  });

  test('a lost dispute debits the seller once (the fee too, when the seller bears it), whatever order the webhooks come in', async () => {
    const { orderId, sku, subOrderId, sub } = await deliveredOrder();
    const earned = total(await ledgerOf(subOrderId));
    const credited = total(await ledgerOf(subOrderId), ['sale', 'shipping']);
    const disputeId = newDisputeId();
    const now = Math.floor(Date.now() / 1000);
    const base = {
      disputeId,
      paymentIntentId: sub.paymentIntentId,
      amount: sub.total.amount,
      dueBy: now + 7 * 86_400,
      fee: 1500,
    };
    const fees = sellerPaysFeeApi.baseUrl;
    await send({ ...base, type: 'charge.dispute.created', status: 'needs_response', created: now }, fees);
    await disputeReaches(disputeId, 'awaiting_evidence');
    // Stripe's closing event overtakes an earlier update; the update, arriving last, must not reopen it.
    await send({ ...base, type: 'charge.dispute.closed', status: 'lost', created: now + 20 }, fees);
    await send({ ...base, type: 'charge.dispute.updated', status: 'under_review', created: now + 10 }, fees);
    await disputeReaches(disputeId, 'lost');
    const entries = await ledgerOf(subOrderId);
    assert.equal(total(entries, ['chargeback']), -credited, 'the whole credited amount goes back');
    assert.equal(total(entries, ['chargeback_fee']), -1500);
    assert.equal(total(entries), -1500, 'sale, commission and shipping all undone; the fee is the loss');
    const view = await readDispute(disputeId, seller.auth);
    assert.deepEqual(view.body.sellerDebit, { amount: -earned - 1500, currency: 'USD' });
    assert.equal(view.body.outcome, 'lost');
    for (const type of [
      'charge.dispute.closed',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.updated',
    ] as const) {
      await send({ ...base, type, status: 'lost', created: now + 30 }, fees);
    }
    assert.deepEqual(await ledgerOf(subOrderId), entries, 'replays post nothing');

    // The buyer's bank already gave the money back: a return of the same units is refused.
    const asked = await call<{ type?: string }>(api.baseUrl, 'POST', `/orders/${orderId}/returns`, {
      body: { lines: [{ sku, quantity: 1 }], reason: { code: 'damaged' } },
      headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
    });
    assert.equal(asked.status, 409);
    assert.match(asked.body.type ?? '', /\/order-disputed$/);
  });

  test('ops accept the loss; a return refunded earlier is never taken twice', async () => {
    const { orderId, subOrderId, sub } = await deliveredOrder(2);
    // A return of one unit was refunded before the dispute (booked as the return workflow books it).
    const activities = createActivities(services);
    const returnId = uniqueId('ret');
    const refunded = await activities.postReturnRefund({
      returnId,
      orderId,
      sellerId: seller.sellerId ?? '',
      refund: { amount: 2500, currency: 'USD' },
    });
    assert.equal(refunded.refund.amount, -2500);
    const beforeDispute = await ledgerOf(subOrderId);
    const left = total(beforeDispute);
    const disputeId = newDisputeId();
    const now = Math.floor(Date.now() / 1000);
    await send({
      disputeId,
      paymentIntentId: sub.paymentIntentId,
      amount: sub.total.amount,
      dueBy: now + 7 * 86_400,
      type: 'charge.dispute.created',
      status: 'needs_response',
      created: now,
    });
    const opened = await disputeReaches(disputeId, 'awaiting_evidence');
    assert.deepEqual(opened.hold, { amount: -left, currency: 'USD' }, 'only what the return left is held');
    // A return on the same sub-order cannot refund while the bank decides: its refund step waits.
    const basis = { returnId: uniqueId('ret'), orderId, sellerId: seller.sellerId ?? '' };
    await assert.rejects(activities.returnRefundBasis(basis), { type: 'SubOrderDisputed' });
    const badBody = await call(api.baseUrl, 'POST', `/ops/disputes/${disputeId}/accept`, {
      body: {},
      headers: ops,
    });
    assert.equal(badBody.status, 422);
    assert.equal(
      (
        await call(api.baseUrl, 'POST', `/ops/disputes/${disputeId}/accept`, {
          body: { reason: 'x' },
          headers: seller.auth,
        })
      ).status,
      403,
    );
    const accepted = await call<DisputeView>(api.baseUrl, 'POST', `/ops/disputes/${disputeId}/accept`, {
      body: { reason: 'The parcel never arrived according to the buyer; not worth contesting' },
      headers: ops,
    });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    await disputeReaches(disputeId, 'accepted');
    const closes = stripe.calls.filter((c) => c.path === `/v1/disputes/${disputeId}/close`);
    assert.equal(closes.length, 1);
    assert.equal(closes[0]?.idempotencyKey, `dispute-${disputeId}-close`);
    const entries = await ledgerOf(subOrderId);
    assert.equal(total(entries), 0, 'return and dispute together take back exactly what was earned');
    assert.equal(total(entries, ['chargeback']), -(total(beforeDispute, ['sale', 'shipping']) - 2500));
    assert.equal(total(entries, ['chargeback_fee']), 0, 'the marketplace bears the fee by default');
    // Once lost, the buyer has every unit's money back: a return still open refunds nothing more.
    const after = await activities.returnRefundBasis(basis);
    assert.equal(returnRefund(after.pricing, { [sub.lines[0]?.sku ?? '']: 1 }, after.earlier).amount, 0);
    const counts = await disputesByStatus(services.collections);
    assert.ok(counts.accepted >= 1 && counts.won >= 1 && counts.lost >= 1, JSON.stringify(counts));
    // Stripe's own closing event follows; nothing changes.
    await send({
      disputeId,
      paymentIntentId: sub.paymentIntentId,
      amount: sub.total.amount,
      dueBy: now + 7 * 86_400,
      type: 'charge.dispute.closed',
      status: 'lost',
      created: now + 5,
    });
    assert.deepEqual(await ledgerOf(subOrderId), entries);
  });

  test('a dispute on a charge that is not ours holds nothing and is handed to ops', async () => {
    const disputeId = newDisputeId();
    const now = Math.floor(Date.now() / 1000);
    const res = await send({
      disputeId,
      paymentIntentId: `pi_${disputeId.slice(3)}`,
      amount: 1234,
      dueBy: now + 7 * 86_400,
      type: 'charge.dispute.created',
      status: 'needs_response',
      created: now,
    });
    assert.equal(res.status, 200);
    await disputeReaches(disputeId, 'unmatched');
    await eventually(async () => {
      const mails = await services.collections.outbox
        .find({ template: 'dispute-unmatched', body: { $regex: disputeId } })
        .toArray();
      return mails.length === 1 && mails[0]?.to === services.env.OPS_EMAIL ? true : undefined;
    });
    assert.equal(await services.collections.sellerLedger.countDocuments({ disputeId }), 0);
    assert.equal((await readDispute(disputeId, seller.auth)).status, 404);
    const seen = await readDispute(disputeId, ops);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.status, 'unmatched');
    assert.equal((await readDispute('not-a-dispute', ops)).status, 400);
  });

  test("Stripe's closing event arriving before the opening one still settles once", async () => {
    const sellerId = uniqueId('sel_order');
    await seedSeller(services.collections, sellerId, 'active');
    const orderId = uniqueId('ord');
    const subOrderId = await seedDeliveredSubOrder(services.collections, {
      orderId,
      sellerId,
      lines: [line(sellerId, uniqueId('sku'), 'books', 1800, 1)],
      deliveredAt: new Date(Date.now() - 3 * day),
    });
    await createActivities(services).postSaleToLedger({ orderId, sellerId });
    const credited = total(await ledgerOf(subOrderId), ['sale', 'shipping']);
    const disputeId = newDisputeId();
    const now = Math.floor(Date.now() / 1000);
    const base = { disputeId, paymentIntentId: `pi_${orderId}`, amount: credited, dueBy: now + 7 * 86_400 };
    await send({ ...base, type: 'charge.dispute.closed', status: 'lost', created: now + 50 });
    await send({ ...base, type: 'charge.dispute.created', status: 'needs_response', created: now });
    await send({
      ...base,
      type: 'charge.dispute.funds_withdrawn',
      status: 'needs_response',
      created: now + 1,
    });
    await disputeReaches(disputeId, 'lost');
    const handle = services.temporal.workflow.getHandle<typeof disputeWorkflow>(disputeWorkflowId(disputeId));
    assert.equal((await handle.result()).outcome, 'lost');
    const entries = await ledgerOf(subOrderId);
    assert.equal(total(entries), 0, 'the sale is undone once; the marketplace bears the fee');
    assert.equal(entries.filter((e) => e.kind === 'chargeback').length, 1);
    await send({ ...base, type: 'charge.dispute.created', status: 'needs_response', created: now });
    assert.deepEqual(await ledgerOf(subOrderId), entries);
    assert.equal(stripe.calls.filter((c) => c.path.startsWith(`/v1/disputes/${disputeId}`)).length, 0);
  });

  test('a payout never pays a held amount; a seller already paid is netted from the next payout', async () => {
    const sellerId = uniqueId('sel_disp');
    await seedSeller(services.collections, sellerId, 'active');
    const activities = createActivities(services);
    const seeded = async (price: number) => {
      const orderId = uniqueId('ord');
      const subOrderId = await seedDeliveredSubOrder(services.collections, {
        orderId,
        sellerId,
        lines: [line(sellerId, uniqueId('sku'), 'books', price, 1)],
        deliveredAt: new Date(Date.now() - 40 * day),
      });
      await activities.postSaleToLedger({ orderId, sellerId });
      const sub = await services.collections.subOrders.findOne({ _id: subOrderId });
      const entries = await ledgerOf(subOrderId);
      // What the buyer paid: the seeded record leaves shipping out of its total, the ledger has it.
      return { subOrderId, sub: sub!, earned: total(entries), paid: total(entries, ['sale', 'shipping']) };
    };
    const a = await seeded(3000);
    const b = await seeded(2000);
    const now = Math.floor(Date.now() / 1000);
    const open = async (which: typeof a) => {
      const disputeId = newDisputeId();
      const base = {
        disputeId,
        paymentIntentId: which.sub.paymentIntentId,
        amount: which.paid,
        dueBy: now + 7 * 86_400,
      };
      await send({ ...base, type: 'charge.dispute.created', status: 'needs_response', created: now });
      await disputeReaches(disputeId, 'awaiting_evidence');
      return base;
    };
    const payout = async () => {
      const period = uniqueId('disputes');
      return services.temporal.workflow.execute<typeof sellerPayoutWorkflow>('sellerPayoutWorkflow', {
        taskQueue: services.env.TEMPORAL_TASK_QUEUE,
        workflowId: payoutWorkflowId(sellerId, period),
        args: [{ sellerId, period }],
      });
    };

    const disputeA = await open(a);
    const first = await payout();
    assert.equal(first.status, 'paid');
    assert.deepEqual(first.amount, { amount: b.earned, currency: 'USD' }, 'only the undisputed sale is paid');

    // B was paid; a dispute on it now keeps its amount from the next payout.
    const disputeB = await open(b);
    const second = await payout();
    assert.equal(second.status, 'skipped');
    assert.deepEqual(second.amount, { amount: -b.earned, currency: 'USD' });

    await send({ ...disputeA, type: 'charge.dispute.closed', status: 'won', created: now + 5 });
    await send({ ...disputeB, type: 'charge.dispute.closed', status: 'lost', created: now + 5 });
    await disputeReaches(disputeA.disputeId, 'won');
    await disputeReaches(disputeB.disputeId, 'lost');
    const third = await payout();
    assert.equal(third.status, 'paid');
    assert.deepEqual(
      third.amount,
      { amount: a.earned - b.earned, currency: 'USD' },
      "A's released money, less what B's lost dispute took back after B was paid",
    );
  });
});
