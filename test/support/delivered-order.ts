import { randomBytes } from 'node:crypto';
import { createActivities } from '../../activities';
import { newProductId } from '../../api/product-ids';
import { createProduct } from '../../catalog/products';
import { SandboxCarrier } from '../../integrations/carriers/sandbox-carrier';
import type { ProductDoc } from '../../catalog/documents';
import type { Services } from '../../integrations/services';
import type { Account } from './accounts';
import { call } from './http';
import { eventually, uniqueId } from './services';
import { testShipTo as shipTo } from './addresses';

/** An active product whose id the API accepts (prd_...), with one SKU and stock, for orders through the API. */
export async function listedProduct(
  services: Services,
  {
    sellerId,
    price = 2500,
    stock = 20,
    category = 'kitchen',
  }: { sellerId: string; price?: number; stock?: number; category?: string },
): Promise<{ product: ProductDoc; sku: string }> {
  const sku = uniqueId('SKU').toUpperCase();
  const product = await createProduct(services.collections, {
    _id: newProductId(),
    sellerId,
    title: `Test product ${randomBytes(2).toString('hex')}`,
    description: 'A product made by a test',
    category,
    brand: 'Testware',
    attributes: {},
    mediaUrls: [],
    price: { amount: price, currency: 'USD' },
    skus: [{ sku, attributes: {} }],
    status: 'active',
    sellerPaused: false,
  });
  await createActivities(services).adjustStock({
    sku,
    warehouseId: 'wh-test',
    delta: stock,
    adjustmentKey: `initial-${sku}`,
  });
  return { product, sku };
}

export interface OrderDriver {
  services: Services;
  baseUrl: string;
}

/** Places an order through the API, paid by card, and waits until it is confirmed. */
export async function confirmedOrder(
  { services, baseUrl }: OrderDriver,
  buyer: Account,
  lines: Array<{ sku: string; quantity: number }>,
): Promise<string> {
  const placed = await call<{ orderId: string }>(baseUrl, 'POST', '/orders', {
    body: { lines, shipTo, paymentMethodId: 'pm_card_visa' },
    headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
  });
  if (placed.status !== 202)
    throw new Error(`order refused: ${placed.status} ${JSON.stringify(placed.body)}`);
  const orderId = placed.body.orderId;
  await eventually(
    async () => {
      const subs = await services.collections.subOrders.find({ orderId }).toArray();
      const order = await services.collections.orders.findOne({ _id: orderId });
      if (order?.status === 'failed') throw new Error(`order failed: ${order.failureReason}`);
      const sellers = new Set(order?.lines.map((l) => l.sellerId));
      return order?.status === 'confirmed' && subs.length === sellers.size ? true : undefined;
    },
    { what: `order ${orderId} to be confirmed`, timeoutMs: 30_000 },
  );
  return orderId;
}

/**
 * Drives one seller's part of an order to delivered as the seller and the carrier would: accept, pick,
 * pack, buy a label, then signed carrier events for in transit and delivered.
 */
export async function deliverSubOrder(
  { services, baseUrl }: OrderDriver,
  seller: Account,
  orderId: string,
): Promise<void> {
  const step = async (name: string, body: unknown = {}) => {
    const res = await call<{ trackingNumber?: string }>(
      baseUrl,
      'POST',
      `/seller/orders/${orderId}/${name}`,
      { body, headers: seller.auth },
    );
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  for (const name of ['accept', 'picked', 'packed']) await step(name);
  const { trackingNumber } = await step('label', { weightGrams: 500 });
  if (!trackingNumber) throw new Error('the label came without a tracking number');
  const carrier = new SandboxCarrier(services.env.CARRIER_WEBHOOK_SECRET);
  for (const status of ['in_transit', 'delivered']) {
    const body = JSON.stringify({
      eventId: uniqueId('evt'),
      trackingNumber,
      status,
      occurredAt: new Date().toISOString(),
    });
    const res = await call(baseUrl, 'POST', '/webhooks/carrier/sandbox', {
      body,
      headers: { 'content-type': 'application/json', 'x-carrier-signature': carrier.sign(body) },
    });
    if (res.status !== 200) throw new Error(`carrier ${status}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  await eventually(
    async () => {
      const sub = await services.collections.subOrders.findOne({ _id: `${orderId}:${seller.sellerId}` });
      return sub?.status === 'delivered' ? true : undefined;
    },
    { what: `sub-order ${orderId}:${seller.sellerId} to be delivered`, timeoutMs: 30_000 },
  );
}
