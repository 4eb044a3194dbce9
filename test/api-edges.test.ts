import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueToken, tokenKeys, tokenKeysOf } from '../accounts/session-tokens';
import type { Services } from '../integrations/services';
import { connectTestServices, startApi, type RunningApi } from './support/services';

// The API's edges as a browser and a gateway meet them: security headers, the CORS allow-list and a token
// rotation in progress (new secret signing, the previous one still accepted).
describe('API edges: helmet headers, CORS allow-list, rotated token keys', () => {
  const previousSecret = 'the-previous-token-secret-still-accepted';
  let services: Services;
  let api: RunningApi;

  before(async () => {
    services = await connectTestServices({
      CORS_ORIGINS: 'https://shop.example',
      AUTH_TOKEN_PREVIOUS_SECRET: previousSecret,
    });
    api = await startApi(services);
  });

  after(async () => {
    await api.stop();
    await services.close();
  });

  test('every answer carries the helmet set and no x-powered-by', async () => {
    for (const path of ['/healthz', '/no-such-route']) {
      const res = await fetch(api.baseUrl + path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=\d+/, path);
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN', path);
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/, path);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(res.headers.get('x-powered-by'), null, path);
      await res.arrayBuffer();
    }
  });

  test('a listed origin may call from a browser; any other gets no CORS grant', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.baseUrl}/orders`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,idempotency-key',
        },
      });
    const allowed = await preflight('https://shop.example');
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.match(allowed.headers.get('access-control-allow-methods') ?? '', /POST/);
    const stranger = await preflight('https://evil.example');
    assert.equal(stranger.headers.get('access-control-allow-origin'), null);

    const read = await fetch(`${api.baseUrl}/healthz`, { headers: { origin: 'https://shop.example' } });
    assert.equal(read.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.match(read.headers.get('access-control-expose-headers') ?? '', /X-Request-Id/);
  });

  test('during a rotation a token of the previous key is accepted; a stranger key is not', async () => {
    const keys = tokenKeysOf(services.env);
    const principal = { userId: 'usr_rotation', role: 'buyer' as const };
    const probe = async (token: string) =>
      (
        await fetch(`${api.baseUrl}/orders/ord_000000000aaaaaaaaaaaaaaaa`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status;
    const previous = tokenKeys({ ...keys, secret: previousSecret });
    const stranger = tokenKeys({ ...keys, secret: 'a-secret-nobody-configured' });
    assert.equal(await probe(await issueToken(principal, keys, 600)), 404, 'current key: accepted');
    assert.equal(await probe(await issueToken(principal, previous, 600)), 404, 'previous key: accepted');
    assert.equal(await probe(await issueToken(principal, stranger, 600)), 401);
  });
});
