import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Money } from '../domain/money';
import type { orderWorkflow } from '../workflows/order';
import {
  type OrderState,
  type PaymentOutcome,
  type PlaceOrderInput,
  cancelOrderUpdate,
  confirmPaymentUpdate,
  fraudDecisionUpdate,
  orderStateQuery,
  orderWorkflowId,
  submitPaymentUpdate,
} from '../workflows/order-definitions';
import { detailsOf, orderSummary } from '../domain/ops-wording';
import { CustomerId, MarketplaceStatus, OrderId } from '../workflows/search-attributes';
import { runStep } from './workflow-steps';

// The order workflow as the API reaches it: every start, query and update of `order-<orderId>` goes
// through these, so a route never builds a workflow call itself.

/** Whether the order's workflow was started; a claim whose start failed is finished by the retry. */
export async function orderWorkflowStarted(temporal: Client, orderId: string): Promise<boolean> {
  try {
    await temporal.workflow.getHandle(orderWorkflowId(orderId)).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/**
 * Starts the order's workflow once: Temporal itself refuses a second run with its id, so a double submit
 * (or a retry after a start whose answer was lost) is one order. Answers whether this call started it.
 */
export async function startOrderWorkflow(
  temporal: Client,
  taskQueue: string,
  input: PlaceOrderInput,
  estimate: Money | undefined,
): Promise<boolean> {
  const { orderId, customerId, lines, shipTo } = input;
  try {
    await temporal.workflow.start<typeof orderWorkflow>('orderWorkflow', {
      taskQueue,
      workflowId: orderWorkflowId(orderId),
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      // The Temporal UI's list and page read in the marketplace's words (amounts and sellers follow once
      // the workflow has priced the order).
      staticSummary: orderSummary({
        orderId,
        customerId,
        units: lines.reduce((total, line) => total + line.quantity, 0),
        skus: lines.length,
        estimate,
        flashSale: Boolean(input.flashSale),
      }),
      staticDetails: detailsOf({
        Order: orderId,
        Buyer: customerId,
        Lines: lines.map((line) => `${line.sku} × ${line.quantity}`).join(', '),
        'Ship to': `${shipTo.city}, ${shipTo.country}`,
        Payment: input.paymentMethodId ? 'card given at checkout' : 'awaiting POST /payments/checkout',
        Promotion: input.promotion?.code,
        'Flash sale': input.flashSale?.sku,
      }),
      typedSearchAttributes: [
        { key: OrderId, value: orderId },
        { key: CustomerId, value: customerId },
        { key: MarketplaceStatus, value: 'received' },
      ],
    });
    return true;
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return false;
  }
}

/** The workflow's own state of the order (before its first projection write); undefined if none runs. */
export async function orderWorkflowState(temporal: Client, orderId: string): Promise<OrderState | undefined> {
  try {
    return await temporal.workflow.getHandle(orderWorkflowId(orderId)).query(orderStateQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** Cancels what has not shipped; the answer names the sellers whose parts are being cancelled. */
export function cancelOrder(temporal: Client, orderId: string, reason: string) {
  return runStep(temporal, 'cancel this order', () =>
    temporal.workflow
      .getHandle(orderWorkflowId(orderId))
      .executeUpdate(cancelOrderUpdate, { args: [{ reason }] }),
  );
}

/** Ops' decision on an order held for fraud review; the answer is the order's status when it was taken. */
export function decideOnFraudReview(
  temporal: Client,
  orderId: string,
  decision: { decision: 'approve' | 'reject'; reason: string },
) {
  return runStep(temporal, 'decide on this order', () =>
    temporal.workflow
      .getHandle(orderWorkflowId(orderId))
      .executeUpdate(fraudDecisionUpdate, { args: [decision] }),
  );
}

/** The storefront's payment step: a card to authorize, or "3-D Secure is finished" (no card). */
export function payForOrder(
  temporal: Client,
  orderId: string,
  paymentMethodId: string | undefined,
): Promise<PaymentOutcome> {
  const handle = temporal.workflow.getHandle(orderWorkflowId(orderId));
  return runStep(temporal, 'take payment for this order', () =>
    paymentMethodId !== undefined
      ? handle.executeUpdate(submitPaymentUpdate, { args: [{ paymentMethodId }] })
      : handle.executeUpdate(confirmPaymentUpdate, { args: [] }),
  );
}
