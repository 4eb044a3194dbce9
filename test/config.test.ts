import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadEnv } from '../config/env';

test('with no settings at all, everything points at the local stack', () => {
  const env = loadEnv({});
  assert.equal(env.MONGODB_URI, 'mongodb://127.0.0.1:27017/marketplace');
  assert.equal(env.REDIS_URL, 'redis://127.0.0.1:6379');
  assert.equal(env.TEMPORAL_ADDRESS, '127.0.0.1:7233');
  assert.equal(env.OPENSEARCH_URL, 'http://127.0.0.1:9200');
  assert.equal(env.STRIPE_API_BASE, 'http://127.0.0.1:12111');
  assert.equal(env.PORT, 3000);
  assert.equal(env.TEMPORAL_TLS, false);
});

test('bad settings are refused at start with a message naming each one', () => {
  assert.throws(
    () => loadEnv({ MONGODB_URI: 'postgres://x', PORT: 'eighty', STRIPE_SECRET_KEY: 'pk_live_1' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /MONGODB_URI: must be a URL starting with mongodb:/);
      assert.match(error.message, /PORT:/);
      assert.match(error.message, /STRIPE_SECRET_KEY: must be a Stripe secret key/);
      return true;
    },
  );
  assert.throws(() => loadEnv({ NODE_ENV: 'production' }), /AUTH_TOKEN_SECRET: must be set in production/);
  assert.throws(() => loadEnv({ TEMPORAL_TLS_CERT_PATH: '/a.pem' }), /must be set together/);
});

test('Temporal Cloud and clusters are configuration only', () => {
  const env = loadEnv({
    TEMPORAL_ADDRESS: 'marketplace.a1b2c.tmprl.cloud:7233',
    TEMPORAL_NAMESPACE: 'marketplace.a1b2c',
    TEMPORAL_API_KEY: 'key',
    REDIS_CLUSTER_NODES: '10.0.0.1:6379,10.0.0.2:6379',
    MONGODB_URI: 'mongodb://db1,db2,db3/marketplace?replicaSet=rs0',
  });
  assert.equal(env.TEMPORAL_API_KEY, 'key');
  assert.equal(env.REDIS_CLUSTER_NODES, '10.0.0.1:6379,10.0.0.2:6379');
});

test('forwarding headers are trusted only from the proxies TRUST_PROXY names', () => {
  assert.deepEqual(loadEnv({}).TRUST_PROXY, [], 'none by default');
  assert.deepEqual(loadEnv({ TRUST_PROXY: ' 10.0.0.0/8, loopback,::1 ' }).TRUST_PROXY, [
    '10.0.0.0/8',
    'loopback',
    '::1',
  ]);
  assert.throws(
    () => loadEnv({ TRUST_PROXY: 'true' }),
    /TRUST_PROXY: not an address, CIDR or named range: true/,
  );
  assert.throws(() => loadEnv({ TRUST_PROXY: '10.0.0.0/33' }), /TRUST_PROXY/);
});

test('production refuses every local default secret, naming each; set ones start', () => {
  const secrets = {
    AUTH_TOKEN_SECRET: 'a-real-production-token-secret',
    OPS_PASSWORD: 'a-real-ops-password',
    STRIPE_WEBHOOK_SECRET: 'whsec_real',
    CARRIER_WEBHOOK_SECRET: 'carrier-real',
  };
  assert.throws(
    () => loadEnv({ NODE_ENV: 'production' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      for (const key of Object.keys(secrets)) {
        assert.match(error.message, new RegExp(`${key}: must be set in production`));
      }
      return true;
    },
  );
  for (const key of Object.keys(secrets)) {
    const { [key as keyof typeof secrets]: _left, ...others } = secrets;
    assert.throws(
      () => loadEnv({ NODE_ENV: 'production', ...others }),
      (error: unknown) =>
        error instanceof ConfigError && error.message.includes(key) && !/OPS_EMAIL/.test(error.message),
      key,
    );
  }
  assert.equal(loadEnv({ NODE_ENV: 'production', ...secrets }).AUTH_TOKEN_SECRET, secrets.AUTH_TOKEN_SECRET);
  // The same defaults are fine anywhere else: the local stack runs on them.
  assert.equal(loadEnv({ NODE_ENV: 'development' }).OPS_PASSWORD, 'ops-password');
  assert.throws(
    () => loadEnv({ AUTH_TOKEN_PREVIOUS_SECRET: 'short' }),
    /AUTH_TOKEN_PREVIOUS_SECRET: must be at least 16/,
  );
});

test('CORS origins are an allow-list of exact origins', () => {
  assert.deepEqual(loadEnv({}).CORS_ORIGINS, []);
  assert.deepEqual(loadEnv({ CORS_ORIGINS: 'https://shop.example, http://localhost:5173' }).CORS_ORIGINS, [
    'https://shop.example',
    'http://localhost:5173',
  ]);
  assert.throws(
    () => loadEnv({ CORS_ORIGINS: 'https://shop.example/path' }),
    /CORS_ORIGINS: .* is not an origin/,
  );
  assert.throws(() => loadEnv({ CORS_ORIGINS: '*' }), /CORS_ORIGINS/);
});
