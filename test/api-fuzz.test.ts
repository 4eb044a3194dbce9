import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
import { deleteProductIndices, ensureProductIndex } from '../search/product-index';
import { opsToken, register, registerApprovedSeller } from './support/accounts';
import {
  connectTestServices,
  startApi,
  startWorker,
  type RunningApi,
  type RunningWorker,
} from './support/services';

const root = join(__dirname, '..', '..');
const venvPython = join(root, '.tools', 'venv', 'bin', 'python');
const pythonFound =
  existsSync(venvPython) || spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;

/** Runs scripts/fuzz.sh without blocking this process, which is serving the API being fuzzed. */
function fuzz(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(root, 'scripts', 'fuzz.sh')], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the whole API, fuzzed from its OpenAPI document', { skip: !pythonFound && 'needs python3' }, () => {
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;
  const serverErrors: unknown[] = [];
  // Search answers from an index of its own, so GET /products?q= is fuzzed rather than refused as 503.
  const prefix = `fuzz-test-${randomBytes(4).toString('hex')}`;
  // And a database of its own: other tests' hand-made fixtures and orders whose workers have stopped are
  // not what a real API serves, and ops-scoped lists would hand them to the fuzzer.
  const database = new URL(process.env.TEST_MONGODB_URI ?? 'mongodb://127.0.0.1:27017/marketplace_test');
  database.pathname = '/marketplace_fuzz';
  // Its Redis db too, so the logins and sign-ups it hammers do not spend other tests' per-IP allowance.
  const redis = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1');
  redis.pathname = '/3';
  const own = {
    OPENSEARCH_INDEX_PREFIX: prefix,
    MONGODB_URI: database.toString(),
    REDIS_URL: redis.toString(),
  };

  before(async () => {
    services = await connectTestServices(own);
    await services.database.db.dropDatabase();
    await services.redis.flushdb();
    await services.close();
    services = await connectTestServices(own);
    await ensureProductIndex(services.search, prefix);
    worker = await startWorker(services);
    api = await startApi(services, { log: (error) => serverErrors.push(error) });
  });

  after(async () => {
    await api?.stop();
    await worker?.stop();
    if (services) await deleteProductIndices(services.search, prefix);
    await services?.close();
  });

  test('no 5xx, every response matches its schema and a documented status, for buyer, seller and ops', async () => {
    const buyer = await register(api.baseUrl, 'buyer');
    // An approved seller reaches the listing and stock endpoints past the approval gate.
    const seller = await registerApprovedSeller(api.baseUrl, services);
    const ops = await opsToken(api.baseUrl, services);

    const result = await fuzz({
      API_URL: api.baseUrl,
      FUZZ_BUYER_TOKEN: buyer.token,
      FUZZ_SELLER_TOKEN: seller.token,
      FUZZ_OPS_TOKEN: ops,
      // A guest reaches little a buyer does not (browsing, search and sign-up are the same; only the cart
      // differs), so the suite spends its time on signed-in callers; scripts/fuzz.sh fuzzes guests too.
      FUZZ_ROLES: process.env.FUZZ_ROLES ?? 'buyer seller ops',
      FUZZ_MAX_EXAMPLES: process.env.FUZZ_MAX_EXAMPLES ?? '5',
      // A fixed seed keeps the suite's run repeatable; scripts/fuzz.sh on its own explores new cases.
      FUZZ_SEED: process.env.FUZZ_SEED ?? '7',
    });
    assert.deepEqual(
      serverErrors.map((error) => (error instanceof Error ? error.stack : String(error))),
      [],
      'the API logged internal errors while fuzzed',
    );
    assert.equal(result.code, 0, result.output.slice(-20_000));
    // What was covered, for the suite's log: one summary line per caller.
    for (const line of result.output
      .split('\n')
      .filter((l) => /^\[stack\] fuzzing|^=+ .* in [\d.]+s =+$/.test(l))) {
      console.log(line);
    }
  });
});
