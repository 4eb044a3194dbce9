import { createActivities } from '../activities';
import { createProduct } from '../catalog/products';
import { loadEnv } from '../config/env';
import { connectServices } from '../integrations/services';
import { isDuplicateKeyError } from '../integrations/collections';

// A small demo marketplace: three active sellers with stocked products, so the first run has something to
// browse and buy. Idempotent: running it again adds nothing.
const sellers = [
  { _id: 'sel_demo_ceramics', name: 'North Shore Ceramics', email: 'hello@northshore.example' },
  { _id: 'sel_demo_coffee', name: 'Highland Coffee Roasters', email: 'beans@highland.example' },
  { _id: 'sel_demo_outdoor', name: 'Ridge Outdoor Supply', email: 'team@ridge.example' },
];

const products = [
  {
    id: 'prd_demo_mug',
    seller: 0,
    title: 'Speckled stoneware mug',
    category: 'kitchen',
    brand: 'North Shore',
    price: 2400,
    skus: ['MUG-SPECKLE-12OZ', 'MUG-SPECKLE-16OZ'],
    stock: 40,
  },
  {
    id: 'prd_demo_bowl',
    seller: 0,
    title: 'Hand-thrown serving bowl',
    category: 'kitchen',
    brand: 'North Shore',
    price: 5800,
    skus: ['BOWL-SERVE-L'],
    stock: 12,
  },
  {
    id: 'prd_demo_beans',
    seller: 1,
    title: 'Single-origin Ethiopia Yirgacheffe beans 1kg',
    category: 'coffee',
    brand: 'Highland',
    price: 3200,
    skus: ['BEANS-ETH-1KG'],
    stock: 200,
  },
  {
    id: 'prd_demo_grinder',
    seller: 1,
    title: 'Burr coffee grinder',
    category: 'coffee',
    brand: 'Highland',
    price: 12900,
    skus: ['GRINDER-BURR'],
    stock: 8,
  },
  {
    id: 'prd_demo_tent',
    seller: 2,
    title: 'Two-person ultralight tent',
    category: 'outdoor',
    brand: 'Ridge',
    price: 34900,
    skus: ['TENT-UL-2P'],
    stock: 5,
  },
  {
    id: 'prd_demo_lamp',
    seller: 2,
    title: 'Rechargeable camp lantern',
    category: 'outdoor',
    brand: 'Ridge',
    price: 3900,
    skus: ['LANTERN-USB'],
    stock: 60,
  },
];

async function main() {
  const env = loadEnv();
  const services = await connectServices(env);
  const activities = createActivities(services);
  const now = new Date();
  for (const seller of sellers) {
    await services.collections.sellers.updateOne(
      { _id: seller._id },
      {
        $setOnInsert: {
          name: seller.name,
          email: seller.email,
          status: 'active',
          approval: 'approved',
          createdAt: now,
        },
      },
      { upsert: true },
    );
    // As onboarding would once the seller can be paid: the weekly payout schedule, visible in the UI.
    await activities.ensurePayoutSchedule({ sellerId: seller._id });
  }
  for (const p of products) {
    const seller = sellers[p.seller];
    if (!seller) continue;
    try {
      await createProduct(services.collections, {
        _id: p.id,
        sellerId: seller._id,
        title: p.title,
        description: `${p.title} from ${seller.name}.`,
        category: p.category,
        brand: p.brand,
        attributes: {},
        mediaUrls: [],
        price: { amount: p.price, currency: 'USD' },
        skus: p.skus.map((sku) => ({ sku, attributes: {} })),
        status: 'active',
        sellerPaused: false,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    for (const sku of p.skus) {
      await activities.adjustStock({
        sku,
        warehouseId: 'wh-main',
        delta: p.stock,
        adjustmentKey: `seed-${sku}`,
      });
    }
  }
  console.log(`seeded ${sellers.length} sellers and ${products.length} products`);
  await services.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
