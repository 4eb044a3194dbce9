import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createActivities } from '../activities';
import { ledgerBalances } from '../inventory/stock-ledger';
import { issueToken, tokenKeysOf } from '../accounts/session-tokens';
import { runFlashSaleRace } from '../bench/flash-sale-race';
import { admissionsDue, ticketView } from '../domain/flash-sale';
import { FlashSaleQueue } from '../integrations/flash-sale-queue';
import type { Services } from '../integrations/services';
import { flashSaleWorkflowId } from '../workflows/flash-sale-definitions';
import {
  call,
  connectTestServices,
  eventually,
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

interface TicketBody {
  ticket: string;
  status: string;
  position?: number;
  ahead?: number;
  orderId?: string;
  pollAfterMs?: number;
}

describe('flash-sale rules', () => {
  test('admission keeps its pace whatever the beat length, and never bursts after a stall', () => {
    let carried = 0;
    let admitted = 0;
    for (const elapsed of [250, 250, 400, 100, 250, 750]) {
      const due = admissionsDue(10, elapsed, carried);
      carried = due.carried;
      admitted += due.admit;
    }
    assert.equal(admitted, 20, '2 seconds at 10 per second');
    assert.equal(admissionsDue(10, 60_000, 0).admit, 10, 'a stalled minute admits one second’s worth');
  });

  test('a buyer is asked back when its answer can change: near its admission, or when the shelf empties', () => {
    // 100 units at 10/s, the sale starting in 4 s.
    const line = {
      served: 0,
      soldOut: false,
      startsAtMs: 5000,
      admitPerSecond: 10,
      onShelf: 100,
      openHolds: 0,
    };
    const ticket = {
      ticket: 't',
      buyerId: 'b',
      quantity: 1,
      orderId: 'o',
      state: 'waiting' as const,
    };
    const pollAfter = (position: number, progress = line) => {
      const view = ticketView({ ...ticket, position }, progress, 1000);
      return view.status === 'waiting' ? view.pollAfterMs : undefined;
    };
    // The 2nd place is admitted about 4.2 s from now; it is asked back one beat after that.
    assert.equal(pollAfter(2), 4000 + 200 + 250);
    // At 50/s the 101st cannot be reached before the shelf empties (4 s + 2 s); it is asked back a second
    // later, when it learns sold out or backup. Those further back follow at 1,000 places a second.
    const fast = { ...line, admitPerSecond: 50 };
    assert.equal(pollAfter(101, fast), 4000 + 2000 + 1000);
    assert.equal(pollAfter(201, fast), 4000 + 2000 + 1000 + 100);
    assert.equal(pollAfter(3101, fast), 4000 + 2000 + 1000 + 3000);
    // A far place never polls more often than every 15 s, whatever the pace.
    assert.equal(pollAfter(5000, { ...line, admitPerSecond: 1 }), 15_000);
    // Once the shelf is empty a backup place (a hold ahead may still lapse) waits on others' checkouts.
    assert.equal(pollAfter(103, { ...line, served: 100, startsAtMs: 0, onShelf: 0, openHolds: 40 }), 2000);
    // Never sooner than half a second, even at the front of a line already admitting.
    assert.equal(pollAfter(1, { ...line, startsAtMs: 0, admitPerSecond: 1000 }), 500);
    assert.deepEqual(ticketView({ ...ticket, position: 2 }, { ...line, soldOut: true }, 1000), {
      status: 'sold_out',
    });
    assert.deepEqual(ticketView({ ...ticket, position: 2, state: 'sold_out' }, line, 1000), {
      status: 'sold_out',
    });
  });
});

describe('flash-sale holds against their expiry', () => {
  let services: Services;
  let activities: ReturnType<typeof createActivities>;
  before(async () => {
    services = await connectTestServices();
    activities = createActivities(services);
  });
  after(async () => services.close());

  /** A sale served by calling its beat directly, with three-second holds (room for a slow machine's claim). */
  async function heldSale() {
    const { sku } = await stockedProduct(services, { stock: 1 });
    const queue = new FlashSaleQueue(services.redis);
    await queue.flag(sku, {
      startsAt: new Date().toISOString(),
      admitPerSecond: 10,
      perBuyerLimit: 1,
      holdSeconds: 3,
    });
    const joined = await queue.join(sku, uniqueId('usr'), {
      ticket: uniqueId('fst'),
      quantity: 1,
      orderId: uniqueId('ord'),
    });
    assert.equal(joined.kind, 'joined');
    const ticket = joined.kind === 'joined' ? joined.ticket : '';
    const beat = () => activities.runFlashSaleTick({ sku, admit: 5, holdSeconds: 3 });
    assert.equal((await beat()).held, 1);
    const held = await queue.ticket(sku, ticket);
    assert.equal(held?.state, 'held');
    const lapsed = () =>
      eventually(async () => ((await queue.dueExpiries(sku, 10)).includes(ticket) ? true : undefined), {
        what: 'the hold to lapse',
      });
    // Redis' clock decides expiry, so wait by that clock.
    const pastExpiry = () =>
      eventually(
        async () => {
          const [seconds, micros] = await services.redis.time();
          const now = Number(seconds) * 1000 + Number(micros) / 1000;
          return now > (held?.expiresAt ?? 0) ? true : undefined;
        },
        { what: 'the hold to reach its expiry' },
      );
    return { sku, ticket, orderId: held?.orderId ?? '', beat, lapsed, pastExpiry };
  }

  test('an order that claimed the hold keeps it: the sweep does not give its units back', async () => {
    const { sku, ticket, orderId, beat, pastExpiry } = await heldSale();
    await activities.claimFlashSaleHold({ sku, ticket, orderId });
    await activities.claimFlashSaleHold({ sku, ticket, orderId });
    await pastExpiry();
    const after = await beat();
    assert.equal(after.expired, 0);
    assert.equal(after.soldOut, true);
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 0);
  });

  test('a lapsed hold cannot be claimed, before or after the sweep gives its units back', async () => {
    const { sku, ticket, orderId, beat, lapsed } = await heldSale();
    await assert.rejects(
      activities.claimFlashSaleHold({ sku, ticket, orderId: uniqueId('ord') }),
      /not_this_order/,
    );
    await lapsed();
    await assert.rejects(activities.claimFlashSaleHold({ sku, ticket, orderId }), /expired/);
    assert.equal((await beat()).expired, 1);
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 1);
    await assert.rejects(activities.claimFlashSaleHold({ sku, ticket, orderId }), /expired/);
    assert.deepEqual((await ledgerBalances(services.collections, [sku])).get(sku), { 'wh-test': 1 });
  });
});

