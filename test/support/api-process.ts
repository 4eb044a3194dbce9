import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { Env } from '../../config/env';
import { freePort } from './free-port';

// The API as production runs it, `node dist/api/main.js` in its own OS process, configured only by the
// environment, for tests that put several API processes in front of the same databases and task queue.

export interface ApiProcess {
  baseUrl: string;
  stop(): Promise<void>;
}

async function waitUntilUp(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API process exited with ${child.exitCode}`);
    const ok = await fetch(`${baseUrl}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`API at ${baseUrl} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts one API process on a free port with the test's own databases, Redis and task queue. */
export async function startApiProcess(env: Env, extra: Record<string, string> = {}): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(__dirname, '../../api/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: env.NODE_ENV,
      MONGODB_URI: env.MONGODB_URI,
      REDIS_URL: env.REDIS_URL,
      REDIS_CLUSTER_NODES: env.REDIS_CLUSTER_NODES ?? '',
      TEMPORAL_TASK_QUEUE: env.TEMPORAL_TASK_QUEUE,
      OPENSEARCH_INDEX_PREFIX: env.OPENSEARCH_INDEX_PREFIX,
      AUTH_TOKEN_SECRET: env.AUTH_TOKEN_SECRET,
      STRIPE_API_BASE: env.STRIPE_API_BASE,
      PORT: String(port),
      ...extra,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(baseUrl, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    baseUrl,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
