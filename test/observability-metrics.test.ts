import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
import { serveMetrics, type MetricsServer } from '../observability/metrics-server';
import { installTemporalRuntime, temporalSdkMetricsUrl } from '../observability/temporal-runtime';
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
import { freePort } from './support/free-port';
import { orderPastTheDoor } from './support/past-the-door';
import { captureLogs } from './support/log-capture';
import { seriesValue } from './support/prometheus-text';
import { accountUpdatedEvent, liveAccount, postStripeEvent } from './support/stripe-events';

// The API's /metrics and the worker's metrics port, scraped as Prometheus would, while real orders and
// webhooks go through the stack.
describe('metrics: request histograms, Temporal SDK metrics and business counters that move', () => {
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;
  let workerMetrics: MetricsServer | undefined;
  let buyer: Account;
  const logs = captureLogs('worker', 'info');

  before(async () => {
    const env = testEnv({ TEMPORAL_SDK_METRICS_PORT: String(await freePort()) });
    assert.ok(installTemporalRuntime(env, logs.logger), 'the SDK serves its metrics');
    services = await connectTestServices();
    worker = await startWorker(services);
    api = await startApi(services);
    workerMetrics = await serveMetrics(await freePort(), logs.logger, {
      host: '127.0.0.1',
      appendFrom: temporalSdkMetricsUrl(env),
    });
    buyer = await register(api.baseUrl, 'buyer');
  });

  after(async () => {
    await workerMetrics?.close();
    await api.stop();
    await worker.stop();
    await services.close();
  });

  const scrapeApi = async () => {
    const res = await fetch(`${api.baseUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    return res.text();
  };

  test('placing an order moves the order, hold and payment counters; requests fill the histogram', async () => {
    const beforeText = await scrapeApi();
    const { sku } = await stockedProduct(services, { stock: 1, price: 1200 });
    const place = (key: string) =>
      call<{ orderId: string }>(api.baseUrl, 'POST', '/orders', {
        body: { shipTo, paymentMethodId: 'pm_card_visa', lines: [{ sku, quantity: 1 }] },
        headers: { ...buyer.auth, 'Idempotency-Key': key },
      });
    const settled = async (orderId: string) =>
      eventually(
        async () => {
          const res = await call<{ status: string }>(api.baseUrl, 'GET', `/orders/${orderId}`, {
            headers: buyer.auth,
          });
          return ['confirmed', 'failed'].includes(res.body.status) ? res.body.status : undefined;
        },
        { what: `order ${orderId} settled`, timeoutMs: 60_000 },
      );
    const first = await place(uniqueId('key'));
    assert.equal(first.status, 202);
    assert.equal(await settled(first.body.orderId), 'confirmed');
    // The only unit is sold: the next checkout is refused at the door, before any order exists.
    const second = await place(uniqueId('key'));
    assert.equal(second.status, 409);
    // One that passed the door a moment before the unit went is refused stock in its workflow and fails.
    const third = await orderPastTheDoor(services, buyer.userId, [{ sku, quantity: 1 }]);
    assert.equal(await settled(third), 'failed');

    const afterText = await scrapeApi();
    const moved = (name: string, labels: Record<string, string>) =>
      seriesValue(afterText, name, labels) - seriesValue(beforeText, name, labels);
    assert.ok(moved('marketplace_orders_total', { event: 'placed', reason: '' }) >= 2, 'placed');
    assert.ok(moved('marketplace_orders_total', { event: 'confirmed', reason: '' }) >= 1, 'confirmed');
    assert.ok(moved('marketplace_orders_total', { event: 'failed', reason: 'out_of_stock' }) >= 1, 'failed');
    assert.ok(
      moved('marketplace_orders_total', { event: 'refused', reason: 'out_of_stock' }) >= 1,
      'refused',
    );
    assert.ok(moved('marketplace_stock_holds_total', { outcome: 'taken', reason: '' }) >= 1, 'hold taken');
    assert.ok(
      moved('marketplace_stock_holds_total', { outcome: 'refused', reason: 'OutOfStock' }) >= 1,
      'hold refused',
    );
    assert.ok(moved('marketplace_payments_total', { operation: 'authorize', outcome: 'authorized' }) >= 1);

    // The request histogram is keyed by route template and status, never by id.
    const posted = { method: 'POST', route: '/orders', status: '202' };
    assert.ok(moved('http_request_duration_seconds_count', posted) >= 1);
    assert.ok(moved('http_request_duration_seconds_count', { ...posted, status: '409' }) >= 1);
    assert.ok(seriesValue(afterText, 'http_request_duration_seconds_bucket', { ...posted, le: '+Inf' }) >= 1);
    assert.ok(seriesValue(afterText, 'http_request_duration_seconds_count', { route: '/orders/:id' }) > 0);
    assert.ok(!afterText.includes(first.body.orderId), 'no order id became a label');
    assert.match(afterText, /^http_requests_in_flight \d+/m);
  });

  test('webhooks are counted by source, type and outcome', async () => {
    const beforeText = await scrapeApi();
    const payload = accountUpdatedEvent('sel_metrics_nobody', 'acct_metrics_nobody', liveAccount);
    assert.equal((await postStripeEvent(services, api.baseUrl, payload)).status, 200);
    assert.equal((await postStripeEvent(services, api.baseUrl, payload)).status, 200);
    const forged = await call(api.baseUrl, 'POST', '/webhooks/stripe', {
      body: payload,
      headers: { 'stripe-signature': 't=1,v1=00' },
    });
    assert.equal(forged.status, 400);
    // A webhook is counted when its answer has been flushed, which may be a moment after the client has it.
    const rejected = { source: 'stripe', type: 'unknown', outcome: 'rejected' };
    const afterText = await eventually(async () => {
      const text = await scrapeApi();
      const counted =
        seriesValue(text, 'marketplace_webhook_events_total', rejected) >
        seriesValue(beforeText, 'marketplace_webhook_events_total', rejected);
      return counted ? text : undefined;
    });
    const moved = (labels: Record<string, string>) =>
      seriesValue(afterText, 'marketplace_webhook_events_total', labels) -
      seriesValue(beforeText, 'marketplace_webhook_events_total', labels);
    assert.equal(moved({ source: 'stripe', type: 'account.updated', outcome: 'accepted' }), 1);
    assert.equal(moved({ source: 'stripe', type: 'account.updated', outcome: 'duplicate' }), 1);
    assert.equal(moved({ source: 'stripe', type: 'unknown', outcome: 'rejected' }), 1);
  });

  test("the worker's port serves the business counters and the Temporal SDK's metrics together", async () => {
    assert.ok(workerMetrics, 'the worker metrics port is served');
    const text = await eventually(async () => {
      const body = await (await fetch(`http://127.0.0.1:${workerMetrics?.port}/metrics`)).text();
      return /^temporal_\w+/m.test(body) ? body : undefined;
    });
    assert.match(text, /^# TYPE marketplace_orders_total counter/m);
    assert.match(text, /^temporal_workflow_task_schedule_to_start_latency_bucket\{/m);
    assert.match(text, /^temporal_num_pollers\{/m);
    assert.match(text, /^temporal_activity_execution_latency\w*_bucket/m);
  });
});
