import { cpus } from 'node:os';
import { connectServices } from '../integrations/services';
import { benchEnv, openBenchContext, type BenchContext } from './context';
import { runFlashSaleRace, type FlashSaleRaceReport } from './flash-sale-race';
import { markdownTable, type Row } from './table';
import { createMarketplaceWorker } from '../workers/marketplace-worker';
import type { Services } from '../integrations/services';
import { FlashSaleQueue } from '../integrations/flash-sale-queue';
import {
  type FlashSaleState,
  flashSaleStateQuery,
  flashSaleTermsSignal,
  flashSaleWorkflowId,
} from '../workflows/flash-sale-definitions';
import type { flashSaleWorkflow } from '../workflows/flash-sale';

const buyers = 10_000;
const units = 100;
const buyerProcesses = 5;
const apiProcesses = 2;

/** What must hold whatever the timing; any breach is printed as the row's warning. */
function breaches(r: FlashSaleRaceReport): string[] {
  const out: string[] = [];
  if (r.unexpected.length > 0) out.push(`${r.unexpected.length} unexpected answers`);
  if (r.heldByBuyers !== units || r.ledgerHolds !== units) out.push(`${r.ledgerHolds} holds`);
  if (r.ledgerUnitsReserved > units) out.push(`${r.ledgerUnitsReserved - units} oversold`);
  if (r.ordersConfirmed !== r.ordersPlaced) out.push(`${r.ordersPlaced - r.ordersConfirmed} not confirmed`);
  if (r.redisAvailable !== r.ledgerAvailable) out.push('Redis and ledger disagree');
  if (r.probeDuringRace.failures > 0) out.push(`${r.probeDuringRace.failures} product reads failed`);
  return out;
}

const idleSeconds = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A live sale nobody is in line for (one unit on the shelf, so it is not sold out): the history events its
 * workflow writes per second once it is admitting, as the API would have started it.
 */
async function idleSaleEventsPerSecond(services: Services, runId: string): Promise<number> {
  const sku = `${runId}-IDLE-SALE`.toUpperCase();
  await services.counters.adjust(sku, 'wh-bench', 1, `bench-${sku}`);
  const terms = {
    startsAt: new Date().toISOString(),
    admitPerSecond: 50,
    perBuyerLimit: 1,
    holdSeconds: 600,
  };
  await new FlashSaleQueue(services.redis).flag(sku, terms);
  const handle = await services.temporal.workflow.signalWithStart<typeof flashSaleWorkflow, [typeof terms]>(
    'flashSaleWorkflow',
    {
      taskQueue: services.env.TEMPORAL_TASK_QUEUE,
      workflowId: flashSaleWorkflowId(sku),
      args: [{ sku, terms }],
      signal: flashSaleTermsSignal,
      signalArgs: [terms],
    },
  );
  try {
    for (let i = 0; i < 100; i += 1) {
      if ((await handle.query<FlashSaleState>(flashSaleStateQuery)).status === 'admitting') break;
      await sleep(100);
    }
    await sleep(1000);
    const events = async () => (await handle.fetchHistory()).events?.length ?? 0;
    const before = await events();
    await sleep(idleSeconds * 1000);
    return ((await events()) - before) / idleSeconds;
  } finally {
    await handle.terminate('bench finished').catch(() => undefined);
  }
}

/**
 * (f) 10,000 buyers in 5 processes race for 100 units through 2 API processes, while a sixth process reads a
 * product page: the invariants, the time to sell out and check out, and the page's latency next to the same
 * probe on the same API just before the sale. Takes about a minute or two.
 */
