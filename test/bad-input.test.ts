import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { problemTypeBase } from '../api/problem';
import type { Services } from '../integrations/services';
import { clientAddress, opsAuth, register, registerApprovedSeller, type Account } from './support/accounts';
import { connectTestServices, startApi, stockedProduct, uniqueId, type RunningApi } from './support/stack';

// Hostile and careless input, endpoint by endpoint: each is refused with a 4xx problem body a client can
// branch on, never a 500, and nothing shaped like a MongoDB operator ever reaches a query or a document.

type Role = 'guest' | 'buyer' | 'seller' | 'ops';

interface Raw {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
  text: string;
}

describe('bad input gets a clear 4xx problem, never a 500', () => {
  let services: Services;
  let api: RunningApi;
  const serverErrors: unknown[] = [];
  const auth: Record<Role, Record<string, string>> = { guest: {}, buyer: {}, seller: {}, ops: {} };
  let seller: Account;
  let productId: string;
  let sku: string;

  async function send(
    method: string,
    path: string,
    { role = 'guest', body, headers = {} }: { role?: Role; body?: string; headers?: Record<string, string> },
  ): Promise<Raw> {
    const response = await fetch(api.baseUrl + path, {
      method,
      headers: { 'x-forwarded-for': clientAddress(), ...auth[role], ...headers },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // asserted below: a problem always has a JSON body
    }
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: parsed,
      text,
    };
  }

  const json = (value: unknown) => ({
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/json' },
  });

  function assertProblem(res: Raw, status: number, type?: string, what = ''): void {
    const context = `${what}: ${res.status} ${res.text.slice(0, 300)}`;
    assert.equal(res.status, status, context);
    assert.match(res.contentType, /^application\/problem\+json/, context);
    assert.equal(res.body.status, status, context);
    assert.equal(typeof res.body.title, 'string', context);
    assert.ok(String(res.body.type).startsWith(problemTypeBase), context);
    if (type) assert.equal(res.body.type, problemTypeBase + type, context);
  }

  /** A 400 or 422 validation problem that names the offending field. */
  function assertRefusedField(res: Raw, field: string, what: string): void {
    assert.ok(res.status === 400 || res.status === 422, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
    assertProblem(res, res.status, undefined, what);
    const errors = (res.body.errors ?? []) as { field: string }[];
    assert.ok(
      errors.some((e) => e.field === field || e.field.startsWith(`${field}.`)),
      `${what}: expected an error on ${field}, got ${JSON.stringify(errors)}`,
    );
  }

  const validAddress = {
    name: 'Ada',
    line1: '1 Main St',
    city: 'Springfield',
    postalCode: '12345',
    country: 'US',
  };
  const idempotent = () => ({ 'idempotency-key': uniqueId('bad-input') });

  before(async () => {
    services = await connectTestServices();
    api = await startApi(services, { log: (error) => serverErrors.push(error) });
    const buyer = await register(api.baseUrl, 'buyer');
    seller = await registerApprovedSeller(api.baseUrl, services);
    auth.buyer = buyer.auth;
    auth.seller = seller.auth;
    auth.ops = await opsAuth(api.baseUrl, services);
    const stocked = await stockedProduct(services, { sellerId: seller.sellerId ?? 'sel_test' });
    productId = stocked.product._id;
    sku = stocked.sku;
  });

  after(async () => {
    await api?.stop();
    await services?.close();
  });

  test('an oversized body is a 413 problem, whatever the endpoint', async () => {
    const huge = JSON.stringify({ title: 'x'.repeat(200 * 1024) });
    for (const [method, path, role] of [
      ['POST', '/auth/register', 'guest'],
      ['POST', '/orders', 'buyer'],
      ['POST', '/products', 'seller'],
      ['POST', '/cart/add', 'buyer'],
    ] as const) {
      const res = await send(method, path, {
        role,
        body: huge,
        headers: { 'content-type': 'application/json' },
      });
      assertProblem(res, 413, 'body-too-large', `${method} ${path}`);
    }
  });

  test('a body that is not JSON by its content type is a 415 problem', async () => {
    const body = JSON.stringify({ email: 'a@example.test', password: 'correct horse battery' });
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/octet-stream',
    ]) {
      for (const [path, role] of [
        ['/auth/login', 'guest'],
        ['/orders', 'buyer'],
        ['/products', 'seller'],
      ] as const) {
        const res = await send('POST', path, {
          role,
          body,
          headers: { 'content-type': contentType, ...idempotent() },
        });
        assertProblem(res, 415, 'unsupported-media-type', `POST ${path} as ${contentType}`);
      }
    }
    const unlabelled = await send('POST', '/auth/login', { body });
    assertProblem(unlabelled, 415, 'unsupported-media-type', 'a body without a content type');
    const gzipped = await send('POST', '/auth/login', {
      body,
      headers: { 'content-type': 'application/json', 'content-encoding': 'br-unknown' },
    });
    assertProblem(gzipped, 415, 'unsupported-encoding', 'an unknown content encoding');
  });

  test('malformed JSON is a 400 problem; JSON of the wrong shape is a 422', async () => {
    for (const text of [
      '{"email":',
      '{"email": "a",}',
      "{'email': 'a'}",
      '{"a": NaN}',
      '"just a string"',
      '12',
    ]) {
      for (const [path, role] of [
        ['/auth/register', 'guest'],
        ['/orders', 'buyer'],
        ['/cart/add', 'buyer'],
      ] as const) {
        const res = await send('POST', path, {
          role,
          body: text,
          headers: { 'content-type': 'application/json', ...idempotent() },
        });
        assertProblem(res, 400, 'malformed-json', `POST ${path} with ${text}`);
      }
    }
    for (const text of ['[]', '[{"sku":"A","quantity":1}]', 'null', '{}']) {
      const res = await send('POST', '/cart/add', {
        role: 'buyer',
        body: text,
        headers: { 'content-type': 'application/json' },
      });
      assert.ok(res.status === 400 || res.status === 422, `${text}: ${res.status}`);
      assertProblem(res, res.status, undefined, `POST /cart/add with ${text}`);
    }
  });

  test('negative, zero, fractional, huge and stringly quantities and amounts are refused by field', async () => {
    for (const quantity of [-1, 0, 1.5, 1e12, '2', null, true, { $gt: 0 }]) {
      const cart = await send('POST', '/cart/add', { role: 'buyer', ...json({ sku, quantity }) });
      assertRefusedField(cart, 'quantity', `cart quantity ${JSON.stringify(quantity)}`);
      const order = await send('POST', '/orders', {
        role: 'buyer',
        body: JSON.stringify({ lines: [{ sku, quantity }], shipTo: validAddress }),
        headers: { 'content-type': 'application/json', ...idempotent() },
      });
      assertRefusedField(order, 'lines', `order quantity ${JSON.stringify(quantity)}`);
    }
    for (const available of [-5, 2.5, 1e15, '10']) {
      const res = await send('PUT', `/products/${productId}/stock`, {
        role: 'seller',
        ...json({ sku, warehouseId: 'wh-test', available }),
      });
      assertRefusedField(res, 'available', `stock ${JSON.stringify(available)}`);
    }
    for (const amount of [-100, 10.5, 1e20, '100']) {
      const res = await send('PATCH', `/products/${productId}`, {
        role: 'seller',
        ...json({ price: { amount, currency: 'USD' } }),
        headers: { 'content-type': 'application/json', 'if-match': '"1"' },
      });
      assertRefusedField(res, 'price', `price ${JSON.stringify(amount)}`);
    }
    assert.equal(
      await services.counters.totalAvailable([sku]).then((m) => m.get(sku)),
      10,
      'stock untouched',
    );
  });

  test('page sizes and offsets are capped: beyond the cap is a 400, at the cap it answers', async () => {
    const lists: [string, Role][] = [
      ['/orders', 'buyer'],
      ['/products', 'guest'],
      ['/seller/orders', 'seller'],
      ['/ops/outbox', 'ops'],
      ['/ops/promotions', 'ops'],
    ];
    for (const [path, role] of lists) {
      for (const bad of [
        'limit=1000000',
        'limit=-1',
        'limit=0',
        'limit=1e400',
        'limit=ten',
        'offset=999999999',
        'offset=-5',
      ]) {
        const res = await send('GET', `${path}?${bad}`, { role });
        assertProblem(res, 400, 'invalid-parameter', `GET ${path}?${bad}`);
      }
      const capped = await send('GET', `${path}?limit=100`, { role });
      assert.equal(capped.status, 200, `GET ${path}?limit=100: ${capped.text.slice(0, 200)}`);
    }
    const suggest = await send('GET', '/search/suggest?q=ke&limit=100000', {});
    assertProblem(suggest, 400, 'invalid-parameter', 'suggest limit');
  });

  test('MongoDB operators where a string belongs are refused, in bodies, queries and paths', async () => {
    const operators = [{ $gt: '' }, { $ne: null }, { $regex: '.*' }, { $where: 'sleep(1000)' }, ['a', 'b']];
    for (const op of operators) {
      const login = await send('POST', '/auth/login', {
        ...json({ email: op, password: { $ne: '' } }),
      });
      assert.equal(login.status, 422, `login with ${JSON.stringify(op)} must not sign anyone in`);
      assertRefusedField(login, 'email', `login email ${JSON.stringify(op)}`);
      const signUp = await send('POST', '/auth/register', {
        ...json({
          email: `${uniqueId('op')}@example.test`,
          password: 'correct horse battery',
          role: 'buyer',
          name: op,
        }),
      });
      assertRefusedField(signUp, 'name', `register name ${JSON.stringify(op)}`);
      const cart = await send('POST', '/cart/add', { role: 'buyer', ...json({ sku: op, quantity: 1 }) });
      assertRefusedField(cart, 'sku', `cart sku ${JSON.stringify(op)}`);
      const product = await send('POST', '/products', {
        role: 'seller',
        ...json({
          title: op,
          category: 'kitchen',
          price: { amount: 100, currency: 'USD' },
          skus: [{ sku: 'OP-1' }],
        }),
      });
      assertRefusedField(product, 'title', `product title ${JSON.stringify(op)}`);
      const attributes = await send('POST', '/products', {
        role: 'seller',
        ...json({
          title: 'Kettle',
          category: 'kitchen',
          price: { amount: 100, currency: 'USD' },
          skus: [{ sku: 'OP-2' }],
          attributes: { colour: op },
        }),
      });
      assertRefusedField(attributes, 'attributes', `attribute value ${JSON.stringify(op)}`);
    }
    const operatorKeys = await send('POST', '/products', {
      role: 'seller',
      ...json({
        title: 'Kettle',
        category: 'kitchen',
        price: { amount: 100, currency: 'USD' },
        skus: [{ sku: 'OP-3' }],
        attributes: { $set: 'x' },
      }),
    });
    assertRefusedField(operatorKeys, 'attributes', 'an attribute named $set');
    const extraOperator = await send('POST', '/cart/add', {
      role: 'buyer',
      ...json({ sku, quantity: 1, $set: { x: 1 } }),
    });
    assertProblem(extraOperator, 422, 'validation', 'an unknown $set field');

    for (const [path, role] of [
      ['/orders?customerId[$ne]=x', 'ops'],
      ['/orders?status[$ne]=failed', 'buyer'],
      ['/products?sellerId[$ne]=x', 'guest'],
      ['/products?brand[$regex]=.*', 'guest'],
      ['/products?brand=a&brand=b', 'guest'],
      ['/products?category=kitchen&category[$gt]=', 'guest'],
      ['/seller/orders?sellerId[$ne]=x', 'seller'],
      ['/ops/outbox?to[$ne]=x', 'ops'],
      ['/search/suggest?q[$ne]=x', 'guest'],
    ] as const) {
      const res = await send('GET', path, { role });
      assertProblem(res, 400, 'invalid-parameter', `GET ${path}`);
    }
    for (const [path, role] of [
      [`/orders/${encodeURIComponent('{"$gt":""}')}`, 'buyer'],
      [`/products/${encodeURIComponent('{"$ne":null}')}`, 'guest'],
      [`/sellers/${encodeURIComponent('{"$gt":""}')}`, 'ops'],
      [`/products/${encodeURIComponent("'; DROP TABLE products;--")}/stock`, 'seller'],
    ] as const) {
      const res = await send('GET', path, { role });
      assertProblem(res, 400, 'invalid-parameter', `GET ${path}`);
    }
  });

  test('injection-shaped, markup and unicode strings are stored and returned verbatim, as plain strings', async () => {
    const strings = {
      title: "Robert'); DROP TABLE products;-- 🫖",
      description: '<script>alert(document.cookie)</script><img src=x onerror=alert(1)> {"$gt": ""} $where',
      brand: '{"$ne": null}',
    };
    const created = await send('POST', '/products', {
      role: 'seller',
      ...json({
        ...strings,
        category: 'kitchen',
        price: { amount: 1999, currency: 'USD' },
        skus: [{ sku: uniqueId('INJ').toUpperCase(), attributes: { note: 'Zoë – 日本語 – עברית – \u200b' } }],
      }),
    });
    assert.equal(created.status, 201, created.text);
    assert.match(created.contentType, /^application\/json/);
    const id = created.body.productId as string;
    const stored = await services.collections.products.findOne({ _id: id });
    assert.ok(stored);
    assert.equal(stored.title, strings.title);
    assert.equal(stored.description, strings.description);
    assert.equal(stored.brand, strings.brand);
    assert.equal(stored.skus[0]?.attributes.note, 'Zoë – 日本語 – עברית – \u200b');
    const read = await send('GET', `/products/${id}`, { role: 'seller' });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.title, strings.title);
    assert.equal(read.body.description, strings.description);

    const name = 'Zoë 🛒 <b>bold</b> \u202eRTL\u202c $gt';
    const email = `${uniqueId('unicode')}@example.test`;
    const signUp = await send('POST', '/auth/register', {
      ...json({ email, password: 'correct horse battery ✓', role: 'buyer', name }),
    });
    assert.equal(signUp.status, 201, signUp.text);
    const user = await services.collections.users.findOne({ email });
    assert.equal(user?.name, name);
    const login = await send('POST', '/auth/login', {
      ...json({ email, password: 'correct horse battery ✓' }),
    });
    assert.equal(login.status, 200, login.text);

    // A lone surrogate or a NUL character cannot be stored as sent (PostgreSQL's jsonb refuses NUL), so each
    // is refused by name; a noncharacter is either stored as text or refused, never a server error.
    const lone = await send('POST', '/auth/register', {
      ...json({
        email: `${uniqueId('odd')}@example.test`,
        password: 'correct horse battery',
        role: 'buyer',
        name: 'a\ud800b',
      }),
    });
    assert.equal(lone.status, 400, lone.text);
    assert.equal(lone.body.type, 'https://marketplace.dev/problems/malformed-text');
    const nul = await send('POST', '/auth/register', {
      ...json({
        email: `${uniqueId('odd')}@example.test`,
        password: 'correct horse battery',
        role: 'buyer',
        name: 'a\u0000b',
      }),
    });
    assert.equal(nul.status, 400, nul.text);
    assert.equal(nul.body.type, 'https://marketplace.dev/problems/malformed-text');
    for (const odd of ['\uffff']) {
      const res = await send('POST', '/auth/register', {
        ...json({
          email: `${uniqueId('odd')}@example.test`,
          password: 'correct horse battery',
          role: 'buyer',
          name: odd,
        }),
      });
      assert.ok(
        res.status === 201 || res.status === 422,
        `name ${JSON.stringify(odd)}: ${res.status} ${res.text}`,
      );
    }
  });

  test('very long strings are refused by field, in bodies, queries, paths and headers', async () => {
    const long = 'é'.repeat(20_000);
    const signUp = await send('POST', '/auth/register', {
      ...json({
        email: `${uniqueId('long')}@example.test`,
        password: 'correct horse battery',
        role: 'buyer',
        name: long,
      }),
    });
    assertRefusedField(signUp, 'name', 'a 20,000-character name');
    const email = await send('POST', '/auth/login', {
      ...json({ email: `${long}@example.test`, password: 'x' }),
    });
    assertRefusedField(email, 'email', 'a 20,000-character email');
    const title = await send('POST', '/products', {
      role: 'seller',
      ...json({
        title: long,
        category: 'kitchen',
        price: { amount: 100, currency: 'USD' },
        skus: [{ sku: 'LONG-1' }],
      }),
    });
    assertRefusedField(title, 'title', 'a 20,000-character title');
    const address = await send('POST', '/orders', {
      role: 'buyer',
      body: JSON.stringify({ lines: [{ sku, quantity: 1 }], shipTo: { ...validAddress, line1: long } }),
      headers: { 'content-type': 'application/json', ...idempotent() },
    });
    assertRefusedField(address, 'shipTo', 'a 20,000-character address line');

    const q = await send('GET', `/products?q=${'a'.repeat(5000)}`, {});
    assertProblem(q, 400, 'invalid-parameter', 'a 5,000-character search');
    const path = await send('GET', `/orders/${'o'.repeat(5000)}`, { role: 'buyer' });
    assertProblem(path, 400, 'invalid-parameter', 'a 5,000-character order id');
    const key = await send('POST', '/orders', {
      role: 'buyer',
      body: JSON.stringify({ lines: [{ sku, quantity: 1 }], shipTo: validAddress }),
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k'.repeat(2000) },
    });
    assertProblem(key, 400, 'invalid-idempotency-key', 'a 2,000-character Idempotency-Key');
    const injectedKey = await send('POST', '/orders', {
      role: 'buyer',
      body: JSON.stringify({ lines: [{ sku, quantity: 1 }], shipTo: validAddress }),
      headers: { 'content-type': 'application/json', 'idempotency-key': "x'; DROP TABLE orders;--" },
    });
    assertProblem(injectedKey, 400, 'invalid-idempotency-key', 'an injection-shaped Idempotency-Key');
    const token = await send('GET', '/orders', {
      headers: { authorization: `Bearer ${'a.'.repeat(3000)}a` },
    });
    assertProblem(token, 401, 'invalid-token', 'a garbage bearer token');
  });

  test('strings that should be https URLs but are empty, relative or another scheme are refused', async () => {
    for (const url of [
      '',
      'not a url',
      '/relative.jpg',
      'javascript:alert(1)',
      'http://example.test/a.jpg',
    ]) {
      const media = await send('PATCH', `/products/${productId}`, {
        role: 'seller',
        body: JSON.stringify({ mediaUrls: [url] }),
        headers: { 'content-type': 'application/json', 'if-match': '"1"' },
      });
      assertRefusedField(media, 'mediaUrls', `media URL ${JSON.stringify(url)}`);
      const photos = await send('POST', `/orders/ord_000000000${'0'.repeat(16)}/returns`, {
        role: 'buyer',
        body: JSON.stringify({ lines: [{ sku, quantity: 1 }], reason: { code: 'other' }, photos: [url] }),
        headers: { 'content-type': 'application/json', ...idempotent() },
      });
      assertRefusedField(photos, 'photos', `return photo ${JSON.stringify(url)}`);
    }
  });

  test('a broken percent-escape in a path is a 400 problem', async () => {
    for (const path of ['/orders/%E0%A4%A', '/products/%zz', `/sellers/%`, '/cart/lines/%C0%AF']) {
      const res = await send('GET', path, { role: 'ops' });
      assertProblem(res, 400, undefined, `GET ${path}`);
    }
  });

  test('nothing above reached the error handler as an internal error', () => {
    assert.deepEqual(
      serverErrors.map((error) => (error instanceof Error ? error.stack : String(error))),
      [],
    );
  });
});
