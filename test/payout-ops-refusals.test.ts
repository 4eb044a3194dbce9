import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
import { type Account, opsAuth, register } from './support/accounts';
import { call } from './support/http';
import { seedSeller } from './support/ledger-fixtures';
import { type RunningApi, connectTestServices, startApi, uniqueId } from './support/services';

interface Problem {
  type: string;
  title: string;
  detail?: string;
}

const problem = (type: string) => `https://marketplace.dev/problems/${type}`;

// What ops are refused when they adjust a ledger or steer a payout schedule, each with its own problem
// type (payouts/ledger-adjustment.ts and payouts/payout-schedule-change.ts say why, the route maps it).
describe('ops payout changes that are refused say why', () => {
  let services: Services;
  let api: RunningApi;
  let restricted: Account;
  let ops: Record<string, string>;

  before(async () => {
    services = await connectTestServices();
    api = await startApi(services);
    restricted = await register(api.baseUrl, 'seller');
    ops = await opsAuth(api.baseUrl, services);
    await seedSeller(services.collections, restricted.sellerId!, 'restricted');
  });

  after(async () => {
    await api.stop();
    await services.close();
  });

  test('a seller that cannot be paid gets no schedule; a frequency waits for one', async () => {
    const path = `/ops/sellers/${restricted.sellerId!}/payout-schedule`;
    const create = await call<Problem>(api.baseUrl, 'POST', path, {
      headers: ops,
      body: { action: 'create' },
    });
    assert.equal(create.status, 409);
    assert.equal(create.body.type, problem('seller-cannot-be-paid'));
    const frequency = await call<Problem>(api.baseUrl, 'POST', path, {
      headers: ops,
      body: { frequency: 'daily' },
    });
    assert.equal(frequency.status, 404);
    assert.equal(frequency.body.type, problem('payout-schedule-not-found'));
    assert.match(frequency.body.detail ?? '', /frequency is kept/);
    const stored = await services.collections.payoutSchedules.findOne({ _id: restricted.sellerId! });
    assert.equal(stored?.frequency, 'daily', 'kept for when the schedule is created');
    const resume = await call<Problem>(api.baseUrl, 'POST', path, {
      headers: ops,
      body: { action: 'resume' },
    });
    assert.equal(resume.status, 404);
    assert.equal(resume.body.detail, undefined, 'no frequency was sent this time');
  });

  test('an Idempotency-Key reused for another adjustment is refused and posts nothing', async () => {
    const path = `/ops/sellers/${restricted.sellerId!}/ledger-adjustments`;
    const headers = { ...ops, 'idempotency-key': uniqueId('adj') };
    const body = { amount: { amount: -300, currency: 'USD' }, note: 'Label reprinted by ops' };
    const first = await call<{ id: string; note: string }>(api.baseUrl, 'POST', path, { headers, body });
    assert.equal(first.status, 201);
    assert.match(first.body.note, /^Label reprinted by ops \(by /, 'the note says who posted it');
    const reused = await call<Problem>(api.baseUrl, 'POST', path, {
      headers,
      body: { ...body, note: 'Another reason entirely' },
    });
    assert.equal(reused.status, 422);
    assert.equal(reused.body.type, problem('idempotency-key-reused'));
    const entries = await services.collections.sellerLedger
      .find({ sellerId: restricted.sellerId!, kind: 'adjustment' })
      .toArray();
    assert.equal(entries.length, 1);
  });
});
