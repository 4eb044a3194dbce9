import { type Money, basisPoints } from './money';

// Sales tax / VAT by destination, from a rules table: the most specific rule (country + region) wins over
// the country rule. Rates are basis points. A real deployment swaps this table for TaxJar/Avalara rates.
export interface TaxRule {
  country: string;
  region?: string;
  rateBps: number;
  /** Whether shipping is taxed too, as in most EU countries and many US states. */
  taxShipping: boolean;
}

export const taxRules: TaxRule[] = [
  { country: 'US', rateBps: 0, taxShipping: false },
  { country: 'US', region: 'CA', rateBps: 725, taxShipping: false },
  { country: 'US', region: 'NY', rateBps: 400, taxShipping: true },
  { country: 'US', region: 'TX', rateBps: 625, taxShipping: true },
  { country: 'US', region: 'WA', rateBps: 650, taxShipping: true },
  { country: 'GB', rateBps: 2000, taxShipping: true },
  { country: 'DE', rateBps: 1900, taxShipping: true },
  { country: 'FR', rateBps: 2000, taxShipping: true },
  { country: 'NL', rateBps: 2100, taxShipping: true },
  { country: 'CA', rateBps: 500, taxShipping: true },
];

export interface Destination {
  country: string;
  region?: string;
}

export function taxRuleFor(destination: Destination, rules: TaxRule[] = taxRules): TaxRule {
  return (
    rules.find(
      (r) => r.country === destination.country && r.region !== undefined && r.region === destination.region,
    ) ??
    rules.find((r) => r.country === destination.country && r.region === undefined) ?? {
      country: destination.country,
      rateBps: 0,
      taxShipping: false,
    }
  );
}

export function taxFor(
  goods: Money,
  shipping: Money,
  destination: Destination,
  rules: TaxRule[] = taxRules,
): Money {
  const rule = taxRuleFor(destination, rules);
  const base = rule.taxShipping ? goods.amount + shipping.amount : goods.amount;
  return basisPoints({ amount: base, currency: goods.currency }, rule.rateBps);
}