export async function flashSale(ctx: BenchContext): Promise<Row[]> {
  // A task queue of its own, so the worker here serves only this race's orders and sale.
  const env = { ...benchEnv(), TEMPORAL_TASK_QUEUE: `bench-flash-${ctx.runId}` };
  const services = await connectServices(env);
  const { worker, connection } = await createMarketplaceWorker(services);
  const running = worker.run();
  let r: FlashSaleRaceReport;
  let idleEvents: number;
  try {
    idleEvents = await idleSaleEventsPerSecond(services, `${ctx.runId}f`);
    r = await runFlashSaleRace(services, {
      runId: `${ctx.runId}f`,
      buyers,
      units,
      buyerProcesses,
      apiProcesses,
      admitPerSecond: 50,
      holdSeconds: 600,
      arrivalMs: 3000,
    });
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await services.close();
  }
  const problems = breaches(r);
  for (const answer of r.unexpected.slice(0, 5)) process.stderr.write(`flash sale: unexpected ${answer}\n`);
  const warning = problems.length > 0 ? problems.join('; ') : undefined;
  const name = `flash sale (${buyers.toLocaleString('en-US')} buyers in ${buyerProcesses} processes, ${units} units, ${apiProcesses} API processes)`;
  const idleIs =
    `the same probe (4 readers, at most 200 reads/s, own process) on the same API just before the sale; it read ` +
    `${r.probeIdle.requests} times in 3 s then, ${r.probeDuringRace.requests} times during the race`;
  return [
    {
      measurement: `flash-sale workflow history per live SKU while nobody is admitted (events over ${idleSeconds} s)`,
      ours: `${idleEvents.toFixed(2)} events/s`,
      baseline: '4.00 beats/s',
      baselineIs: 'the 250 ms admission beat, which the sale keeps (each beat was ~11 events before)',
    },
    {
      measurement: `${name}: holds / units sold / checked out`,
      ours: `${r.ledgerHolds} / ${r.ledgerUnitsReserved} / ${r.ordersConfirmed} confirmed`,
      baseline: `${units} units`,
      baselineIs: `the stock; Redis ${r.redisAvailable} left, ledger ${r.ledgerAvailable} left`,
      warning,
    },
    {
      measurement: `${name}: buyers told sold out / throttled / requests`,
      ours: `${r.soldOut} / ${r.throttled} / ${r.requests}`,
      baseline: `${buyers - units} buyers`,
      baselineIs: 'everyone who could not get a unit',
      warning,
    },
    {
      measurement: `${name}: all holds taken / all buyers answered / all orders confirmed`,
      ours: `${r.holdSpanSeconds.toFixed(1)} s / ${r.raceSeconds.toFixed(1)} s / ${r.lastConfirmedSeconds.toFixed(1)} s`,
      baseline: `${(units / 50).toFixed(1)} s`,
      baselineIs:
        `holds: the admission pace (50/s); the others from the first arrival (spread over 3 s, sale ` +
        `starts at 2 s), confirmed by each order's last write (the bench's own poll, which starts once ` +
        `every buyer is answered, saw it at ${r.checkoutSeconds.toFixed(1)} s); load average ${r.loadAverage.toFixed(1)} on ${cpus().length} CPUs at the end`,
    },
    {
      measurement: `${name}: a winner's steps from the sale's start (p50 / max): join answered / hold taken / seen / order accepted / confirmed`,
      ours:
        (['joined', 'holdTaken', 'heldSeen', 'placed', 'confirmed'] as const)
          .map((step) => r.winnerSteps[step].map((s) => s.toFixed(1)).join('/'))
          .join(' · ') + ' s',
      baseline: `${(units / 50).toFixed(1)} s`,
      baselineIs: "the last hold at the admission pace (50/s); confirmed is each order's last write",
      warning,
    },
    {
      measurement: `${name}: a loser told sold out, from the sale's start (p50 / max) / requests each (p50 / max)`,
      ours:
        `${r.soldOutSeconds.map((s) => s.toFixed(1)).join(' / ')} s · ` +
        `${r.soldOutRequests.join(' / ')} requests`,
      baseline: `${(units / 50).toFixed(1)} s · 1 request`,
      baselineIs: 'the shelf empties at the admission pace; a join that is told at once',
      warning,
    },
    {
      measurement: `${name}: GET /products/:id p50 during the race`,
      ours: { value: r.probeDuringRace.p50Ms, unit: 'ms' },
      baseline: { value: r.probeIdle.p50Ms, unit: 'ms' },
      baselineIs: idleIs,
      warning,
    },
    {
      measurement: `${name}: GET /products/:id p99 during the race`,
      ours: { value: r.probeDuringRace.p99Ms, unit: 'ms' },
      baseline: { value: r.probeIdle.p99Ms, unit: 'ms' },
      baselineIs: idleIs,
      warning,
    },
  ];
}

// `node dist/bench/flash-sale.js` runs this measurement alone.
if (require.main === module) {
  void (async () => {
    const ctx = await openBenchContext();
    try {
      process.stdout.write(`\n${markdownTable(await flashSale(ctx))}\n`);
    } finally {
      await ctx.close();
    }
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
