// Rule-based fraud scoring: each signal adds points; above the threshold a person decides. The rules are
// deliberately explainable, because ops must be able to say why an order was held.
export interface FraudSignals {
  orderTotalMinor: number;
  currency: string;
  ordersByBuyerLastHour: number;
  ordersByCardLastHour: number;
  billingCountry?: string;
  shippingCountry: string;
  accountAgeHours: number;
}

export interface FraudAssessment {
  score: number;
  reasons: string[];
  needsReview: boolean;
}

export const fraudReviewThreshold = 60;

export function assessFraud(signals: FraudSignals): FraudAssessment {
  const reasons: string[] = [];
  let score = 0;
  const add = (points: number, reason: string) => {
    score += points;
    reasons.push(`${reason} (+${points})`);
  };
  if (signals.orderTotalMinor >= 200_000) add(40, 'order value is very high');
  else if (signals.orderTotalMinor >= 50_000) add(20, 'order value is high');
  if (signals.ordersByBuyerLastHour >= 5) add(30, 'many orders by this buyer in the last hour');
  else if (signals.ordersByBuyerLastHour >= 3) add(10, 'several orders by this buyer in the last hour');
  if (signals.ordersByCardLastHour >= 4) add(30, 'many orders on this card in the last hour');
  if (signals.billingCountry && signals.billingCountry !== signals.shippingCountry) {
    add(25, 'billing and shipping countries differ');
  }
  if (signals.accountAgeHours < 1) add(10, 'account is less than an hour old');
  return { score, reasons, needsReview: score >= fraudReviewThreshold };
}
