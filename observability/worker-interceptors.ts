import type { WorkerInterceptors } from '@temporalio/worker';
import { BusinessMetricsInterceptor } from './activity-metrics';
import { activityTracingInterceptors, workflowTracingModules } from './temporal-tracing';

/**
 * What every marketplace worker (the process, the tests, the bench) adds around activities and workflows:
 * business counters always, trace propagation when tracing is on.
 */
export function workerInterceptors(): WorkerInterceptors {
  return {
    activity: [...activityTracingInterceptors(), (ctx) => ({ inbound: new BusinessMetricsInterceptor(ctx) })],
    workflowModules: workflowTracingModules(),
  };
}

export { workflowTracingSinks as workerSinks } from './temporal-tracing';
