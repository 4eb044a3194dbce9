import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../integrations/services';

const dependencyCheck = z
  .object({
    name: z.enum(['mongodb', 'redis', 'temporal', 'opensearch']),
    ok: z.boolean(),
    ms: z.number().int(),
    error: z.string().optional(),
  })
  .strict();
const readiness = z
  .object({ status: z.enum(['ready', 'unavailable']), checks: z.array(dependencyCheck) })
  .strict()
  .openapi('Readiness');

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
export function healthRouter(services: Services, registry: OpenAPIRegistry): Router {
  const router = Router();
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process is up (no dependency is checked); no token needed',
    responses: {
      200: {
        description: 'Up',
        content: { 'application/json': { schema: z.object({ status: z.literal('ok') }).strict() } },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: every dependency answered within 2 s; no token needed',
    responses: {
      200: { description: 'Ready for traffic', content: { 'application/json': { schema: readiness } } },
      503: {
        description: 'A dependency does not answer (see checks)',
        content: { 'application/json': { schema: readiness } },
      },
    },
  });
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
