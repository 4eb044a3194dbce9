import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
import { installTemporalRuntime } from '../observability/temporal-runtime';
import {
  call,
  connectTestServices,
  eventually,
  register,
  startApi,
  startWorker,
  stockedProduct,
  testEnv,
  testShipTo as shipTo,
  uniqueId,
  type Account,
  type RunningApi,
  type RunningWorker,
} from './support/stack';
import { captureLogs } from './support/log-capture';

// The API's and the worker's real loggers write into memory here; a login and a paid order go through the
// real stack, and then every line is read back.
describe('structured logs: JSON lines with request and workflow ids, and never a secret', () => {
  const apiLogs = captureLogs('api');
  const workerLogs = captureLogs('worker');
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;
  let buyer: Account;

  before(async () => {
    // The runtime is per process and must be installed before the first worker connection.
    installTemporalRuntime(testEnv({ LOG_LEVEL: 'trace' }), workerLogs.logger);
    services = await connectTestServices();
    worker = await startWorker(services);
    api = await startApi(services, { logger: apiLogs.logger, log: undefined });
    buyer = await register(api.baseUrl, 'buyer');
  });

  after(async () => {
    await api.stop();
    await worker.stop();
    await services.close();
  });

  test('a request id is taken from X-Request-Id or minted, echoed back and on the request line', async () => {
    const given = uniqueId('req');
    const echoed = await call(api.baseUrl, 'GET', '/healthz', { headers: { 'x-request-id': given } });
    assert.equal(echoed.headers.get('x-request-id'), given);
    const minted = await call(api.baseUrl, 'GET', '/healthz');
    assert.match(minted.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    // An id that could forge log content is replaced, not copied.
    const forged = await call(api.baseUrl, 'GET', '/healthz', {
      headers: { 'x-request-id': 'a"} {"admin":1' },
    });
    assert.match(forged.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);

    const line = await eventually(() =>
      Promise.resolve(apiLogs.lines().find((entry) => entry.reqId === given)),
    );
    assert.equal(line.name, 'api');
    assert.deepEqual(line.res, { statusCode: 200 });
    assert.equal(typeof line.responseTime, 'number');
  });

  test('a login and a paid order leave no password, token or card in any line', async () => {
    const login = await call<{ token: string }>(api.baseUrl, 'POST', '/auth/login', {
      body: { email: buyer.email, password: buyer.password },
      headers: { 'x-forwarded-for': '10.9.8.7' },
    });
    assert.equal(login.status, 200);
    const { sku } = await stockedProduct(services, { stock: 2, price: 1500 });
    const paymentMethodId = 'pm_card_visa';
    const placed = await call<{ orderId: string }>(api.baseUrl, 'POST', '/orders', {
      body: { shipTo, paymentMethodId, lines: [{ sku, quantity: 1 }] },
      headers: { authorization: `Bearer ${login.body.token}`, 'Idempotency-Key': uniqueId('key') },
    });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    const { orderId } = placed.body;
    await eventually(
      async () => {
        const res = await call<{ status: string }>(api.baseUrl, 'GET', `/orders/${orderId}`, {
          headers: buyer.auth,
        });
        return res.body.status === 'confirmed' ? res.body : undefined;
      },
      { what: `order ${orderId} confirmed`, timeoutMs: 60_000 },
    );
    // A careless hand-written line is censored too: the logger, not each caller, keeps secrets out.
    apiLogs.logger.info(
      {
        body: {
          email: buyer.email,
          password: buyer.password,
          card: { number: '4242424242424242', cvc: '123' },
        },
        headers: { authorization: `Bearer ${login.body.token}` },
        paymentMethodId,
      },
      'a handler logged what it should not have',
    );

    // Every line is one JSON object.
    const apiLines = apiLogs.lines();
    const orderLine = apiLines.find(
      (entry) => (entry.req as { path?: string } | undefined)?.path === '/orders' && entry.principalId,
    );
    assert.equal(orderLine?.principalId, buyer.userId, 'the request line names who asked');
    assert.equal(orderLine?.role, 'buyer');

    // Activity lines carry the workflow id, run id and activity type; workflow lines their ids too. The
    // worker's lines reach its logger a moment after the work (the SDK forwards them in batches), so an order
    // confirmed quickly can be read before its lines are: wait for them.
    const workerLine = (what: string, matches: (entry: Record<string, unknown>) => boolean) =>
      eventually(() => Promise.resolve(workerLogs.lines().find(matches)), { what });
    const activityLine = await workerLine(
      'an activity line of the order',
      (entry) => entry.workflowId === `order-${orderId}` && typeof entry.activityType === 'string',
    );
    assert.equal(typeof activityLine.workflowRunId, 'string');
    const workflowLine = await workerLine(
      'a workflow line of the order',
      (entry) => entry.workflowId === `order-${orderId}` && entry.msg === 'Workflow started',
    );
    assert.equal(typeof workflowLine.runId, 'string');
    assert.equal(typeof workflowLine.workflowType, 'string');

    const everything = apiLogs.text() + workerLogs.text();
    for (const secret of [
      buyer.password,
      login.body.token,
      buyer.token,
      '4242424242424242',
      paymentMethodId,
      services.env.AUTH_TOKEN_SECRET,
      services.env.STRIPE_SECRET_KEY,
    ]) {
      assert.ok(!everything.includes(secret), `a log line contains ${secret.slice(0, 12)}...`);
    }
    assert.ok(everything.includes('[redacted]'), 'the hand-written line was censored, not dropped');
  });
});
