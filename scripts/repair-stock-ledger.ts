import { loadEnv } from '../config/env';
import { connectServices } from '../integrations/services';
import { repairStockLedger } from '../inventory/ledger-repair';

// One-off repair for stock ledgers written before hold outcomes were claimed (issue: releases lost under
// racing cancellations). Dry run by default; it prints what it would append.
//
//   npm run repair:stock-ledger                         # report only
//   npm run repair:stock-ledger -- --apply              # append the missing entries
//   npm run repair:stock-ledger -- --apply --sync-redis # ... and set Redis to the repaired ledger
//   npm run repair:stock-ledger -- --sku MUG-1 --sku MUG-2
async function main() {
  const args = process.argv.slice(2);
  const skus = args.flatMap((arg, i) => (arg === '--sku' && args[i + 1] ? [args[i + 1] ?? ''] : []));
  const services = await connectServices(loadEnv(process.env));
  try {
    const report = await repairStockLedger(
      { ...services, now: () => new Date() },
      {
        apply: args.includes('--apply'),
        syncRedis: args.includes('--sync-redis'),
        ...(skus.length > 0 ? { skus } : {}),
      },
    );
    for (const r of report.repairs) {
      const action = r.outcome
        ? `${report.apply ? 'appended' : 'would append'} ${r.entries} ${r.outcome === 'released' ? 'release' : 'commit'}`
        : 'left';
      process.stdout.write(`${r.sku}\t${r.holdId}\t${action}\t${r.why}\n`);
    }
    const fixed = report.repairs.filter((r) => r.outcome).length;
    process.stdout.write(
      `${report.holdsChecked} holds checked, ${fixed} without an outcome ${report.apply ? 'repaired' : 'to repair (dry run: add --apply)'}` +
        (report.redisSynced.length > 0
          ? `, Redis set to the ledger for ${report.redisSynced.join(', ')}`
          : '') +
        '\n',
    );
  } finally {
    await services.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
