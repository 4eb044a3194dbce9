import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type Stripe from 'stripe';
import { type DisputeEvent, disputeEventSignal, disputeWorkflowId } from '../disputes/dispute-messages';
import { disputeEventOf, disputeInputOf } from '../disputes/stripe-dispute-events';
import type { Services } from '../integrations/services';
import type { disputeWorkflow } from '../workflows/dispute';
import { DisputeId, MarketplaceStatus } from '../workflows/search-attributes';

// The Stripe webhook hands charge.dispute.* events to the dispute's own workflow. This start stays at the
// entry point because the workflow's search attributes are declared in workflows/; how an event reads as
// the workflow's input and signal lives in the dispute's home.

/**
 * Signals the dispute's workflow, starting it if this is the first event about the dispute (whichever
 * event type arrives first: Stripe does not promise order). A dispute whose workflow already finished is
 * settled; a late event about it changes nothing.
 */
export async function followDisputeEvent(services: Services, event: Stripe.Event): Promise<void> {
  const dispute = event.data.object as Stripe.Dispute;
  try {
    await services.temporal.workflow.signalWithStart<typeof disputeWorkflow, [DisputeEvent]>(
      'disputeWorkflow',
      {
        taskQueue: services.env.TEMPORAL_TASK_QUEUE,
        workflowId: disputeWorkflowId(dispute.id),
        args: [disputeInputOf(services.env, dispute)],
        signal: disputeEventSignal,
        signalArgs: [disputeEventOf(event)],
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