describe('flash sales through the API', () => {
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;
  let ops: Record<string, string>;
  const sales: string[] = [];

  before(async () => {
    services = await connectTestServices();
    worker = await startWorker(services);
    api = await startApi(services);
    const token = await issueToken({ userId: 'usr_testops', role: 'ops' }, tokenKeysOf(services.env), 3600);
    ops = { authorization: `Bearer ${token}` };
  });

  after(async () => {
    // Sales that never sold out would keep beating on a task queue nobody polls after this file.
    for (const sku of sales) {
      await services.temporal.workflow
        .getHandle(flashSaleWorkflowId(sku))
        .terminate('test over')
        .catch(() => undefined);
    }
    await api.stop();
    await worker.stop();
    await services.close();
  });

  const flag = (sku: string, terms: Record<string, unknown> = {}) => {
    sales.push(sku);
    return call(api.baseUrl, 'PUT', `/ops/flash-sales/${sku}`, {
      headers: ops,
      body: {
        startsAt: new Date().toISOString(),
        admitPerSecond: 5,
        perBuyerLimit: 1,
        holdSeconds: 300,
        ...terms,
      },
    });
  };
  const join = (sku: string, as: Account, quantity = 1, ip = '10.9.9.9') =>
    call<TicketBody>(api.baseUrl, 'POST', `/flash-sales/${sku}/queue`, {
      headers: { ...as.auth, 'x-forwarded-for': ip },
      body: { quantity },
    });
  const poll = (sku: string, ticket: string, as: Account) =>
    call<TicketBody>(api.baseUrl, 'GET', `/flash-sales/${sku}/queue/${ticket}`, { headers: as.auth });
  const heldTicket = (sku: string, ticket: string, as: Account) =>
    eventually(
      async () => {
        const res = await poll(sku, ticket, as);
        return res.body.status === 'held' ? res.body : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1000, what: `ticket ${ticket} to hold stock` },
    );
  const checkout = (sku: string, ticket: string, as: Account) =>
    call<{ orderId: string }>(api.baseUrl, 'POST', '/orders', {
      headers: { ...as.auth, 'Idempotency-Key': uniqueId('key') },
      body: { flashSale: { sku, ticket }, shipTo, paymentMethodId: 'pm_card_visa' },
    });
  const orderStatus = (orderId: string) =>
    eventually(
      async () => {
        const doc = await services.collections.orders.findOne({ _id: orderId });
        return doc && ['confirmed', 'failed', 'cancelled'].includes(doc.status) ? doc : undefined;
      },
      { timeoutMs: 30_000, what: `order ${orderId} to settle` },
    );

  test('1,000 buyers in 4 processes through 2 API processes race for 20 units: exactly 20 sold, each checked out', async () => {
    const report = await runFlashSaleRace(services, {
      runId: uniqueId('race').replace(/-/g, ''),
      buyers: 1000,
      units: 20,
      buyerProcesses: 4,
      apiProcesses: 2,
      admitPerSecond: 20,
      holdSeconds: 300,
      arrivalMs: 1500,
    });
    assert.deepEqual(report.unexpected, [], 'no buyer saw an error');
    // Late arrivals may find the sale already over (409 at the door); everyone is answered either way.
    assert.ok(report.joined >= 20);
    assert.equal(report.expired, 0);
    assert.equal(report.heldByBuyers, 20, 'exactly the stock was handed out as holds');
    assert.equal(report.ordersPlaced, 20);
    assert.equal(report.soldOut, 980, 'everyone else was told it sold out');
    assert.equal(report.ledgerHolds, 20);
    assert.equal(report.ledgerUnitsReserved, 20, 'nothing oversold');
    assert.equal(report.ledgerReleases, 0);
    assert.equal(report.saleHolds, 20);
    assert.equal(report.redisAvailable, 0);
    assert.equal(report.ledgerAvailable, 0, 'the ledger agrees with Redis');
    assert.equal(report.ordersConfirmed, 20, JSON.stringify(report.orderStatuses));
    assert.equal(report.probeDuringRace.failures, 0, 'other shoppers were served throughout');
  });

  test('one place per buyer, the per-buyer limit holds, and scripted polling is throttled', async () => {
    const { sku } = await stockedProduct(services, { stock: 5 });
    assert.equal(
      (
        await flag(sku, {
          perBuyerLimit: 2,
          startsAt: new Date(Date.now() + 30 * 24 * 3600_000).toISOString(),
        })
      ).status,
      200,
    );
    const buyer = await register(api.baseUrl, 'buyer');
    const tooMany = await join(sku, buyer, 3);
    assert.equal(tooMany.status, 422);
    assert.equal((tooMany.body as unknown as { perBuyerLimit: number }).perBuyerLimit, 2);
    const first = await join(sku, buyer, 2);
    assert.equal(first.status, 201);
    assert.equal(first.body.status, 'waiting');
    assert.equal(first.body.position, 1);
    const again = await join(sku, buyer, 1);
    assert.equal(again.status, 200);
    assert.equal(again.body.ticket, first.body.ticket, 'the same place in line, not a second one');

    const other = await register(api.baseUrl, 'buyer');
    assert.equal((await poll(sku, first.body.ticket, other)).status, 404, "another buyer's ticket");
    const polls = await Promise.all(Array.from({ length: 30 }, () => poll(sku, first.body.ticket, buyer)));
    const throttled = polls.filter((p) => p.status === 429);
    assert.ok(throttled.length > 0, 'a script polling from one account is slowed down');
    assert.ok(Number(throttled[0]?.headers.get('retry-after')) >= 1);

    // Many accounts from one address (a bot farm) cannot take many places in line either.
    const keys = tokenKeysOf(services.env);
    const farm = await Promise.all(
      Array.from({ length: 25 }, async (_, i) => {
        const token = await issueToken({ userId: `usr_bot${i}`, role: 'buyer' }, keys, 600);
        const bot: Account = {
          token,
          userId: `usr_bot${i}`,
          email: `bot${i}@example.test`,
          password: '',
          auth: { authorization: `Bearer ${token}` },
        };
        return bot;
      }),
    );
    const botJoins = [];
    for (const bot of farm) botJoins.push(await join(sku, bot, 1, '10.66.66.66'));
    assert.ok(botJoins.some((j) => j.status === 429));
    assert.ok(botJoins.filter((j) => j.status === 201).length <= 20);

    const bad = await call(api.baseUrl, 'PUT', `/ops/flash-sales/${sku}`, {
      headers: ops,
      body: { startsAt: 'soon', admitPerSecond: 0, perBuyerLimit: 1, holdSeconds: 60, extra: 1 },
    });
    assert.equal(bad.status, 422);
    assert.equal((await call(api.baseUrl, 'GET', '/flash-sales/NO-SUCH-SALE')).status, 404);
    assert.equal((await flag('NO-SUCH-SKU')).status, 404);
    const asBuyer = await call(api.baseUrl, 'PUT', `/ops/flash-sales/${sku}`, {
      headers: buyer.auth,
      body: { startsAt: new Date().toISOString(), admitPerSecond: 1, perBuyerLimit: 1, holdSeconds: 60 },
    });
    assert.equal(asBuyer.status, 403);
  });

  test('an expired hold goes back to the next buyer, and can no longer be checked out', async () => {
    const { sku } = await stockedProduct(services, { stock: 1 });
    const [a, b] = [await register(api.baseUrl, 'buyer'), await register(api.baseUrl, 'buyer')];
    assert.equal((await flag(sku, { holdSeconds: 5, admitPerSecond: 10 })).status, 200);
    const ticketA = (await join(sku, a)).body.ticket;
    const ticketB = (await join(sku, b, 1, '10.9.9.10')).body.ticket;
    const heldA = await heldTicket(sku, ticketA, a);
    assert.match(heldA.orderId ?? '', /^ord_/);
    const waitingB = await poll(sku, ticketB, b);
    assert.equal(waitingB.body.status, 'waiting', 'one unit, one hold');
    assert.equal(waitingB.body.ahead, 0);

    // A lets the hold lapse: the unit goes to B, who checks out at once (B's hold lasts 5 s too), and
    // A's checkout is refused.
    const heldB = await heldTicket(sku, ticketB, b);
    const placed = await checkout(sku, ticketB, b);
    assert.equal((await poll(sku, ticketA, a)).body.status, 'expired');
    const late = await checkout(sku, ticketA, a);
    assert.equal(late.status, 409);

    assert.equal(placed.status, 202);
    assert.equal(placed.body.orderId, heldB.orderId, 'the order is the hold');
    const order = await orderStatus(placed.body.orderId);
    assert.equal(order.status, 'confirmed', order.failureReason);
    assert.equal((await poll(sku, ticketB, b)).body.status, 'ordered');

    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 0);
    const ledger = await services.collections.stockLedger.find({ sku, kind: { $ne: 'adjust' } }).toArray();
    assert.deepEqual(ledger.map((e) => [e.holdId, e.kind, e.delta]).sort(), [
      [heldA.orderId, 'release', 1],
      [heldA.orderId, 'reserve', -1],
      [heldB.orderId, 'reserve', -1],
    ]);
    const sale = await call<{ soldOut: boolean; holds: number }>(api.baseUrl, 'GET', `/flash-sales/${sku}`);
    assert.equal(sale.body.holds, 2);
  });

  test("a live sale's history grows by admissions, not by its 250 ms beat", async () => {
    const { sku } = await stockedProduct(services, { stock: 3 });
    assert.equal((await flag(sku, { admitPerSecond: 10 })).status, 200);
    const handle = services.temporal.workflow.getHandle(flashSaleWorkflowId(sku));
    const events = async () => (await handle.fetchHistory()).events?.length ?? 0;
    const admitted = () => handle.query<{ status: string; admitted: number }>('flashSaleState');
    await eventually(async () => ((await admitted()).status === 'admitting' ? true : undefined));
    // Nobody in line: the admission activity beats on (it sweeps and looks for buyers every beat), and
    // no beat writes to the history. Twenty beats of 250 ms would have been 100 events before.
    const idleStart = await events();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    assert.equal(await events(), idleStart, 'an idle sale writes no history');

    // A buyer joins: the admission is reported once, as one activity completion and one workflow task.
    const buyer = await register(api.baseUrl, 'buyer');
    const ticket = (await join(sku, buyer)).body.ticket;
    await heldTicket(sku, ticket, buyer);
    await eventually(async () => ((await admitted()).admitted === 1 ? true : undefined));
    assert.ok((await events()) - idleStart <= 8, `${(await events()) - idleStart} events for one admission`);
  });

  test('checkout must order exactly the held units, and only its own ticket', async () => {
    const { sku } = await stockedProduct(services, { stock: 3 });
    const buyer = await register(api.baseUrl, 'buyer');
    const other = await register(api.baseUrl, 'buyer');
    assert.equal((await flag(sku, { perBuyerLimit: 2 })).status, 200);
    const ticket = (await join(sku, buyer, 2)).body.ticket;
    await heldTicket(sku, ticket, buyer);
    const more = await call(api.baseUrl, 'POST', '/orders', {
      headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
      body: { flashSale: { sku, ticket }, lines: [{ sku, quantity: 3 }], shipTo },
    });
    assert.equal(more.status, 422);
    assert.equal((await checkout(sku, ticket, other)).status, 404);
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 1, 'the hold took two units');
  });
});
