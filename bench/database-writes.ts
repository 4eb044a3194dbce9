import { Pool } from 'pg';
import type { BenchContext } from './context';
import { loopLoad, type LoadFigures } from './load';
import type { Row } from './table';

// What an order's status projection costs the embedded database: one-document updates by _id from 16
// writers at once, each writer on documents of its own (single-writer documents, as the workflows write
// them). Beside it, the same update written straight to PostgreSQL (the server FerretDB stores into) on a
// table of FerretDB's own shape, so the figure shows what FerretDB adds to the server's own cost.

const writers = 16;
const documents = 2_000;
const seconds = 5;

/** An order-sized document: the fields a status write leaves alone are what make the row this wide. */
function orderLike(i: number) {
  return {
    _id: `w${i}`,
    customerId: `usr_${i % 97}`,
    status: 'pending',
    lines: Array.from({ length: 3 }, (_, l) => ({
      sku: `SKU-${(i + l) % 500}`,
      sellerId: `sel_${l}`,
      title: 'Bench kettle, stainless, 1.7 l',
      quantity: 1 + l,
      unitPrice: { amount: 2500 + l, currency: 'USD' },
    })),
    total: { amount: 9000, currency: 'USD' },
    updatedAt: new Date(),
  };
}

/** The PostgreSQL FerretDB stores into: the stack's own cluster unless BENCH_POSTGRES_URL says otherwise. */
export function benchPostgresUrl(): string {
  return (
    process.env.BENCH_POSTGRES_URL ??
    `postgres://postgres@127.0.0.1:${process.env.STACK_POSTGRES_PORT ?? '5433'}/ferretdb`
  );
}

async function ferretdbUpdates(ctx: BenchContext): Promise<LoadFigures> {
  const db = ctx.services.database.db;
  const name = `bench_writes_${ctx.runId}`;
  const collection = db.collection<ReturnType<typeof orderLike>>(name);
  ctx.onCleanup(() => collection.drop());
  for (let i = 0; i < documents; i += 500) {
    await collection.insertMany(Array.from({ length: 500 }, (_, j) => orderLike(i + j)));
  }
  const statuses = ['authorized', 'confirmed', 'packed', 'shipped'];
  // Writer k updates documents k, k + 16, k + 32, ...: one writer per document, as in the marketplace.
  const update = (i: number) =>
    collection.updateOne(
      { _id: `w${(i * writers) % documents}` },
      { $set: { status: statuses[i % statuses.length] ?? 'pending', updatedAt: new Date() } },
    );
  await loopLoad(update, { concurrency: writers, seconds: 1 });
  return loopLoad(update, { concurrency: writers, seconds });
}

async function rawPostgresUpdates(ctx: BenchContext): Promise<LoadFigures> {
  const pool = new Pool({ connectionString: benchPostgresUrl(), max: writers });
  const table = `bench_raw.writes_${ctx.runId}`;
  try {
    await pool.query('CREATE SCHEMA IF NOT EXISTS bench_raw');
    // FerretDB's own layout and the stack's indexes on it: one jsonb column, a unique btree on its _id and
    // the GIN twin scripts/stack/postgres/index-twins.sql adds.
    await pool.query(`CREATE TABLE ${table} (_jsonb jsonb)`);
    await pool.query(`CREATE UNIQUE INDEX ON ${table} ((_jsonb -> '_id'))`);
    await pool.query(
      `CREATE INDEX ON ${table} USING gin ((_jsonb -> '_id') jsonb_path_ops) WITH (fastupdate = off)`,
    );
    await pool.query(`INSERT INTO ${table} SELECT value FROM jsonb_array_elements($1::jsonb)`, [
      JSON.stringify(Array.from({ length: documents }, (_, i) => orderLike(i))),
    ]);
    const statuses = ['authorized', 'confirmed', 'packed', 'shipped'];
    const update = (i: number) =>
      pool.query(`UPDATE ${table} SET _jsonb = _jsonb || $2::jsonb WHERE _jsonb -> '_id' = $1::jsonb`, [
        JSON.stringify(`w${(i * writers) % documents}`),
        JSON.stringify({ status: statuses[i % statuses.length], updatedAt: new Date() }),
      ]);
    await loopLoad(update, { concurrency: writers, seconds: 1 });
    return await loopLoad(update, { concurrency: writers, seconds });
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await pool.end();
  }
}

export async function databaseWrites(ctx: BenchContext): Promise<Row[]> {
  const ours = await ferretdbUpdates(ctx);
  let raw: LoadFigures | string;
  try {
    raw = await rawPostgresUpdates(ctx);
  } catch (error) {
    // FerretDB on SQLite (STACK_FERRETDB_BACKEND=sqlite) has no PostgreSQL beside it.
    raw = `no PostgreSQL (${error instanceof Error ? error.message : String(error)})`;
  }
  const name = `FerretDB one-document update by _id, ${writers} writers`;
  const baselineIs = `raw PostgreSQL UPDATE of the same jsonb row by _id (same table layout and indexes), ${writers} connections, same server`;
  const warning = ours.failures > 0 ? `${ours.failures} updates failed` : undefined;
  const figure = (pick: (f: LoadFigures) => number, unit: 'ms' | 'ops/s') =>
    typeof raw === 'string' ? raw : { value: pick(raw), unit };
  return [
    {
      measurement: `${name} p99 (target ≤ 60 ms)`,
      ours: { value: ours.p99Ms, unit: 'ms' },
      baseline: figure((f) => f.p99Ms, 'ms'),
      baselineIs,
      warning,
    },
    {
      measurement: `${name} p50`,
      ours: { value: ours.p50Ms, unit: 'ms' },
      baseline: figure((f) => f.p50Ms, 'ms'),
      baselineIs,
      warning,
    },
    {
      measurement: `${name} rate`,
      ours: { value: ours.perSecond, unit: 'ops/s' },
      baseline: figure((f) => f.perSecond, 'ops/s'),
      baselineIs,
      warning,
    },
  ];
}
