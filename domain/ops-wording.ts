import { formatMoney, type Money } from './money';

// What the Temporal UI shows ops for each workflow, in the marketplace's words: a one-line summary in the
// workflow list (set at start), details (Markdown) on its page, and "current details" saying what a
// running workflow waits for and until when. Pure text, so the API (at start), activities (a payout
// schedule) and workflows (while they run) word things the same way, from the lowest layer all three share.

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Markdown details: one bold label per line, empty values left out. */
export function detailsOf(facts: Record<string, string | number | undefined>): string {
  return Object.entries(facts)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([label, value]) => `**${label}:** ${String(value)}`)
    .join('  \n');
}

export interface Wait {
  /** What the workflow waits for, e.g. "the seller's decision". */
  for: string;
  /** Who can end the wait, e.g. "seller sel_123 (POST /seller/returns/:id/approve)". */
  who?: string;
  /** When the wait ends by itself (workflow time, ms). */
  untilMs?: number;
  /** What happens then, e.g. "ops decide". */
  then?: string;
}

export function describeWait(wait: Wait): string {
  return detailsOf({
    'Waiting for': wait.for,
    'Who acts': wait.who,
    Until: wait.untilMs === undefined ? undefined : utc(wait.untilMs),
    Then: wait.then,
  });
}

export function orderSummary(input: {
  orderId: string;
  customerId: string;
  units: number;
  skus: number;
  estimate?: Money | undefined;
  flashSale?: boolean;
}): string {
  const parts = [
    `Order ${input.orderId}`,
    `${input.units} unit${input.units === 1 ? '' : 's'} of ${input.skus} SKU${input.skus === 1 ? '' : 's'}`,
    input.estimate ? `≈ ${formatMoney(input.estimate)} in cart` : undefined,
    input.flashSale ? 'flash sale' : undefined,
    `buyer ${input.customerId}`,
  ];
  return parts.filter(Boolean).join(' · ');
}

export function returnSummary(input: {
  returnId: string;
  orderId: string;
  sellerId: string;
  units: number;
  reason: string;
}): string {
  return `Return ${input.returnId} of order ${input.orderId} · ${input.units} unit${input.units === 1 ? '' : 's'} · seller ${input.sellerId} · ${input.reason.replace(/_/g, ' ')}`;
}

export function onboardingSummary(input: {
  sellerId: string;
  businessName: string;
  country: string;
}): string {
  return `Seller onboarding ${input.sellerId} · ${input.businessName} (${input.country})`;
}

export function payoutSummary(input: { sellerId: string; frequency?: string }): string {
  return `Payout to seller ${input.sellerId}${input.frequency ? ` · ${input.frequency} run` : ''}`;
}
