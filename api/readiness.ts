import type { Services } from '../integrations/services';

export interface DependencyCheck {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

// A dependency slower than this is as good as down for traffic: the load balancer should look elsewhere.
const checkTimeoutMs = 2_000;

async function check(name: string, probe: () => Promise<unknown>): Promise<DependencyCheck> {
  const started = Date.now();
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('timed out after 2s')), checkTimeoutMs).unref(),
      ),
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

/** Asks every dependency at once; ready only when each answered in time. */
export async function readiness(services: Services): Promise<{ ready: boolean; checks: DependencyCheck[] }> {
  const checks = await Promise.all([
    check('mongodb', () => services.database.db.command({ ping: 1 })),
    check('redis', () => services.redis.ping()),
    check('temporal', () => services.temporal.workflowService.getSystemInfo({})),
    check('opensearch', () => services.search.ping()),
  ]);
  return { ready: checks.every((c) => c.ok), checks };
}
