import type { Client } from '@temporalio/client';
import type { EvidenceDraft } from '../domain/dispute-evidence';
import {
  type DisputeState,
  acceptDisputeUpdate,
  addDisputeEvidenceUpdate,
  disputeWorkflowId,
  submitDisputeUpdate,
} from './dispute-messages';

// What sellers and ops may do to an open dispute. Each is an update of the dispute's workflow, its only
// writer, whose validator refuses a step the dispute's status no longer allows.

/** The seller's (or ops') evidence, merged field by field into what is there until it is submitted. */
export async function addDisputeEvidence(
  temporal: Client,
  disputeId: string,
  input: { by: 'seller' | 'ops'; evidence: EvidenceDraft },
): Promise<DisputeState> {
  return temporal.workflow
    .getHandle(disputeWorkflowId(disputeId))
    .executeUpdate(addDisputeEvidenceUpdate, { args: [input] });
}

/** Ops submit the evidence to Stripe now, optionally adding to it first; answers once it is done. */
export async function submitDispute(
  temporal: Client,
  disputeId: string,
  input: { evidence?: EvidenceDraft; note?: string },
): Promise<DisputeState> {
  return temporal.workflow
    .getHandle(disputeWorkflowId(disputeId))
    .executeUpdate(submitDisputeUpdate, { args: [input] });
}

/** Ops accept the loss: the dispute is closed on Stripe and settled as lost. */
export async function acceptDispute(
  temporal: Client,
  disputeId: string,
  input: { reason: string },
): Promise<DisputeState> {
  return temporal.workflow
    .getHandle(disputeWorkflowId(disputeId))
    .executeUpdate(acceptDisputeUpdate, { args: [input] });
}
