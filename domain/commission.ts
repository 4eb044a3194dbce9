import { type Money, basisPoints, money } from './money';

// The marketplace's cut of a sale. Rules by category and by seller: the most specific rule wins (seller +
// category, then seller, then category, then the default).
export interface CommissionRule {
  sellerId?: string;
  category?: string;
  kind: 'percent' | 'fixed';
  /** Basis points for percent; minor units per unit sold for fixed. */
  value: number;
}

export const defaultCommission: CommissionRule = { kind: 'percent', value: 1000 };

function specificity(rule: CommissionRule): number {
  return (rule.sellerId ? 2 : 0) + (rule.category ? 1 : 0);
}

export function commissionRuleFor(
  sellerId: string,
  category: string,
  rules: CommissionRule[],
): CommissionRule {
  const matching = rules.filter(
    (r) =>
      (r.sellerId === undefined || r.sellerId === sellerId) &&
      (r.category === undefined || r.category === category),
  );
  return matching.sort((a, b) => specificity(b) - specificity(a))[0] ?? defaultCommission;
}

export function commissionFor(
  sale: Money,
  quantity: number,
  sellerId: string,
  category: string,
  rules: CommissionRule[] = [],
): Money {
  const rule = commissionRuleFor(sellerId, category, rules);
  if (rule.kind === 'percent') return basisPoints(sale, rule.value);
  return money(Math.min(sale.amount, rule.value * quantity), sale.currency);
}
