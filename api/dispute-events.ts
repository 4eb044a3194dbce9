import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type Stripe from 'stripe';
import { type Money, money } from '../domain/money';
import type { Services } from '../integrations/services';
import type { disputeWorkflow } from '../workflows/dispute';
import {
  type DisputeEvent,
  type DisputeInput,
  disputeEventSignal,
  disputeWorkflowId,
} from '../workflows/dispute-definitions';
import { DisputeId, MarketplaceStatus } from '../workflows/search-attributes';

// Stripe's charge.dispute.* events, handed to the dispute's own workflow.

export const disputeEventTypes: ReadonlySet<string> = new Set([
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
]);

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

export function disputeInputOf(services: Services, dispute: Stripe.Dispute): DisputeInput {
  const { env } = services;
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
    feeBorneBy: env.DISPUTE_FEE_BORNE_BY,
    reminderLeadSeconds: env.DISPUTE_REMINDER_LEAD_SECONDS,
    submitLeadSeconds: env.DISPUTE_SUBMIT_LEAD_SECONDS,
    opsEmail: env.OPS_EMAIL,
  };
}

/**
 * Signals the dispute's workflow, starting it if this is the first event about the dispute (whichever
 * event type arrives first: Stripe does not promise order). A dispute whose workflow already finished is
 * settled; a late event about it changes nothing.
 */
export async function followDisputeEvent(services: Services, event: Stripe.Event): Promise<void> {
  const dispute = event.data.object as Stripe.Dispute;
  const signal: DisputeEvent = {
    eventId: event.id,
    type: event.type,
    created: event.created,
    stripeStatus: dispute.status,
  };
  const fee = feeOf(dispute);
  if (fee) signal.fee = fee;
  try {
    await services.temporal.workflow.signalWithStart<typeof disputeWorkflow, [DisputeEvent]>(
      'disputeWorkflow',
      {
        taskQueue: services.env.TEMPORAL_TASK_QUEUE,
        workflowId: disputeWorkflowId(dispute.id),
        args: [disputeInputOf(services, dispute)],
        signal: disputeEventSignal,
        signalArgs: [signal],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [
          { key: DisputeId, value: dispute.id },
          { key: MarketplaceStatus, value: 'opening' },
        ],
      },
    );
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
