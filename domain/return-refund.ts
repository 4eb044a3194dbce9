import { type Money, money } from './money';

// What a return gives back: the accepted units' share of what the buyer paid for goods, after the order's
// discount and with the tax charged on them. Shipping is not refunded.
export interface SubOrderPricing {
  lines: Array<{ sku: string; quantity: number; unitPrice: Money }>;
  subtotal: Money;
  discount: Money;
  shipping: Money;
  tax: Money;
  /** Whether the destination taxed shipping too, so part of the tax belongs to shipping, not goods. */
  taxShipping: boolean;
}

export type Units = Record<string, number>;

function goodsValue(pricing: SubOrderPricing, units: Units): number {
  return pricing.lines.reduce((total, line) => {
    const count = Math.min(units[line.sku] ?? 0, line.quantity);
    return total + line.unitPrice.amount * count;
  }, 0);
}

/** Everything refundable for the whole sub-order: goods net of discount, plus the tax on them. */
function refundablePool(pricing: SubOrderPricing): number {
  const netGoods = pricing.subtotal.amount - pricing.discount.amount;
  const taxBase = netGoods + (pricing.taxShipping ? pricing.shipping.amount : 0);
  const goodsTax = taxBase === 0 ? 0 : Math.round((pricing.tax.amount * netGoods) / taxBase);
  return netGoods + goodsTax;
}

function shareOf(pricing: SubOrderPricing, units: Units): number {
  if (pricing.subtotal.amount === 0) return 0;
  return Math.floor((refundablePool(pricing) * goodsValue(pricing, units)) / pricing.subtotal.amount);
}

/**
 * The refund for `accepted` units when `earlier` units of the same sub-order were already refunded by other
 * returns. Computed as the difference of cumulative shares, so rounding never drifts: returning every unit,
 * in any number of returns, refunds the pool to the cent.
 */
export function returnRefund(pricing: SubOrderPricing, accepted: Units, earlier: Units = {}): Money {
  const together: Units = { ...earlier };
  for (const [sku, count] of Object.entries(accepted)) together[sku] = (together[sku] ?? 0) + count;
  return money(shareOf(pricing, together) - shareOf(pricing, earlier), pricing.subtotal.currency);
}
