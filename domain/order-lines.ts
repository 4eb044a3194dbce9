import { type Money, add, sum, times } from './money';

export interface RequestedLine {
  sku: string;
  quantity: number;
}

/** A line as priced from the catalog at the moment the order was placed. */
export interface PricedLine extends RequestedLine {
  productId: string;
  sellerId: string;
  title: string;
  category?: string;
  unitPrice: Money;
}

export interface OrderTotals {
  subtotal: Money;
  total: Money;
  bySeller: Record<string, Money>;
}

export class MixedCurrencyOrderError extends Error {
  override name = 'MixedCurrencyOrderError';
}

/** Same SKU twice in a request is one line: it must be one reservation, not two racing ones. */
export function mergeLines(lines: RequestedLine[]): RequestedLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
}

export function orderTotals(lines: PricedLine[]): OrderTotals {
  const first = lines[0];
  if (!first) throw new RangeError('an order needs at least one line');
  const currency = first.unitPrice.currency;
  if (lines.some((line) => line.unitPrice.currency !== currency)) {
    throw new MixedCurrencyOrderError('all lines of one order must be in one currency');
  }
  const bySeller: Record<string, Money> = {};
  for (const line of lines) {
    const lineTotal = times(line.unitPrice, line.quantity);
    const current = bySeller[line.sellerId];
    bySeller[line.sellerId] = current ? add(current, lineTotal) : lineTotal;
  }
  const subtotal = sum(
    lines.map((line) => times(line.unitPrice, line.quantity)),
    currency,
  );
  return { subtotal, total: subtotal, bySeller };
}
