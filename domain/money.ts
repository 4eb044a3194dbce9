// Money is an integer count of minor units (cents) with an ISO 4217 currency: never a float, so totals,
// splits and refunds add up to the cent on every machine and in every replay.
export interface Money {
  amount: number;
  currency: string;
}

export class CurrencyMismatchError extends Error {
  override name = 'CurrencyMismatchError';
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`money amount must be an integer, got ${amount}`);
  if (!/^[A-Z]{3}$/.test(currency))
    throw new RangeError(`currency must be ISO 4217 uppercase, got ${currency}`);
  return { amount, currency };
}

export function zero(currency: string): Money {
  return money(0, currency);
}

export function add(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(`${a.currency} + ${b.currency}`);
  return money(a.amount + b.amount, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(`${a.currency} - ${b.currency}`);
  return money(a.amount - b.amount, a.currency);
}

export function times(a: Money, quantity: number): Money {
  if (!Number.isSafeInteger(quantity)) throw new RangeError(`quantity must be an integer, got ${quantity}`);
  return money(a.amount * quantity, a.currency);
}

export function sum(items: Money[], currency: string): Money {
  return items.reduce(add, zero(currency));
}

/** A share of an amount in basis points (1/100 of a percent), rounded half away from zero. */
export function basisPoints(a: Money, bps: number): Money {
  const raw = (a.amount * bps) / 10_000;
  return money(Math.sign(raw) * Math.round(Math.abs(raw)), a.currency);
}

/** 4778 USD -> "47.78 USD", in integer arithmetic (minor units; the marketplace uses no zero-decimal currency). */
export function formatMoney({ amount, currency }: Money): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}
