import { Router } from 'express';
import type { Services } from '../../integrations/services';

async function check(name: string, probe: () => Promise<unknown>) {
  const started = Date.now();
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2s')), 2_000).unref()),
    ]);
    return { name, ok: true, ms: Date.now() - started };
  } catch (error) {
    return {
      name,
      ok: false,
      ms: Date.now() - started,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** /healthz says the process is up (for restarts); /readyz says each dependency answers (for traffic). */
export function healthRouter(services: Services): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = await Promise.all([
      check('mongodb', () => services.database.db.command({ ping: 1 })),
      check('redis', () => services.redis.ping()),
      check('temporal', () => services.temporal.workflowService.getSystemInfo({})),
      check('opensearch', () => services.search.ping()),
    ]);
    const ready = checks.every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
  return router;
}
