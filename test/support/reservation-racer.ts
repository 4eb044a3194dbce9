// A separate OS process that races for stock through the real reserve activity, as another worker would.
// Usage: node reservation-racer.js <sku> <racerId> <attempts>; prints {"held": n, "refused": m}.
import { createActivities } from '../../activities';
import { connectTestServices } from './services';

async function main() {
  const [sku = '', racerId = '', attempts = '1'] = process.argv.slice(2);
  const services = await connectTestServices();
  const activities = createActivities(services);
  let held = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: Number(attempts) }, async (_, i) => {
      try {
        await activities.reserveStock({ holdId: `race-${racerId}-${i}`, lines: [{ sku, quantity: 1 }] });
        held += 1;
      } catch (error) {
        if ((error as { type?: string }).type !== 'OutOfStock') throw error;
        refused += 1;
      }
    }),
  );
  process.stdout.write(JSON.stringify({ held, refused }));
  await services.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
