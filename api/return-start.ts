import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { type ReturnInput, returnRecordedUpdate, returnWorkflowId } from '../returns/return-process';
import { detailsOf, returnSummary } from '../domain/ops-wording';
import type { returnWorkflow } from '../workflows/return';
import { CustomerId, MarketplaceStatus, OrderId, ReturnId, SellerId } from '../workflows/search-attributes';

// The client side of starting a return's workflow: how it is named, summarised and found in the UI.

/**
 * How long a request waits for the workflow's first write. Past it the request is answered anyway (the
 * return is started and will be recorded once a worker runs it); it stays under the request lock's hold.
 */
const recordPatienceMs = 10_000;

/**
 * Starts the return's workflow (a repeat of the same return id starts nothing) and waits until it has
 * recorded the return, so the next request's "units left to return" check counts these units. The wait is
 * an update that the workflow answers once recorded: no polling of the database.
 */
export async function startReturnWorkflow(
  temporal: Client,
  taskQueue: string,
  input: ReturnInput,
): Promise<void> {
  const workflowId = returnWorkflowId(input.returnId);
  try {
    await temporal.workflow.start<typeof returnWorkflow>('returnWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      staticSummary: returnSummary({
        returnId: input.returnId,
        orderId: input.orderId,
        sellerId: input.sellerId,
        units: input.lines.reduce((total, line) => total + line.quantity, 0),
        reason: input.reason.code,
      }),
      staticDetails: detailsOf({
        Return: input.returnId,
        Order: input.orderId,
        Buyer: input.customerId,
        Seller: input.sellerId,
        Lines: input.lines.map((line) => `${line.sku} × ${line.quantity}`).join(', '),
        Reason: input.reason.text ? `${input.reason.code}: ${input.reason.text}` : input.reason.code,
        Photos: input.photos.length,
      }),
      typedSearchAttributes: [
        { key: ReturnId, value: input.returnId },
        { key: OrderId, value: input.orderId },
        { key: CustomerId, value: input.customerId },
        { key: SellerId, value: input.sellerId },
        { key: MarketplaceStatus, value: 'requested' },
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  try {
    await temporal.withDeadline(Date.now() + recordPatienceMs, () =>
      temporal.workflow.getHandle(workflowId).executeUpdate(returnRecordedUpdate),
    );
  } catch (error) {
    // No worker answered in time: the return is started and will be recorded; the request is answered.
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return;
    // A repeat for a return whose workflow has already finished (it recorded the return first thing), or
    // one started before this update existed: there is nothing left to wait for.
    if (error instanceof WorkflowNotFoundError || error instanceof WorkflowUpdateFailedError) return;
    throw error;
  }
}
