// A marketplace worker in its own OS process, as workers/main.ts runs one, for tests that kill it with
// SIGKILL. It polls TEMPORAL_TASK_QUEUE with the real activities and a prebuilt workflow bundle
// (WORKFLOW_BUNDLE_PATH), so a restart takes a second rather than a re-bundle.
//
// FAULT_HANG_AFTER=reserveStock,authorizePayment: the first call of each named activity (and every retry of
// that same call) does its real work, then prints `after <name> <json input>` once and never returns, the moment a crash does the most harm: the
// effect happened but Temporal never heard of it.
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { connectTemporalWorker } from '../../integrations/temporal';
import { connectTestServices } from './services';

type Activities = ReturnType<typeof createActivities>;

function hangingAfter(activities: Activities, names: string[]): Activities {
  const wrapped: Record<string, unknown> = { ...activities };
  for (const name of names) {
    const real = (activities as Record<string, unknown>)[name] as (input: unknown) => Promise<unknown>;
    if (typeof real !== 'function') throw new Error(`no activity ${name}`);
    // The input that hung hangs on every retry too (a local activity is retried in this same process after
    // its timeout), so the step stays stuck until the test kills the worker, however slow the machine.
    let hung: string | undefined;
    wrapped[name] = async (input: unknown) => {
      const result = await real(input);
      const key = JSON.stringify(input);
      if (hung !== undefined && hung !== key) return result;
      if (hung === undefined) process.stdout.write(`after ${name} ${key}\n`);
      hung = key;
      return new Promise<never>(() => undefined);
    };
  }
  return wrapped as Activities;
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const services = await connectTestServices({ TEMPORAL_TASK_QUEUE: process.env.TEMPORAL_TASK_QUEUE ?? '' });
  const connection = await connectTemporalWorker(services.env);
  const hang = (process.env.FAULT_HANG_AFTER ?? '').split(',').filter(Boolean);
  const worker = await Worker.create({
    connection,
    namespace: services.env.TEMPORAL_NAMESPACE,
    taskQueue: services.env.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH ?? '' },
    activities: hangingAfter(createActivities(services), hang),
  });
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  process.stdout.write('polling\n');
  await running;
  await connection.close();
  await services.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
