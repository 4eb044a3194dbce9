import { cpus } from 'node:os';
import { productList, productReads } from './catalog-reads';
import { checkoutRace } from './checkout-race';
import { openBenchContext, type BenchContext } from './context';
import { databaseWrites } from './database-writes';
import { flashSale } from './flash-sale';
import { memory } from './memory';
import { observabilityOverhead } from './observability-overhead';
import { orders } from './orders';
import { searchBenchRows } from './search-bench';
import { stockOnCluster } from './stock-cluster';
import { stockReservations } from './stock-reservations';
import { markdownTable, type Row } from './table';

// Every measurement returns rows of (ours, baseline measured now on this machine). To add one, write a
// function (ctx) => Promise<Row[]> in its own file and list it here; keep it bounded (a few seconds).
const measurements: { name: string; measure: (ctx: BenchContext) => Promise<Row[]> }[] = [
  { name: 'memory', measure: memory },
  { name: 'product reads', measure: productReads },
  { name: 'product list', measure: productList },
  // Two API processes of this build, observability on and off, alternating: about half a minute.
  { name: 'observability overhead', measure: observabilityOverhead },
  { name: 'stock reservations', measure: stockReservations },
  { name: 'database writes', measure: databaseWrites },
  // Starts the scale tests' Redis Cluster (scripts/stack/redis-cluster.sh) unless it runs already.
  { name: 'stock reservations on Redis Cluster', measure: stockOnCluster },
  { name: 'orders end to end', measure: orders },
  // 400 buyers for 37 units, three times on the same database: about a minute on a quiet machine.
  { name: 'checkout race', measure: checkoutRace },
  // 10,000 buyers in child processes against two API processes: a minute or two.
  { name: 'flash sale', measure: flashSale },
  // Search builds (or reuses) a 100,000-product catalog of its own; the first run takes a few minutes.
  {
    name: 'search (100k products)',
    measure: async () =>
      (await searchBenchRows()).map((row) => ({
        measurement: row.measurement,
        ours: row.ours,
        baseline: row.baseline,
        baselineIs: row.note ?? '',
      })),
  },
];

async function main(): Promise<void> {
  const ctx = await openBenchContext();
  const rows: Row[] = [];
  let failed = false;
  try {
    // BENCH_ONLY=orders,stock runs just the measurements whose name contains one of those words.
    const only = process.env.BENCH_ONLY?.split(',');
    for (const { name, measure } of measurements.filter(
      (m) => !only || only.some((w) => m.name.includes(w)),
    )) {
      const started = Date.now();
      process.stderr.write(`bench: ${name}...`);
      try {
        rows.push(...(await measure(ctx)));
        process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
      } catch (error) {
        failed = true;
        process.stderr.write(` failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  } finally {
    await ctx.close();
  }
  process.stdout.write(`\n${markdownTable(rows)}\n\n`);
  process.stdout.write(
    `Node ${process.version}, ${cpus().length} CPUs; load generator and API share one process, except in the ` +
      `order rows, where the API, worker and search-indexer run as processes of their own.\n`,
  );
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
