import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import autocannon from 'autocannon';
import { connectTemporalWorker } from '../integrations/temporal';
import { sellerFulfillmentWorkflowId } from '../workflows/seller-fulfillment-definitions';
import type { floorWorkflow } from './baseline-workflow';
import { addActions, billableActions, type BillableActions } from './billable-actions';
import type { BenchContext } from './context';
import { loopLoad, type LoadFigures } from './load';
import { freePort, peakRssDuring, startProcess, waitForHttp } from './processes';
import { buyerToken, openShop, orderToConfirmed, shipTo } from './shop';
import type { Row } from './table';

// Orders end to end through our own processes (API, worker, search-indexer, each its own node process on a
// task queue of its own), next to what the same Temporal server does for a workflow with nothing in it.

const storefronts = Number(process.env.BENCH_ORDER_CONCURRENCY ?? 16);
const orderSeconds = Number(process.env.BENCH_ORDER_SECONDS ?? 15);
const mb = (bytes: number) => bytes / (1024 * 1024);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function historyFigures(
  ctx: BenchContext,
  workflowId: string,
): Promise<{ events: number; actions: BillableActions }> {
  const history = await ctx.services.temporal.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  return { events: events.length, actions: billableActions(events) };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const atRestRuns = 10;
const postConnections = 20;

/** The floor: a one-activity workflow, run by a worker in this process on a task queue of its own. */
async function floor(ctx: BenchContext): Promise<{
  load: LoadFigures;
  starts: LoadFigures;
  events: number;
  atRestMs: number;
  actions: BillableActions;
}> {
  const taskQueue = `bench-floor-${ctx.runId}`;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by an earlier measurement in this process.
  }
  const connection = await connectTemporalWorker(ctx.services.env);
  const worker = await Worker.create({
    connection,
    namespace: ctx.services.env.TEMPORAL_NAMESPACE,
    taskQueue,
    workflowsPath: join(__dirname, 'baseline-workflow.js'),
    activities: { nothing: () => Promise.resolve() },
  });
  const running = worker.run();
  try {
    const run = (i: number) =>
      ctx.services.temporal.workflow.execute<typeof floorWorkflow>('floorWorkflow', {
        taskQueue,
        workflowId: `floor-${ctx.runId}-${i}`,
      });
    await run(-1);
    const atRest: number[] = [];
    for (let i = 0; i < atRestRuns; i += 1) {
      const t0 = performance.now();
      await run(-2 - i);
      atRest.push(performance.now() - t0);
    }
    const load = await loopLoad(run, { concurrency: storefronts, seconds: Math.min(orderSeconds, 10) });
    // What POST /orders cannot beat: the workflow start alone, as many in flight as the POST load has
    // connections, while the worker runs what was started.
    const starts = await loopLoad(
      (i) =>
        ctx.services.temporal.workflow.start<typeof floorWorkflow>('floorWorkflow', {
          taskQueue,
          workflowId: `floor-start-${ctx.runId}-${i}`,
        }),
      { concurrency: postConnections, seconds: 5 },
    );
    const figures = await historyFigures(ctx, `floor-${ctx.runId}-0`);
    return { load, starts, events: figures.events, atRestMs: median(atRest), actions: figures.actions };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}

async function postLoad(url: string, ctx: BenchContext, skus: string[]): Promise<LoadFigures> {
  const tokens = await Promise.all(Array.from({ length: 100 }, () => buyerToken(ctx)));
  const body = JSON.stringify({ lines: skus.map((sku) => ({ sku, quantity: 1 })), shipTo });
  let n = 0;
  const options = {
    url,
    connections: postConnections,
    requests: [
      {
        method: 'POST' as const,
        path: '/orders',
        setupRequest: (request: autocannon.Request) => {
          n += 1;
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${tokens[n % tokens.length] ?? ''}`,
              'idempotency-key': `bench-${ctx.runId}-${n}-${randomBytes(4).toString('hex')}`,
            },
            body,
          };
        },
      },
    ],
  };
  await autocannon({ ...options, duration: 1 });
  const result = await autocannon({ ...options, duration: 5 });
  return {
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    perSecond: result.requests.average,
    failures: result.non2xx + result.errors,
  };
}

export async function orders(ctx: BenchContext): Promise<Row[]> {
  const shop = await openShop(ctx, 'orders');
  // The first order waits for the worker to bundle its workflows and poll; it is not measured.
  await Promise.all([0, 1].map(() => orderToConfirmed(ctx, shop, true)));
  await sleep(2000);
  const atRest = new Map(shop.processes.map((p) => [p.name, p.rss()]));
  // One order at a time, nothing else running: the latency of the order path itself.
  const restTimes: number[] = [];
  const restOrders: string[] = [];
  for (let i = 0; i < atRestRuns; i += 1) {
    const t0 = performance.now();
    restOrders.push(await orderToConfirmed(ctx, shop, true, 10));
    restTimes.push(performance.now() - t0);
  }
  const restMs = median(restTimes);

  const confirmed: string[] = [];
  const underLoad = await peakRssDuring(shop.processes, () =>
    loopLoad(
      async () => {
        confirmed.push(await orderToConfirmed(ctx, shop, true));
      },
      { concurrency: storefronts, seconds: orderSeconds },
    ),
  );
  const endToEnd = underLoad.result;

  // The same load with a second worker process polling the same task queue.
  const secondWorker = startProcess('worker 2', 'bench/bench-worker.js', shop.env);
  ctx.onCleanup(() => secondWorker.stop());
  await orderToConfirmed(ctx, shop, true);
  const twoWorkers = await loopLoad(() => orderToConfirmed(ctx, shop, true), {
    concurrency: storefronts,
    seconds: orderSeconds,
  });
  await secondWorker.stop();

  const sample = [...restOrders, ...confirmed].slice(0, 10);
  const perOrder = await Promise.all(
    sample.map(async (orderId) => {
      const order = await historyFigures(ctx, `order-${orderId}`);
      const children = await Promise.all(
        shop.sellerIds.map((sellerId) => historyFigures(ctx, sellerFulfillmentWorkflowId(orderId, sellerId))),
      );
      return {
        order: order.events,
        children: children.reduce((a, b) => a + b.events, 0),
        actions: children.reduce((a, b) => addActions(a, b.actions), order.actions),
      };
    }),
  );
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const orderEvents = mean(perOrder.map((p) => p.order));
  const childEvents = mean(perOrder.map((p) => p.children));
  const actionsOf = (key: keyof BillableActions) => mean(perOrder.map((p) => p.actions[key]));

  const floorFigures = await floor(ctx);

  // POST /orders alone under load (no card: each order then waits for payment), against a bare Express.
  const barePort = await freePort();
  const bare = startProcess('bare Express', 'bench/bare-server.js', { PORT: String(barePort) });
  ctx.onCleanup(() => bare.stop());
  await waitForHttp(`http://127.0.0.1:${barePort}/healthz`);
  const bareFigures = await postLoad(`http://127.0.0.1:${barePort}`, ctx, shop.skus);
  const postUnderLoad = await peakRssDuring(shop.processes, () => postLoad(shop.apiUrl, ctx, shop.skus));
  const postFigures = postUnderLoad.result;

  const failures = endToEnd.failures;
  const e2eWarning = failures > 0 ? `${failures} orders did not reach confirmed` : undefined;
  const postWarning =
    postFigures.failures + bareFigures.failures > 0
      ? `${postFigures.failures + bareFigures.failures} failed requests`
      : undefined;
  const floorIs = `a one-activity workflow started and awaited through the Temporal client, ${storefronts} in flight, same server`;
  const startIs = `the Temporal client's workflow start alone, ${postConnections} in flight, while a worker runs the one-activity workflows started, same server`;
  const e2e = `orders end to end (POST /orders with a card, 2 sellers, GET until confirmed; ${storefronts} storefronts)`;
  const rows: Row[] = [
    {
      measurement: `${e2e}: completed`,
      ours: { value: endToEnd.perSecond, unit: 'orders/s' },
      baseline: { value: floorFigures.load.perSecond, unit: 'workflows/s' },
      baselineIs: floorIs,
      warning: e2eWarning,
    },
    {
      measurement: `${e2e}: time to confirmed p50`,
      ours: { value: endToEnd.p50Ms, unit: 'ms' },
      baseline: { value: floorFigures.load.p50Ms, unit: 'ms' },
      baselineIs: floorIs,
      warning: e2eWarning,
    },
    {
      measurement: `${e2e}: time to confirmed p99`,
      ours: { value: endToEnd.p99Ms, unit: 'ms' },
      baseline: { value: floorFigures.load.p99Ms, unit: 'ms' },
      baselineIs: floorIs,
      warning: e2eWarning,
    },
    {
      measurement: `${e2e}: completed with 2 worker processes`,
      ours: { value: twoWorkers.perSecond, unit: 'orders/s' },
      baseline: { value: endToEnd.perSecond, unit: 'orders/s' },
      baselineIs: 'the same load with 1 worker process, this run',
      warning: twoWorkers.failures > 0 ? `${twoWorkers.failures} orders did not reach confirmed` : undefined,
    },
    {
      measurement: `Temporal history events per order up to confirmed (order workflow ${orderEvents.toFixed(0)} + 2 seller-fulfillment children ${childEvents.toFixed(0)}; mean of ${perOrder.length})`,
      ours: { value: orderEvents + childEvents, unit: 'events' },
      baseline: { value: floorFigures.events, unit: 'events' },
      baselineIs: 'the complete history of the one-activity workflow',
    },
    {
      measurement:
        `Temporal Cloud billable actions per order up to confirmed, order + 2 children (starts ` +
        `${actionsOf('starts').toFixed(1)}, activities ${actionsOf('activities').toFixed(1)}, workflow tasks ` +
        `with markers ${actionsOf('markerTasks').toFixed(1)}, timers ${actionsOf('timers').toFixed(1)}, ` +
        `signals ${actionsOf('signals').toFixed(1)}, updates ${actionsOf('updates').toFixed(1)}, search-attribute ` +
        `upserts ${actionsOf('upserts').toFixed(1)}; mean of ${perOrder.length})`,
      ours: `${actionsOf('total').toFixed(1)} actions`,
      baseline: `${floorFigures.actions.total} actions`,
      baselineIs: 'the one-activity workflow (a start and an activity)',
    },
    {
      measurement: `time from POST /orders to confirmed at rest, median of ${atRestRuns} orders one at a time (polled every 10 ms)`,
      ours: { value: restMs, unit: 'ms' },
      baseline: { value: floorFigures.atRestMs, unit: 'ms' },
      baselineIs: `the one-activity workflow started and awaited through the client, median of ${atRestRuns} one at a time`,
    },
    {
      measurement: 'POST /orders p50 (20 connections, starts the order workflow)',
      ours: { value: postFigures.p50Ms, unit: 'ms' },
      baseline: { value: bareFigures.p50Ms, unit: 'ms' },
      baselineIs: 'bare Express process: same JSON parser, same 202 answer, nothing else',
      warning: postWarning,
    },
    {
      measurement: 'POST /orders p99 (20 connections, starts the order workflow)',
      ours: { value: postFigures.p99Ms, unit: 'ms' },
      baseline: { value: bareFigures.p99Ms, unit: 'ms' },
      baselineIs: 'bare Express process: same JSON parser, same 202 answer, nothing else',
      warning: postWarning,
    },
    {
      measurement: 'POST /orders p99 (20 connections) beside the workflow start it makes',
      ours: { value: postFigures.p99Ms, unit: 'ms' },
      baseline: { value: floorFigures.starts.p99Ms, unit: 'ms' },
      baselineIs: startIs,
      warning: postWarning,
    },
    {
      measurement: 'POST /orders throughput (20 connections) beside the workflow start it makes',
      ours: { value: postFigures.perSecond, unit: 'req/s' },
      baseline: { value: floorFigures.starts.perSecond, unit: 'workflows/s' },
      baselineIs: startIs,
      warning: postWarning,
    },
    {
      measurement: 'POST /orders throughput (20 connections)',
      ours: { value: postFigures.perSecond, unit: 'req/s' },
      baseline: { value: bareFigures.perSecond, unit: 'req/s' },
      baselineIs: 'bare Express process: same JSON parser, same 202 answer, nothing else',
      warning: postWarning,
    },
  ];
  for (const p of shop.processes) {
    const peak = Math.max(underLoad.peaks.get(p.name) ?? 0, postUnderLoad.peaks.get(p.name) ?? 0);
    rows.push({
      measurement: `RSS of the ${p.name} process, peak under the order loads above`,
      ours: { value: mb(peak), unit: 'MB' },
      baseline: { value: mb(atRest.get(p.name) ?? 0), unit: 'MB' },
      baselineIs: 'the same process at rest, after two warm-up orders',
    });
  }
  return rows;
}
