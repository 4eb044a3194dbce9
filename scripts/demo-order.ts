import { randomUUID } from 'node:crypto';
import { createMarketplaceClient } from '../client/storefront-client';

// Places one order on the running system as a storefront would, through the typed storefront client
// (client/storefront-client.ts): register a buyer, fill the cart, read its total for the address, check
// out with an Idempotency-Key, then follow the order until its workflow settles.
const api = process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
const shipTo = {
  name: 'Demo Buyer',
  line1: '1 Main St',
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
};

async function main(): Promise<void> {
  const guest = createMarketplaceClient(api);
  const email = `buyer-${Date.now()}@example.test`;
  const registered = await guest.POST('/auth/register', {
    body: { email, password: 'demo-password-1', role: 'buyer', name: 'Demo Buyer' },
  });
  if (!registered.data) throw new Error(`register: ${JSON.stringify(registered.error)}`);
  console.log(`registered ${email}`);
  const buyer = createMarketplaceClient(api, { token: registered.data.token });

  for (const [sku, quantity] of [
    ['BEANS-ETH-1KG', 2],
    ['MUG-SPECKLE-12OZ', 1],
  ] as const) {
    const added = await buyer.POST('/cart/add', { body: { sku, quantity } });
    if (!added.data) throw new Error(`add ${sku}: ${JSON.stringify(added.error)}`);
  }
  const cart = await buyer.GET('/cart', {
    params: { query: { country: shipTo.country, region: shipTo.region } },
  });
  console.log(`cart total to ${shipTo.region}, ${shipTo.country}: ${JSON.stringify(cart.data?.total)}`);

  const placed = await buyer.POST('/orders', {
    params: { header: { 'idempotency-key': `demo-${randomUUID()}` } },
    body: { shipTo, paymentMethodId: 'pm_card_visa' },
  });
  if (!placed.data) throw new Error(`POST /orders: ${JSON.stringify(placed.error)}`);
  const { orderId } = placed.data;
  console.log(`POST /orders -> ${JSON.stringify(placed.data)}`);

  let status: string = placed.data.status;
  for (let i = 0; i < 60 && status !== 'confirmed' && status !== 'failed'; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const order = await buyer.GET('/orders/{id}', { params: { path: { id: orderId } } });
    status = order.data?.status ?? status;
  }
  const order = await buyer.GET('/orders/{id}', { params: { path: { id: orderId } } });
  console.log(JSON.stringify(order.data));
  console.log(
    `order ${orderId} is ${status}; in the Temporal UI: http://127.0.0.1:8233/namespaces/default/workflows/order-${orderId}`,
  );
  if (status !== 'confirmed') process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
