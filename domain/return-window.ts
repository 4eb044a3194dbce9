// How long after delivery a buyer may ask to return an item. Sellers are paid for a sub-order only once
// this window has closed with no return open, so the same policy drives both the return request check and
// payout eligibility.
export interface ReturnPolicy {
  defaultDays: number;
  /** Category → days; 0 means the category cannot be returned (perishables, say). */
  daysByCategory: Record<string, number>;
}

export const defaultReturnPolicy: ReturnPolicy = { defaultDays: 30, daysByCategory: {} };

const dayMs = 24 * 60 * 60 * 1000;

export function returnWindowDays(category: string, policy: ReturnPolicy): number {
  return policy.daysByCategory[category] ?? policy.defaultDays;
}

/** When the window for an item of this category, delivered at `deliveredAt`, closes. */
export function returnWindowClosesAt(deliveredAt: Date, category: string, policy: ReturnPolicy): Date {
  return new Date(deliveredAt.getTime() + returnWindowDays(category, policy) * dayMs);
}

export function isWithinReturnWindow(
  deliveredAt: Date,
  category: string,
  policy: ReturnPolicy,
  asOf: Date,
): boolean {
  return asOf.getTime() < returnWindowClosesAt(deliveredAt, category, policy).getTime();
}

/**
 * A sub-order with items of several categories is settled when its longest window closes: until then a
 * return could still claw back part of it.
 */
export function latestReturnWindowClose(deliveredAt: Date, categories: string[], policy: ReturnPolicy): Date {
  const days = Math.max(0, ...categories.map((category) => returnWindowDays(category, policy)));
  return new Date(deliveredAt.getTime() + days * dayMs);
}

/** Parses `electronics=14,food=0` (the RETURN_WINDOW_DAYS_BY_CATEGORY setting). */
export function parseDaysByCategory(text: string | undefined): Record<string, number> | string {
  const days: Record<string, number> = {};
  for (const pair of (text ?? '').split(',').map((part) => part.trim())) {
    if (pair === '') continue;
    const match = /^([a-z0-9_-]+)=(\d{1,3})$/i.exec(pair);
    if (!match?.[1] || !match[2]) return `"${pair}" is not category=days`;
    days[match[1]] = Number(match[2]);
  }
  return days;
}
