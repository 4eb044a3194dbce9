import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
import { CheckoutsInFlight } from '../inventory/checkouts-in-flight';
import { connectTestServices, stockedProduct, uniqueId } from './support/stack';

// The door's count of checkouts on their way, against the real Redis and the real reservation scripts: a
// checkout counts until its order's hold exists (then the counters show it) or its time runs out.
describe('checkouts on their way to a reservation', () => {
  let services: Services;
  let clock = 1_000_000;
  let inFlight: CheckoutsInFlight;

  before(async () => {
    services = await connectTestServices();
    inFlight = new CheckoutsInFlight(services.redis, 30_000, () => clock);
  });

  after(() => services.close());

  test('units promised to checkouts ahead count until their orders hold, release or commit', async () => {
    const { sku } = await stockedProduct(services, { stock: 2 });
    const [first, second, third] = [uniqueId('ord'), uniqueId('ord'), uniqueId('ord')];
    assert.deepEqual(await inFlight.admit(sku, first, 1), { kind: 'admitted' });
    assert.deepEqual(await inFlight.admit(sku, second, 1), { kind: 'admitted' });
    assert.deepEqual(await inFlight.admit(sku, third, 1), { kind: 'short', available: 0, stocked: true });

    // The first order reserves: the counters now show its unit, so it no longer counts as on its way.
    assert.equal((await services.counters.reserve(sku, first, 1)).kind, 'held');
    assert.deepEqual(await inFlight.admit(sku, third, 1), { kind: 'short', available: 0, stocked: true });
    // It releases (cancelled, payment declined): the unit is offered again.
    assert.equal((await services.counters.release(sku, first)).kind, 'released');
    assert.deepEqual(await inFlight.admit(sku, third, 1), { kind: 'admitted' });
    assert.deepEqual(await inFlight.admit(sku, uniqueId('ord'), 1), {
      kind: 'short',
      available: 0,
      stocked: true,
    });
  });

  test('a checkout withdrawn, or one whose order never reserves, stops counting', async () => {
    const { sku } = await stockedProduct(services, { stock: 1 });
    const [first, second, third] = [uniqueId('ord'), uniqueId('ord'), uniqueId('ord')];
    assert.deepEqual(await inFlight.admit(sku, first, 1), { kind: 'admitted' });
    await inFlight.withdraw(sku, first);
    assert.deepEqual(await inFlight.admit(sku, second, 1), { kind: 'admitted' });
    assert.deepEqual(await inFlight.admit(sku, third, 1), { kind: 'short', available: 0, stocked: true });
    clock += 30_001;
    assert.deepEqual(await inFlight.admit(sku, third, 1), { kind: 'admitted' });
  });

  test('a checkout asking for more than is left is refused with what is left to it', async () => {
    const { sku } = await stockedProduct(services, { stock: 5 });
    assert.deepEqual(await inFlight.admit(sku, uniqueId('ord'), 2), { kind: 'admitted' });
    assert.deepEqual(await inFlight.admit(sku, uniqueId('ord'), 4), {
      kind: 'short',
      available: 3,
      stocked: true,
    });
    assert.deepEqual(await inFlight.admit(sku, uniqueId('ord'), 3), { kind: 'admitted' });
    const never = uniqueId('NEVER').toUpperCase();
    assert.deepEqual(await inFlight.admit(never, uniqueId('ord'), 1), {
      kind: 'short',
      available: 0,
      stocked: false,
    });
  });
});
