import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createActivities } from '../activities';
import { newOrderId } from '../api/order-ids';
import { FlashSaleQueue } from '../integrations/flash-sale-queue';
import type { Services } from '../integrations/services';
import { register, type Account } from './support/accounts';
import { testShipTo as shipTo } from './support/addresses';
import { stockedProduct } from './support/catalog';
import { call } from './support/http';
import { connectTestServices, startApi, uniqueId, type RunningApi } from './support/services';

interface Problem {
  type: string;
  sku?: string;
  held?: number;
  ordered?: number;
}
const problem = (type: string) => `https://marketplace.dev/problems/${type}`;

// POST /orders with a flash-sale hold buys exactly what the hold reserved, for the buyer who holds it: the
// refusals are answered before any order is claimed or started.
describe('checking out a flash-sale hold', () => {
  let services: Services;
  let api: RunningApi;
  let queue: FlashSaleQueue;

  before(async () => {
    services = await connectTestServices();
    api = await startApi(services);
    queue = new FlashSaleQueue(services.redis);
  });
  after(async () => {
    await api.stop();
    await services.close();
  });

  /** A sale of `stock` units where the buyer joined the line for 2; `admit` serves the line once. */
  async function joinedSale(buyer: Account, admit: boolean) {
    const { sku } = await stockedProduct(services, { stock: 5 });
    await queue.flag(sku, {
      startsAt: new Date().toISOString(),
      admitPerSecond: 10,
      perBuyerLimit: 2,
      holdSeconds: 600,
    });
    // A ticket as POST /flash-sales/{sku}/queue mints it (api/flash-sale-checkout's ticketPattern).
    const ticket = `fst_${randomBytes(12).toString('hex')}`;
    const joined = await queue.join(sku, buyer.userId, { ticket, quantity: 2, orderId: newOrderId() });
    assert.equal(joined.kind, 'joined');
    if (admit) await createActivities(services).runFlashSaleTick({ sku, admit: 5, holdSeconds: 600 });
    return { sku, ticket };
  }

  const checkout = (buyer: Account, body: Record<string, unknown>) =>
    call<Problem>(api.baseUrl, 'POST', '/orders', {
      body: { shipTo, paymentMethodId: 'pm_card_visa', ...body },
      headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
    });

  test("another buyer's ticket is not found, and a hold still waiting in line cannot be bought", async () => {
    const buyer = await register(api.baseUrl, 'buyer');
    const other = await register(api.baseUrl, 'buyer');
    const waiting = await joinedSale(buyer, false);
    const notMine = await checkout(other, { flashSale: waiting });
    assert.equal(notMine.status, 404);
    assert.equal(notMine.body.type, problem('flash-sale-ticket-not-found'));
    const early = await checkout(buyer, { flashSale: waiting });
    assert.equal(early.status, 409);
    assert.equal(early.body.type, problem('flash-sale-hold-unavailable'));
  });

  test('the flash line must be exactly the held units', async () => {
    const buyer = await register(api.baseUrl, 'buyer');
    const held = await joinedSale(buyer, true);
    assert.equal((await queue.ticket(held.sku, held.ticket))?.state, 'held');
    const more = await checkout(buyer, { flashSale: held, lines: [{ sku: held.sku, quantity: 3 }] });
    assert.equal(more.status, 422);
    assert.equal(more.body.type, problem('flash-sale-quantity'));
    assert.deepEqual(
      { sku: more.body.sku, held: more.body.held, ordered: more.body.ordered },
      { sku: held.sku, held: 2, ordered: 3 },
    );
  });
});
