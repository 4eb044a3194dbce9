import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EvidenceDraft, ShipmentFacts } from '../domain/dispute-evidence';
import type { DisputeFeePayer, DisputeOutcome, DisputeStatus } from '../domain/dispute-status';
import type { Money } from '../domain/money';

// What the dispute workflow is told (a Stripe event, evidence, ops' decision) and answers (its state), with
// its id and input: shared by the workflow, the dispute's commands and its read model. Kept in the
// capability's home, below workflows/, so the read model and the commands need not import upwards.

/** One workflow per Stripe dispute: every webhook about it signals-with-start this id. */
export function disputeWorkflowId(disputeId: string): string {
  return `dispute-${disputeId}`;
}

export interface DisputeInput {
  disputeId: string;
  chargeId: string;
  paymentIntentId?: string;
  /** What the buyer's bank disputes. */
  amount: Money;
  reason: string;
  stripeStatus: string;
  /** Stripe's `evidence_details.due_by`, ISO; evidence after it is refused. */
  dueBy?: string;
  feeBorneBy: DisputeFeePayer;
  /** How long before due_by each reminder goes to the seller. */
  reminderLeadSeconds: number[];
  /** How long before due_by the marketplace submits whatever evidence it has. */
  submitLeadSeconds: number;
  opsEmail: string;
}

/** A Stripe `charge.dispute.*` event, reduced to what the workflow follows. */
export interface DisputeEvent {
  eventId: string;
  type: string;
  /** Stripe's event time (seconds): later events win over earlier ones, whatever order they arrive in. */
  created: number;
  stripeStatus: string;
  /** Stripe's fees on the dispute so far (sum of its balance transactions' fees), when the event lists them. */
  fee?: Money;
}

export interface DisputeState {
  disputeId: string;
  status: DisputeStatus;
  stripeStatus: string;
  amount: Money;
  reason: string;
  dueBy?: string;
  orderId?: string;
  sellerId?: string;
  subOrderId?: string;
  hold?: Money;
  facts?: ShipmentFacts;
  /** What the seller sent, then what ops added (ops' words win field by field). */
  evidence: EvidenceDraft;
  sellerAnsweredAt?: string;
  remindersSent: number;
  evidenceSubmittedAt?: string;
  evidenceSubmittedBy?: 'ops' | 'marketplace';
  /** Why a submission or acceptance Stripe refused did not happen (ops were told). */
  problem?: string;
  outcome?: DisputeOutcome;
  sellerDebit?: Money;
  fee?: Money;
  lastEventAt?: number;
}

export const disputeStateQuery = defineQuery<DisputeState>('disputeState');

/** Every dispute webhook for this dispute; repeated, late and out-of-order ones change nothing twice. */
export const disputeEventSignal = defineSignal<[DisputeEvent]>('disputeEvent');

/** The seller's (or ops') evidence, merged into what is already there; only before it is submitted. */
export const addDisputeEvidenceUpdate = defineUpdate<
  DisputeState,
  [{ by: 'seller' | 'ops'; evidence: EvidenceDraft }]
>('addDisputeEvidence');
/** Ops submit now (optionally adding evidence first). */
export const submitDisputeUpdate = defineUpdate<DisputeState, [{ evidence?: EvidenceDraft; note?: string }]>(
  'submitDispute',
);
/** Ops accept the loss: the dispute is closed on Stripe and settled as lost. */
export const acceptDisputeUpdate = defineUpdate<DisputeState, [{ reason: string }]>('acceptDispute');
