import { ApplicationFailure } from '@temporalio/activity';
import Stripe from 'stripe';
import type { StripeEvidence } from '../domain/dispute-evidence';
import { type Money, money } from '../domain/money';

/** Stripe's refusal of a dispute call is the dispute's business (ops are told), not worth retrying. */
function refusal(error: unknown, type: string): unknown {
  if (error instanceof Stripe.errors.StripeInvalidRequestError) {
    return ApplicationFailure.nonRetryable(error.message, type, { param: error.param ?? null });
  }
  return error;
}

/** Stripe's dispute API: submitting the evidence, or accepting the loss. */
export function createDisputeStripeActivities({ stripe }: { stripe: Stripe }) {
  return {
    /** Sends the evidence and submits it (no later changes possible); the key makes a retry a no-op. */
    async submitDisputeEvidence(input: {
      disputeId: string;
      evidence: StripeEvidence;
      idempotencyKey: string;
    }): Promise<{ stripeStatus: string }> {
      try {
        const dispute = await stripe.disputes.update(
          input.disputeId,
          { evidence: input.evidence, submit: true, metadata: { submittedBy: 'marketplace' } },
          { idempotencyKey: input.idempotencyKey },
        );
        return { stripeStatus: dispute.status };
      } catch (error) {
        throw refusal(error, 'DisputeEvidenceRejected');
      }
    },

    /** Accepts the loss on Stripe (`disputes.close`); Stripe's fee on it, when its answer shows one. */
    async closeDispute(input: { disputeId: string; idempotencyKey: string }): Promise<{ fee?: Money }> {
      try {
        const dispute = await stripe.disputes.close(
          input.disputeId,
          {},
          { idempotencyKey: input.idempotencyKey },
        );
        const fees = (dispute.balance_transactions ?? []).map((bt) => bt.fee);
        return fees.length
          ? {
              fee: money(
                fees.reduce((a, b) => a + b, 0),
                dispute.currency.toUpperCase(),
              ),
            }
          : {};
      } catch (error) {
        throw refusal(error, 'DisputeCloseRejected');
      }
    },
  };
}
