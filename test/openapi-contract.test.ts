import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Express } from 'express';
import { generateClientTypes } from '../client/generate-types';
import { createApp } from '../api/app';
import type { Services } from '../integrations/services';
import { call, connectTestServices, startApi, type RunningApi } from './support/stack';

interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every method and path the Express app routes, walked from its router stack (sub-routers included). */
function routesOf(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          found.push(`${method} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

/** Paths inside a schema where extra properties are let through: `additionalProperties: {}` or `true`. */
function escapes(schema: unknown, at: string): string[] {
  if (Array.isArray(schema)) return schema.flatMap((item, i) => escapes(item, `${at}/${i}`));
  if (!schema || typeof schema !== 'object') return [];
  const found = Object.entries(schema).flatMap(([key, value]) => escapes(value, `${at}/${key}`));
  const extra = (schema as { additionalProperties?: unknown }).additionalProperties;
  const open =
    extra === true || (extra !== null && typeof extra === 'object' && Object.keys(extra).length === 0);
  return open ? [at, ...found] : found;
}

// A storefront that reads only /openapi.json must be able to call every endpoint and read every answer.
describe('the OpenAPI document describes the whole API', () => {
  let services: Services;
  let api: RunningApi;
  let doc: Document;
  let app: Express;

  before(async () => {
    services = await connectTestServices();
    api = await startApi(services);
    doc = (await call<Document>(api.baseUrl, 'GET', '/openapi.json')).body;
    app = createApp(services);
  });

  after(async () => {
    await api.stop();
    await services.close();
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
    );

  test('every route Express serves is documented, and nothing documented is missing', () => {
    const served = new Set(routesOf(app));
    const documented = new Set(operations().map(({ path, method }) => `${method} ${path}`));
    assert.ok(served.size > 50, `walked ${served.size} routes`);
    assert.deepEqual([...served].filter((r) => !documented.has(r)).sort(), [], 'undocumented routes');
    assert.deepEqual([...documented].filter((r) => !served.has(r)).sort(), [], 'documented but not served');
  });

  test('every success answer has a schema; every operation documents its problems', () => {
    const bare = operations().flatMap(({ path, method, operation }) =>
      Object.entries(operation.responses)
        .filter(([code]) => code.startsWith('2') && code !== '204')
        .filter(([, response]) => !Object.values(response.content ?? {}).some((media) => media.schema))
        .map(([code]) => `${method} ${path} ${code}`),
    );
    assert.deepEqual(bare, [], 'success answers without a schema');
    const noProblems = operations()
      .filter(({ path }) => !['/healthz', '/readyz', '/openapi.json'].includes(path))
      .filter(({ operation }) => !Object.keys(operation.responses).some((code) => /^[45]/.test(code)))
      .map(({ path, method }) => `${method} ${path}`);
    assert.deepEqual(noProblems, []);
    const bodiesWithoutSchema = operations()
      .filter(({ operation }) => operation.requestBody)
      .filter(({ operation }) => !Object.values(operation.requestBody?.content ?? {}).some((m) => m.schema))
      .map(({ path, method }) => `${method} ${path}`);
    assert.deepEqual(bodiesWithoutSchema, []);
  });

  test('no resource lets unnamed properties through', () => {
    const open = Object.entries(doc.components.schemas).flatMap(([name, schema]) => escapes(schema, name));
    assert.deepEqual(open, []);
    assert.deepEqual(
      operations().flatMap(({ path, method, operation }) =>
        escapes(operation.responses, `${method} ${path}`),
      ),
      [],
    );
  });

  test('webhooks name their signature header and answer; the rest say how they authenticate', () => {
    const carrier = doc.paths['/webhooks/carrier/{carrier}']?.post;
    assert.ok(carrier?.requestBody, 'the carrier event body is described');
    assert.ok(
      carrier.parameters?.some((p) => p.in === 'header' && p.name === 'x-carrier-signature' && p.required),
      'the signature header is required',
    );
    assert.ok(carrier.responses['200']?.content?.['application/json']?.schema);
    for (const code of ['400', '401', '404']) assert.ok(carrier.responses[code], `carrier webhook ${code}`);
    const stripe = doc.paths['/webhooks/stripe']?.post;
    assert.ok(stripe?.parameters?.some((p) => p.in === 'header' && p.name === 'stripe-signature'));
    const checkout = doc.paths['/orders']?.post;
    // Every operation whose handler demands an Idempotency-Key says so.
    for (const [path, method] of [
      ['/orders', 'post'],
      ['/products/{id}/stock', 'put'],
      ['/orders/{id}/returns', 'post'],
      ['/reviews', 'post'],
      ['/ops/sellers/{id}/ledger-adjustments', 'post'],
    ] as const) {
      const operation = doc.paths[path]?.[method];
      assert.ok(
        operation?.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key' && p.required),
        `${method} ${path} documents its required Idempotency-Key`,
      );
    }
    assert.deepEqual(checkout?.security, [{ bearer: [] }]);
  });

  test('the committed storefront client types are generated from this very document', async () => {
    const committed = await readFile(join(__dirname, '..', '..', 'client', 'marketplace-api.ts'), 'utf8');
    const live = await generateClientTypes(doc);
    assert.ok(
      committed === live,
      'client/marketplace-api.ts is stale: npx tsc -p tsconfig.json && node dist/scripts/generate-client.js',
    );
  });

  test('the Order resource names its money, destination and sub-order deadlines', () => {
    const order = doc.components.schemas.Order as { properties: Record<string, unknown> };
    for (const field of ['subtotal', 'shipping', 'tax', 'discount', 'total', 'shipTo', 'subOrders']) {
      assert.ok(order.properties[field], `Order.${field}`);
    }
    const sub = doc.components.schemas.OrderSubOrder as { properties: Record<string, unknown> };
    assert.ok(sub.properties.acceptBy);
  });
});
