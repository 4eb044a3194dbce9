import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createActivities } from '../activities';
import type { Services } from '../integrations/services';
import { connectTestServices, stockedProduct, uniqueId } from './support/stack';
import { ledgerAvailable as ledgerOf, redisAvailable as redisOf } from './support/stock';

// Each hold ends one way (released or sold), decided by one claim, and its ledger entries are written by
// whoever asks, however often: the ledger follows every decision Redis carried out.
describe('a stock hold ends once, and the ledger always hears of it', () => {
  let services: Services;
  let activities: ReturnType<typeof createActivities>;

  before(async () => {
    services = await connectTestServices();
    activities = createActivities(services);
  });
  after(() => services.close());

  const ledgerAvailable = (sku: string) => ledgerOf(services, sku);
  const redisAvailable = (sku: string) => redisOf(services, sku);

  test('a release retried after Redis already released it still writes the ledger', async () => {
    const { sku } = await stockedProduct(services, { stock: 3 });
    const holdId = uniqueId('ord');
    await activities.reserveStock({ holdId, lines: [{ sku, quantity: 2 }] });
    // The first attempt released in Redis and died before the ledger write (a dropped database link).
    await services.counters.release(sku, holdId);
    await activities.releaseStock({ holdId, skus: [sku] });
    assert.equal(await redisAvailable(sku), 3);
    assert.equal(await ledgerAvailable(sku), 3, 'the retry recorded the release');
  });

  test('an attempt still running after its retry found the stock short cannot hold stock any more', async () => {
    const { sku } = await stockedProduct(services, { stock: 1 });
    const holdId = uniqueId('ord');
    // The retry: two units asked, one there. The order fails on it, and nothing of it is held.
    await assert.rejects(activities.reserveStock({ holdId, lines: [{ sku, quantity: 2 }] }), (error: Error) =>
      error.message.includes('available'),
    );
    // A cancelled order gives units back meanwhile.
    await services.counters.adjust(sku, 'wh-test', 2, uniqueId('returned'));
    // The first attempt, timed out but still running, reaches Redis only now.
    await assert.rejects(activities.reserveStock({ holdId, lines: [{ sku, quantity: 2 }] }), (error: Error) =>
      error.message.includes('already'),
    );
    assert.equal(await redisAvailable(sku), 3, 'the failed order holds nothing');
    const open = await services.collections.stockLedger.countDocuments({ holdId, kind: 'reserve' });
    const closed = await services.collections.stockLedger.countDocuments({ holdId, kind: 'release' });
    assert.equal(open, closed, 'no reservation is left unbalanced in the ledger');
  });

  test('releases racing each other give the units back once', async () => {
    const { sku } = await stockedProduct(services, { stock: 4 });
    const holdId = uniqueId('ord');
    await activities.reserveStock({ holdId, lines: [{ sku, quantity: 3 }] });
    await Promise.all(Array.from({ length: 8 }, () => activities.releaseStock({ holdId, skus: [sku] })));
    assert.equal(await redisAvailable(sku), 4);
    assert.equal(await ledgerAvailable(sku), 4);
    assert.equal(await services.collections.stockLedger.countDocuments({ holdId, kind: 'release' }), 1);
  });

  test('a release racing a sale: exactly one wins, and Redis and the ledger agree on which', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { sku } = await stockedProduct(services, { stock: 2 });
      const holdId = uniqueId('ord');
      await activities.reserveStock({ holdId, lines: [{ sku, quantity: 1 }] });
      const [released, committed] = await Promise.allSettled([
        activities.releaseStock({ holdId, skus: [sku] }),
        activities.commitStock({ holdId, skus: [sku] }),
      ]);
      assert.equal(released.status, 'fulfilled', 'a release of a sold hold is a no-op, not an error');
      const outcome = await services.collections.stockHoldOutcomes.findOne({ _id: `${holdId}:${sku}` });
      if (outcome?.outcome === 'committed') {
        assert.equal(committed.status, 'fulfilled');
        assert.equal(await redisAvailable(sku), 1);
        assert.equal(await ledgerAvailable(sku), 1);
      } else {
        assert.equal(outcome?.outcome, 'released');
        assert.equal(committed.status, 'rejected', 'a released hold cannot be sold');
        const failure: unknown = committed.reason;
        assert.equal((failure as { type?: string }).type, 'HoldEnded');
        assert.equal(await redisAvailable(sku), 2);
        assert.equal(await ledgerAvailable(sku), 2);
      }
    }
  });
});
