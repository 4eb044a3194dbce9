import { finishedSpans } from './support/in-memory-tracing';
import { SpanKind } from '@opentelemetry/api';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
import {
  call,
  eventually,
  register,
  startTestStack,
  stockedProduct,
  testShipTo as shipTo,
  uniqueId,
  type Account,
  type RunningApi,
  type TestStack,
} from './support/stack';

// One order through the real API, Temporal, worker, MongoDB, Redis and stripe-mock with tracing on: every
// span of its path must share the trace the HTTP request opened.
describe('traces: one trace from POST /orders to the payment authorization', () => {
  let stack: TestStack;
  let services: Services;
  let api: RunningApi;
  let buyer: Account;

  before(async () => {
    stack = await startTestStack();
    ({ services, api } = stack);
    buyer = await register(api.baseUrl, 'buyer');
  });

  after(() => stack.stop());

  test('the request, the workflow, its activities and their MongoDB, Redis and Stripe calls are one trace', async () => {
    const { sku } = await stockedProduct(services, { stock: 3, price: 900 });
    const placed = await call<{ orderId: string }>(api.baseUrl, 'POST', '/orders', {
      body: { shipTo, paymentMethodId: 'pm_card_visa', lines: [{ sku, quantity: 1 }] },
      headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
    });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    const { orderId } = placed.body;

    // Workflow-side spans reach the exporter through a sink after their activation, so wait for both ends.
    const trace = await eventually(
      () => {
        const spans = finishedSpans.getFinishedSpans();
        const run = spans.find((span) => span.name === 'RunActivity:authorizeOrderParts');
        if (!run) return Promise.resolve(undefined);
        const inTrace = spans.filter((span) => span.spanContext().traceId === run.spanContext().traceId);
        return Promise.resolve(
          inTrace.some((span) => span.name === 'StartActivity:authorizeOrderParts') ? inTrace : undefined,
        );
      },
      { what: 'the authorization activity span', timeoutMs: 60_000 },
    );
    const names = trace.map((span) => span.name);

    const server = trace.find(
      (span) => span.kind === SpanKind.SERVER && span.attributes['http.route'] === '/orders',
    );
    assert.ok(server, `the POST /orders server span is in the trace: ${names.join(', ')}`);
    assert.equal(server.name, 'POST /orders');
    assert.equal(server.attributes['http.method'], 'POST');
    assert.equal(server.attributes['http.status_code'], 202);
    assert.ok(names.includes('StartWorkflow:orderWorkflow'), 'the workflow start');
    // The workflow's own span ends when the order does (after delivery); its activity spans come from the
    // sandbox through the exporter sink.
    assert.ok(
      names.includes('StartActivity:authorizeOrderParts'),
      'the workflow scheduling the authorization',
    );
    assert.ok(names.includes('RunActivity:checkOutOrder'), 'the checkout step that holds the stock');
    assert.ok(
      trace.some((span) => span.attributes['db.system'] === 'mongodb'),
      'a MongoDB command of the order',
    );
    assert.ok(
      trace.some((span) => span.attributes['db.system'] === 'redis'),
      'a Redis command of the order',
    );
    const stripe = trace.find(
      (span) =>
        span.kind === SpanKind.CLIENT &&
        String(span.attributes['http.url'] ?? '').includes(':12111/v1/payment_intents'),
    );
    assert.ok(stripe, 'the Stripe call is an HTTP client span');

    await eventually(async () => {
      const res = await call<{ status: string }>(api.baseUrl, 'GET', `/orders/${orderId}`, {
        headers: buyer.auth,
      });
      return res.body.status === 'confirmed' ? true : undefined;
    });
  });
});
