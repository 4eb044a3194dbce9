import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../integrations/services';
import { readiness } from '../readiness';
import { declareRoute } from '../route';

const dependencyCheck = z
  .object({
    name: z.enum(['mongodb', 'redis', 'temporal', 'opensearch']),
    ok: z.boolean(),
    ms: z.number().int(),
    error: z.string().optional(),
  })
  .strict();
const readinessView = z
  .object({ status: z.enum(['ready', 'unavailable']), checks: z.array(dependencyCheck) })
  .strict()
  .openapi('Readiness');

/** /healthz says the process is up (for restarts); /readyz says each dependency answers (for traffic). */
export function healthRouter(services: Services, registry: OpenAPIRegistry): Router {
  const table = { router: Router(), registry };
  declareRoute(table, {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process is up (no dependency is checked); no token needed',
    responses: {
      200: {
        description: 'Up',
        content: { 'application/json': { schema: z.object({ status: z.literal('ok') }).strict() } },
      },
    },
    handle(_input, _req, res) {
      res.json({ status: 'ok' });
    },
  });
  declareRoute(table, {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: every dependency answered within 2 s; no token needed',
    responses: {
      200: { description: 'Ready for traffic', content: { 'application/json': { schema: readinessView } } },
      503: {
        description: 'A dependency does not answer (see checks)',
        content: { 'application/json': { schema: readinessView } },
      },
    },
    async handle(_input, _req, res) {
      const { ready, checks } = await readiness(services);
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
    },
  });
  return table.router;
}
