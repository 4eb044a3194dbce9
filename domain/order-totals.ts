import { type Money, money, sum, times } from './money';
import type { PricedLine } from './order-lines';
import { MixedCurrencyOrderError } from './order-lines';
import { shippingFor } from './shipping-rates';
import { type Destination, taxFor } from './tax';

/** One seller's share of an order: what that seller's sub-order charges the buyer. */
export interface SubOrderTotals {
  sellerId: string;
  subtotal: Money;
  discount: Money;
  shipping: Money;
  tax: Money;
  total: Money;
}

export interface CheckoutTotals {
  subtotal: Money;
  discount: Money;
  shipping: Money;
  tax: Money;
  total: Money;
  bySeller: SubOrderTotals[];
}

/**
 * Splits a whole-order discount across sellers in proportion to their subtotals; the rounding remainder
 * goes to the largest share, so the parts always add up to the discount exactly.
 */
export function allocateDiscount(discount: number, subtotals: number[]): number[] {
  const total = subtotals.reduce((a, b) => a + b, 0);
  if (total === 0 || discount === 0) return subtotals.map(() => 0);
  const shares = subtotals.map((s) => Math.floor((discount * s) / total));
  const remainder = discount - shares.reduce((a, b) => a + b, 0);
  const largest = subtotals.indexOf(Math.max(...subtotals));
  shares[largest] = (shares[largest] ?? 0) + remainder;
  return shares;
}

/** Subtotal, per-seller shipping, tax by destination and promo discount, all in integer minor units. */
export function checkoutTotals(
  lines: PricedLine[],
  destination: Destination,
  discountMinor = 0,
): CheckoutTotals {
  const first = lines[0];
  if (!first) throw new RangeError('an order needs at least one line');
  const currency = first.unitPrice.currency;
  if (lines.some((l) => l.unitPrice.currency !== currency)) {
    throw new MixedCurrencyOrderError('all lines of one order must be in one currency');
  }
  const sellers = [...new Set(lines.map((l) => l.sellerId))].sort();
  const subtotals = sellers.map((seller) =>
    sum(
      lines.filter((l) => l.sellerId === seller).map((l) => times(l.unitPrice, l.quantity)),
      currency,
    ),
  );
  const orderSubtotal = sum(subtotals, currency);
  const discounts = allocateDiscount(
    Math.min(discountMinor, orderSubtotal.amount),
    subtotals.map((s) => s.amount),
  );
  const bySeller = sellers.map((sellerId, i): SubOrderTotals => {
    const subtotal = subtotals[i] ?? money(0, currency);
    const discount = money(discounts[i] ?? 0, currency);
    const goods = money(subtotal.amount - discount.amount, currency);
    const shipping = shippingFor(subtotal, destination);
    const tax = taxFor(goods, shipping, destination);
    return {
      sellerId,
      subtotal,
      discount,
      shipping,
      tax,
      total: money(goods.amount + shipping.amount + tax.amount, currency),
    };
  });
  const pick = (field: keyof Omit<SubOrderTotals, 'sellerId'>) =>
    sum(
      bySeller.map((s) => s[field]),
      currency,
    );
  return {
    subtotal: orderSubtotal,
    discount: pick('discount'),
    shipping: pick('shipping'),
    tax: pick('tax'),
    total: pick('total'),
    bySeller,
  };
}
