import type { Client } from '@temporalio/client';
import { z } from 'zod';
import {
  type SubOrderState,
  acceptSubOrderUpdate,
  buyLabelUpdate,
  declineSubOrderUpdate,
  markPackedUpdate,
  markPickedUpdate,
  sellerFulfillmentWorkflowId,
} from '../workflows/seller-fulfillment-definitions';
import { declineBody, labelBody } from './schemas-order-requests';
import { runStep } from './workflow-steps';

const emptyBody = z.object({}).strict();

/** A seller's fulfillment steps, each an update of its sub-order's workflow, in the order they happen. */
export const subOrderSteps = [
  { path: 'accept', what: 'accept this sub-order', body: emptyBody, update: acceptSubOrderUpdate },
  { path: 'picked', what: 'mark this sub-order picked', body: emptyBody, update: markPickedUpdate },
  { path: 'packed', what: 'mark this sub-order packed', body: emptyBody, update: markPackedUpdate },
  { path: 'label', what: 'buy a shipping label', body: labelBody, update: buyLabelUpdate },
  { path: 'decline', what: 'decline this sub-order', body: declineBody, update: declineSubOrderUpdate },
] as const;

export type SubOrderStep = (typeof subOrderSteps)[number];

/** Runs one step on the seller's part of an order; the answer is the sub-order after it. */
export function runSubOrderStep(
  temporal: Client,
  part: { orderId: string; sellerId: string },
  step: SubOrderStep,
  body: z.infer<SubOrderStep['body']>,
): Promise<SubOrderState> {
  const handle = temporal.workflow.getHandle(sellerFulfillmentWorkflowId(part.orderId, part.sellerId));
  const args = Object.keys(body).length > 0 ? [body] : [];
  return runStep(temporal, step.what, () =>
    // The update's argument shape is checked by the body schema and by the workflow's validator.
    handle.executeUpdate(step.update as typeof acceptSubOrderUpdate, { args: args as [] }),
  );
}
