import { type Money, CurrencyMismatchError, subtract, sum, times } from './money';

export interface CartTotalLine {
  unitPrice: Money;
  quantity: number;
  /** Lines that can no longer be bought (archived product, seller paused) are shown but not counted. */
  counted: boolean;
}

export interface CartTotals {
  subtotal: Money;
  total: Money;
}

/** The cart's subtotal at the given (current) prices, and the total after a discount that never goes below 0. */
export function cartTotals(lines: CartTotalLine[], currency: string, discount?: Money): CartTotals {
  const counted = lines.filter((line) => line.counted);
  if (counted.some((line) => line.unitPrice.currency !== currency)) {
    throw new CurrencyMismatchError(`every counted line of a ${currency} cart must be in ${currency}`);
  }
  const subtotal = sum(
    counted.map((line) => times(line.unitPrice, line.quantity)),
    currency,
  );
  if (!discount) return { subtotal, total: subtotal };
  const total = subtract(subtotal, discount);
  return { subtotal, total: total.amount < 0 ? { ...total, amount: 0 } : total };
}
