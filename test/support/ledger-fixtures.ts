import { money } from '../../domain/money';
import type { PricedLine } from '../../domain/order-lines';
import type { Collections } from '../../integrations/collections';
import type { ReturnStatus } from '../../domain/return-status';
import type { ReturnDoc } from '../../returns/documents';

// Delivered sub-orders, sellers and returns written straight into the database, as the order, onboarding
// and return workflows would have left them, so ledger and payout tests start from a known month.

export async function seedSeller(
  collections: Collections,
  sellerId: string,
  status: 'active' | 'restricted' = 'active',
): Promise<void> {
  await collections.sellers.updateOne(
    { _id: sellerId },
    {
      $set: {
        name: `Shop ${sellerId}`,
        email: `${sellerId}@example.test`,
        status,
        approval: 'approved',
        stripeAccountId: `acct_${sellerId.replace(/\W/g, '')}`,
        updatedAt: new Date(),
      },
      $setOnInsert: { createdAt: new Date() },
    },
    { upsert: true },
  );
}

export function line(
  sellerId: string,
  sku: string,
  category: string,
  unit: number,
  quantity = 1,
): PricedLine {
  return {
    sku,
    quantity,
    productId: `prd_${sku}`,
    sellerId,
    title: sku,
    category,
    unitPrice: money(unit, 'USD'),
  };
}

/** An order of one seller's lines, delivered at `deliveredAt`; answers the sub-order id. */
export async function seedDeliveredSubOrder(
  collections: Collections,
  input: { orderId: string; sellerId: string; lines: PricedLine[]; deliveredAt: Date },
): Promise<string> {
  const at = new Date();
  const total = money(
    input.lines.reduce((t, l) => t + l.unitPrice.amount * l.quantity, 0),
    'USD',
  );
  await collections.orders.insertOne({
    _id: input.orderId,
    customerId: 'usr_ledger_buyer',
    status: 'confirmed',
    lines: input.lines,
    subtotal: total,
    total,
    shipTo: {
      name: 'Ada',
      line1: '1 Main St',
      city: 'Albany',
      region: 'NY',
      postalCode: '12207',
      country: 'US',
    },
    sellerIds: [input.sellerId],
    createdAt: at,
    updatedAt: at,
  });
  const id = `${input.orderId}:${input.sellerId}`;
  await collections.subOrders.insertOne({
    _id: id,
    orderId: input.orderId,
    sellerId: input.sellerId,
    customerId: 'usr_ledger_buyer',
    status: 'delivered',
    lines: input.lines,
    total,
    captured: total,
    paymentIntentId: `pi_${input.orderId}`,
    deliveredAt: input.deliveredAt,
    createdAt: at,
    updatedAt: at,
  });
  return id;
}

/** A return as its workflow writes it, moved to `status` (any status not closed holds the payout back). */
export async function setReturnStatus(
  collections: Collections,
  input: { returnId: string; orderId: string; sellerId: string; status: ReturnStatus },
): Promise<void> {
  const at = new Date();
  const whole: ReturnDoc = {
    _id: input.returnId,
    orderId: input.orderId,
    sellerId: input.sellerId,
    customerId: 'usr_ledger_buyer',
    status: input.status,
    lines: [],
    reason: { code: 'damaged', text: 'arrived damaged' },
    photos: [],
    createdAt: at,
    updatedAt: at,
  };
  const { _id, status, updatedAt, ...rest } = whole;
  await collections.returns.updateOne(
    { _id },
    { $set: { status, updatedAt }, $setOnInsert: rest },
    { upsert: true },
  );
}
