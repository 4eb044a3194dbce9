import type { WorkerInterceptors } from '@temporalio/worker';
import { BusinessMetricsInterceptor } from './activity-metrics';

/** What every marketplace worker (the process, the tests, the bench) adds around activities and workflows. */
export function workerInterceptors(): WorkerInterceptors {
  return {
    activity: [(ctx) => ({ inbound: new BusinessMetricsInterceptor(ctx) })],
  };
}
