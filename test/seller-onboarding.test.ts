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
  uniqueId,
  type Account,
  type RunningApi,
  type RunningWorker,
} from './support/stack';
import { payoutScheduleId } from '../workflows/payout-definitions';

interface Onboarding {
  sellerId: string;
  status: string;
  approval: string;
  stripeAccountId: string;
  onboardingUrl: string;
}

interface Seller {
  sellerId: string;
  status: string;
  approval: string;
  canSell: boolean;
  canBePaid: boolean;
  closedReason?: string;
}

interface AccountState {
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  disabled_reason: string | null;
}

const live: AccountState = {
  charges_enabled: true,
  payouts_enabled: true,
  details_submitted: true,
  disabled_reason: null,
};
const restricted: AccountState = {
  charges_enabled: false,
  payouts_enabled: false,
  details_submitted: true,
  disabled_reason: 'requirements.past_due',
};

describe('seller onboarding through the API, Stripe (stripe-mock), signed webhooks and Temporal', () => {
  let services: Services;
  let worker: RunningWorker;
  let api: RunningApi;
  let ops: Record<string, string>;
  let clock = Math.floor(Date.now() / 1000);
  const started: string[] = [];

  before(async () => {
    services = await connectTestServices();
    worker = await startWorker(services);
    api = await startApi(services);
    ops = await opsAuth(api.baseUrl, services);
  });

  after(async () => {
    // Onboarding workflows wait for days; end this run's ones so the shared dev server keeps no strays.
    await Promise.allSettled(
      started.map((sellerId) =>
        services.temporal.workflow.getHandle(`seller-onboarding-${sellerId}`).terminate('test finished'),
      ),
    );
    // So do the payout schedules that onboarding made for the sellers it let be paid.
    await Promise.allSettled(
      started.map((sellerId) => services.temporal.schedule.getHandle(payoutScheduleId(sellerId)).delete()),
    );
    await api.stop();
    await worker.stop();
    await services.close();
  });

  const startOnboarding = (seller: Account, email = `${uniqueId('shop')}@example.test`) => {
    started.push(seller.sellerId ?? '');
    return call<Onboarding>(api.baseUrl, 'POST', '/sellers', {
      body: { businessName: 'Kettle Co', country: 'US', email },
      headers: seller.auth,
    });
  };

  const readSeller = (sellerId: string, headers: Record<string, string>) =>
    call<Seller>(api.baseUrl, 'GET', `/sellers/${sellerId}`, { headers });

  /** A Stripe account.updated event, signed as Stripe signs it, posted as Stripe posts it. */
  function accountUpdated(sellerId: string, accountId: string, state: AccountState) {
    clock += 1;
    const payload = JSON.stringify({
      id: uniqueId('evt'),
      object: 'event',
      type: 'account.updated',
      created: clock,
      livemode: false,
      data: {
        object: {
          id: accountId,
          object: 'account',
          type: 'express',
          charges_enabled: state.charges_enabled,
          payouts_enabled: state.payouts_enabled,
          details_submitted: state.details_submitted,
          requirements: { disabled_reason: state.disabled_reason },
          metadata: { sellerId },
        },
      },
    });
    return payload;
  }

  const postWebhook = (payload: string, signature?: string) =>
    call<{ received?: boolean; duplicate?: boolean; type?: string }>(
      api.baseUrl,
      'POST',
      '/webhooks/stripe',
      {
        body: payload,
        headers: {
          'stripe-signature':
            signature ??
            services.stripe.webhooks.generateTestHeaderString({
              payload,
              secret: services.env.STRIPE_WEBHOOK_SECRET,
            }),
        },
      },
    );

  const sellerReaches = (sellerId: string, check: (seller: Seller) => boolean, what: string) =>
    eventually(
      async () => {
        const res = await readSeller(sellerId, ops);
        return res.status === 200 && check(res.body) ? res.body : undefined;
      },
      { what },
    );

  const productBody = (status: 'draft' | 'active') => ({
    title: 'Gooseneck kettle',
    category: 'kitchen',
    price: { amount: 4900, currency: 'USD' },
    skus: [{ sku: uniqueId('KET').toUpperCase() }],
    status,
  });

  test('a seller onboards, is approved and sells; a Stripe restriction hides products and stops payouts', async () => {
    const seller = await register(api.baseUrl, 'seller');
    const sellerId = seller.sellerId ?? '';
    const email = `${uniqueId('shop')}@example.test`;

    const started = await startOnboarding(seller, email);
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.equal(started.headers.get('location'), `/sellers/${sellerId}`);
    assert.equal(started.body.sellerId, sellerId);
    assert.match(started.body.stripeAccountId, /^acct_/);
    assert.match(started.body.onboardingUrl, /^https:\/\//);
    assert.equal(started.body.status, 'pending_verification');

    const again = await startOnboarding(seller, email);
    assert.equal(again.status, 200, 'the same seller joins the same onboarding');
    assert.equal(again.body.stripeAccountId, started.body.stripeAccountId);

    const pending = await readSeller(sellerId, seller.auth);
    assert.equal(pending.status, 200);
    assert.deepEqual(
      [pending.body.status, pending.body.approval, pending.body.canSell, pending.body.canBePaid],
      ['pending_verification', 'pending', false, false],
    );
    const early = await call(api.baseUrl, 'POST', '/products', {
      body: productBody('active'),
      headers: seller.auth,
    });
    assert.equal(early.status, 403, 'not approved yet: cannot publish');

    const goLive = await postWebhook(accountUpdated(sellerId, started.body.stripeAccountId, live));
    assert.deepEqual(goLive.body, { received: true, duplicate: false });
    await sellerReaches(sellerId, (s) => s.status === 'active', 'the account to be active');

    const approved = await call<Seller>(api.baseUrl, 'POST', `/ops/sellers/${sellerId}/decision`, {
      body: { decision: 'approve', reason: 'documents verified' },
      headers: ops,
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.deepEqual([approved.body.approval, approved.body.canSell], ['approved', true]);
    const twice = await call<{ type: string }>(api.baseUrl, 'POST', `/ops/sellers/${sellerId}/decision`, {
      body: { decision: 'reject', reason: 'second thoughts' },
      headers: ops,
    });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.type, 'https://marketplace.dev/problems/seller-decision-already-made');

    const published = await call<{ productId: string; version: number }>(api.baseUrl, 'POST', '/products', {
      body: productBody('active'),
      headers: seller.auth,
    });
    assert.equal(published.status, 201, JSON.stringify(published.body));
    const productId = published.body.productId;
    assert.equal((await call(api.baseUrl, 'GET', `/products/${productId}`)).status, 200);

    // Stripe restricts the account; the same event delivered twice has one effect.
    const restriction = accountUpdated(sellerId, started.body.stripeAccountId, restricted);
    const [first, second] = [await postWebhook(restriction), await postWebhook(restriction)];
    assert.equal(first.body.duplicate, false);
    assert.deepEqual(second.body, { received: true, duplicate: true });
    const paused = await sellerReaches(sellerId, (s) => s.status === 'restricted', 'the restriction');
    assert.equal(paused.canBePaid, false);
    await eventually(
      async () =>
        (await call(api.baseUrl, 'GET', `/products/${productId}`)).status === 404 ? true : undefined,
      { what: 'the product to be hidden from buyers' },
    );
    const product = await eventually(async () => {
      const doc = await services.collections.products.findOne({ _id: productId });
      return doc?.sellerPaused ? doc : undefined;
    });
    assert.equal(product.version, published.body.version + 1, 'hidden once: the version moved once');
    const notices = await eventually(async () => {
      const found = await services.collections.outbox
        .find({ to: email, template: 'seller-restricted' })
        .toArray();
      return found.length > 0 ? found : undefined;
    });
    assert.equal(notices.length, 1, 'one restriction email for one event');

    // Stripe re-enables it: products come back and payouts resume.
    await postWebhook(accountUpdated(sellerId, started.body.stripeAccountId, live));
    const reinstated = await sellerReaches(sellerId, (s) => s.status === 'active', 'reinstatement');
    assert.equal(reinstated.canBePaid, true);
    await eventually(
      async () =>
        (await call(api.baseUrl, 'GET', `/products/${productId}`)).status === 200 ? true : undefined,
      { what: 'the product to be visible again' },
    );
  });

  test('webhooks: a bad or missing signature is a 400 problem; unknown events are acknowledged', async () => {
    const payload = accountUpdated('sel_nobody', 'acct_nobody', live);
    const forged = await postWebhook(payload, 't=1,v1=deadbeef');
    assert.equal(forged.status, 400);
    assert.equal(forged.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(forged.body.type, 'https://marketplace.dev/problems/invalid-signature');

    const tampered = services.stripe.webhooks.generateTestHeaderString({
      payload,
      secret: services.env.STRIPE_WEBHOOK_SECRET,
    });
    const changed = await postWebhook(
      payload.replace('"charges_enabled":true', '"charges_enabled":false'),
      tampered,
    );
    assert.equal(changed.status, 400, 'the signature covers the exact bytes');

    const unsigned = await call(api.baseUrl, 'POST', '/webhooks/stripe', { body: payload });
    assert.equal(unsigned.status, 400);

    const other = JSON.stringify({
      id: uniqueId('evt'),
      object: 'event',
      type: 'payout.paid',
      created: clock,
      data: { object: { id: 'po_1', object: 'payout' } },
    });
    const acknowledged = await postWebhook(other);
    assert.deepEqual([acknowledged.status, acknowledged.body.received], [200, true]);

    const stranger = await postWebhook(accountUpdated('sel_nobody', 'acct_nobody', live));
    assert.equal(stranger.status, 200, 'an account that is not one of ours is acknowledged, not retried');
  });

  test('a seller sees only itself; only ops decide; bad input is a 4xx', async () => {
    const a = await register(api.baseUrl, 'seller');
    const b = await register(api.baseUrl, 'seller');
    const buyer = await register(api.baseUrl, 'buyer');
    assert.equal((await startOnboarding(a)).status, 201);

    assert.equal((await readSeller(a.sellerId ?? '', a.auth)).status, 200);
    const probing = await readSeller(a.sellerId ?? '', b.auth);
    assert.equal(probing.status, 404, "seller B cannot see seller A's onboarding");
    assert.equal((await readSeller(a.sellerId ?? '', buyer.auth)).status, 403);
    assert.equal((await readSeller(a.sellerId ?? '', ops)).status, 200);

    const selfApproval = await call(api.baseUrl, 'POST', `/ops/sellers/${a.sellerId}/decision`, {
      body: { decision: 'approve', reason: 'trust me' },
      headers: a.auth,
    });
    assert.equal(selfApproval.status, 403);
    const bogus = await call(api.baseUrl, 'POST', `/ops/sellers/${a.sellerId}/decision`, {
      body: { decision: 'maybe', reason: 'x' },
      headers: ops,
    });
    assert.equal(bogus.status, 422);
    const nobody = await call(api.baseUrl, 'POST', `/ops/sellers/sel_${uniqueId('none')}/decision`, {
      body: { decision: 'approve', reason: 'x' },
      headers: ops,
    });
    assert.equal(nobody.status, 404);

    const extra = await call(api.baseUrl, 'POST', '/sellers', {
      body: { businessName: 'X', country: 'US', email: 'x@example.test', status: 'active' },
      headers: b.auth,
    });
    assert.equal(extra.status, 422, 'unknown fields are refused');
    const badCountry = await call(api.baseUrl, 'POST', '/sellers', {
      body: { businessName: 'X', country: 'usa', email: 'x@example.test' },
      headers: b.auth,
    });
    assert.equal(badCountry.status, 422);
    const asBuyer = await call(api.baseUrl, 'POST', '/sellers', {
      body: { businessName: 'X', country: 'US', email: 'x@example.test' },
      headers: buyer.auth,
    });
    assert.equal(asBuyer.status, 403);
  });

  test('ops find the seller in Temporal by its seller id', async () => {
    const seller = await register(api.baseUrl, 'seller');
    await startOnboarding(seller);
    const ids = await eventually(
      async () => {
        const found: string[] = [];
        for await (const wf of services.temporal.workflow.list({
          query: `SellerId = '${seller.sellerId}' AND MarketplaceStatus = 'pending_verification'`,
        })) {
          found.push(wf.workflowId);
        }
        return found.length > 0 ? found : undefined;
      },
      { what: 'visibility to index the seller' },
    );
    assert.deepEqual(ids, [`seller-onboarding-${seller.sellerId}`]);
  });
});
