import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
import { call, connectTestServices, startApi, type RunningApi } from './support/stack';

// A client that invents a new X-Forwarded-For on every try must not get a new per-address budget: the
// header is believed only from the proxies TRUST_PROXY names.
describe('per-address limits and X-Forwarded-For', () => {
  const apis: RunningApi[] = [];
  const opened: Services[] = [];

  async function apiTrusting(trustProxy: string): Promise<RunningApi> {
    const services = await connectTestServices({ TRUST_PROXY: trustProxy });
    opened.push(services);
    // This test's client really is 127.0.0.1: start it with that address's sign-up budget unspent.
    await services.redis.del('ratelimit:{register-ip:127.0.0.1}', 'ratelimit:{register-ip:::ffff:127.0.0.1}');
    const api = await startApi(services);
    apis.push(api);
    return api;
  }
  // An invalid body still spends the address's budget, so the probe creates no accounts.
  const signUp = (api: RunningApi, forwardedFor: string) =>
    call(api.baseUrl, 'POST', '/auth/register', { body: {}, headers: { 'x-forwarded-for': forwardedFor } });
  const spoofed = (i: number) => `203.0.113.${i + 1}`;

  after(async () => {
    for (const api of apis) await api.stop();
    for (const services of opened) await services.close();
  });

  test('with no trusted proxy (the default), a spoofed address on each try does not escape the limit', async () => {
    const api = await apiTrusting('');
    for (let i = 0; i < 20; i += 1) assert.equal((await signUp(api, spoofed(i))).status, 422);
    const limited = await signUp(api, spoofed(20));
    assert.equal(limited.status, 429, 'the 21st sign-up from this client is refused, whatever it claims');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  });

  test('a proxy that is not the peer is not believed either', async () => {
    const api = await apiTrusting('10.0.0.1, 192.168.0.0/16');
    for (let i = 0; i < 20; i += 1) assert.equal((await signUp(api, spoofed(i))).status, 422);
    assert.equal((await signUp(api, spoofed(20))).status, 429);
  });

  test('behind a configured proxy, the address it forwards is the client', async () => {
    const api = await apiTrusting('127.0.0.1');
    const client = '198.51.100.7';
    for (let i = 0; i < 20; i += 1) assert.equal((await signUp(api, client)).status, 422);
    assert.equal((await signUp(api, client)).status, 429, 'that client is limited');
    assert.equal((await signUp(api, '198.51.100.8')).status, 422, 'another client behind the proxy is not');
  });
});
