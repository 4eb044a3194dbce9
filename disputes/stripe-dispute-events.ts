import type Stripe from 'stripe';
import type { Env } from '../config/env';
import { type Money, money } from '../domain/money';
import type { DisputeEvent, DisputeInput } from './dispute-messages';

// Stripe's charge.dispute.* events, read as the dispute workflow needs them: its input when the first event
// starts it, and each event reduced to what the workflow follows.

export const disputeEventTypes: ReadonlySet<string> = new Set([
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
]);

/** The marketplace's dispute settings every dispute workflow starts with. */
export type DisputeSettings = Pick<
  Env,
  'DISPUTE_FEE_BORNE_BY' | 'DISPUTE_REMINDER_LEAD_SECONDS' | 'DISPUTE_SUBMIT_LEAD_SECONDS' | 'OPS_EMAIL'
>;

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : value?.id;

/** Stripe's fees on the dispute so far, when the event lists its balance transactions. */
function feeOf(dispute: Stripe.Dispute): Money | undefined {
  const transactions = (dispute.balance_transactions ?? []) as Array<Stripe.BalanceTransaction | string>;
  const fees = transactions.flatMap((bt) => (typeof bt === 'string' ? [] : [bt.fee]));
  return fees.length
    ? money(
        fees.reduce((a, b) => a + b, 0),
        dispute.currency.toUpperCase(),
      )
    : undefined;
}

export function disputeInputOf(settings: DisputeSettings, dispute: Stripe.Dispute): DisputeInput {
  const paymentIntentId = idOf(dispute.payment_intent);
  const dueBy = dispute.evidence_details?.due_by;
  return {
    disputeId: dispute.id,
    chargeId: idOf(dispute.charge) ?? '',
    ...(paymentIntentId ? { paymentIntentId } : {}),
    amount: money(dispute.amount, dispute.currency.toUpperCase()),
    reason: dispute.reason,
    stripeStatus: dispute.status,
    ...(dueBy ? { dueBy: new Date(dueBy * 1000).toISOString() } : {}),
    feeBorneBy: settings.DISPUTE_FEE_BORNE_BY,
    reminderLeadSeconds: settings.DISPUTE_REMINDER_LEAD_SECONDS,
    submitLeadSeconds: settings.DISPUTE_SUBMIT_LEAD_SECONDS,
    opsEmail: settings.OPS_EMAIL,
  };
}

/** The event as the workflow's signal carries it. */
export function disputeEventOf(event: Stripe.Event): DisputeEvent {
  const dispute = event.data.object as Stripe.Dispute;
  const signal: DisputeEvent = {
    eventId: event.id,
    type: event.type,
    created: event.created,
    stripeStatus: dispute.status,
  };
  const fee = feeOf(dispute);
  if (fee) signal.fee = fee;
  return signal;
}
