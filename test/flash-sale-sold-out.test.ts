import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueToken, tokenKeysOf } from '../accounts/session-tokens';
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

// Losers hear "sold out" as soon as no unit can reach their place, not when the last winner has paid: a
// place behind the open holds is told at its next poll, a buyer arriving then is told at the door.

interface TicketBody {
  ticket: string;
  status: string;
  ahead?: number;
  orderId?: string;
  pollAfterMs?: number;
}

describe('a flash sale whose shelf is empty', () => {
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;
  let ops: Record<string, string>;
  let sku = '';

  before(async () => {
    services = await connectTestServices();
    worker = await startWorker(services);
    api = await startApi(services);
    const token = await issueToken({ userId: 'usr_testops', role: 'ops' }, tokenKeysOf(services.env), 3600);
    ops = { authorization: `Bearer ${token}` };
  });

  after(async () => {
    await services.temporal.workflow
      .getHandle(flashSaleWorkflowId(sku))
      .terminate('test over')
      .catch(() => undefined);
    await api.stop();
    await worker.stop();
    await services.close();
  });

  const join = (as: Account, ip: string) =>
    call<TicketBody>(api.baseUrl, 'POST', `/flash-sales/${sku}/queue`, {
      headers: { ...as.auth, 'x-forwarded-for': ip },
      body: { quantity: 1 },
    });
  const poll = (ticket: string, as: Account) =>
    call<TicketBody>(api.baseUrl, 'GET', `/flash-sales/${sku}/queue/${ticket}`, { headers: as.auth });
  const statusOf = async (ticket: string, as: Account) => (await poll(ticket, as)).body.status;

  test('places behind the open holds are told sold out, a backup waits, and a latecomer is told at the door', async () => {
    ({ sku } = await stockedProduct(services, { stock: 1 }));
    const flagged = await call(api.baseUrl, 'PUT', `/ops/flash-sales/${sku}`, {
      headers: ops,
      body: { startsAt: new Date().toISOString(), admitPerSecond: 10, perBuyerLimit: 1, holdSeconds: 300 },
    });
    assert.equal(flagged.status, 200);
    const a = await register(api.baseUrl, 'buyer');
    const b = await register(api.baseUrl, 'buyer');
    const c = await register(api.baseUrl, 'buyer');
    const late = await register(api.baseUrl, 'buyer');
    const ticketA = (await join(a, '10.7.0.1')).body.ticket;
    const ticketB = (await join(b, '10.7.0.2')).body.ticket;
    const ticketC = (await join(c, '10.7.0.3')).body.ticket;

    const heldA = await eventually(
      async () => {
        const res = await poll(ticketA, a);
        return res.body.status === 'held' ? res.body : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'the one unit to be held' },
    );

    // One open hold may still lapse: the first place behind it waits as its backup, asked back in 2 s.
    const backup = await poll(ticketB, b);
    assert.equal(backup.body.status, 'waiting');
    assert.equal(backup.body.ahead, 0);
    assert.equal(backup.body.pollAfterMs, 2000);
    // The place behind that one can no longer be reached by any unit: sold out, and it stays so.
    assert.equal(await statusOf(ticketC, c), 'sold_out');
    assert.equal(await statusOf(ticketC, c), 'sold_out');
    const rejoined = await join(c, '10.7.0.3');
    assert.equal(rejoined.status, 200);
    assert.deepEqual([rejoined.body.ticket, rejoined.body.status], [ticketC, 'sold_out']);

    // A buyer arriving now is told at the door, with one request, and takes no place in line.
    const atTheDoor = await join(late, '10.7.0.4');
    assert.equal(atTheDoor.status, 409);
    assert.equal((atTheDoor.body as unknown as { type: string }).type.endsWith('flash-sale-sold-out'), true);
    const queue = new FlashSaleQueue(services.redis);
    assert.equal((await queue.sale(sku))?.queued, 3);

    // A checks out: its hold can no longer lapse, so the backup learns sold out too.
    const placed = await call<{ orderId: string }>(api.baseUrl, 'POST', '/orders', {
      headers: { ...a.auth, 'Idempotency-Key': uniqueId('key') },
      body: { flashSale: { sku, ticket: ticketA }, shipTo, paymentMethodId: 'pm_card_visa' },
    });
    assert.equal(placed.status, 202);
    assert.equal(placed.body.orderId, heldA.orderId);
    await eventually(async () => ((await statusOf(ticketB, b)) === 'sold_out' ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'the backup to be told sold out once the hold was checked out',
    });
    // Exactly the one unit was held, by A; neither sold-out place was ever given one.
    const reserves = await services.collections.stockLedger.find({ sku, kind: 'reserve' }).toArray();
    assert.deepEqual(
      reserves.map((e) => e.holdId),
      [heldA.orderId],
    );
  });
});
