import { WorkflowNotFoundError } from '@temporalio/client';
import type { ReturnStatus } from '../domain/return-status';
import type { Services } from '../integrations/services';
import { returnWorkflowId } from '../returns/return-process';
import { newReturnId } from '../returns/return-ids';
import { recordedReturnStatus } from '../returns/return-reads';
import {
  buyersOrder,
  type ReturnRequest,
  ReturnRequestRefused,
  type ReturnRequestRefusal,
  returnInput,
  sellerOfReturn,
} from '../returns/return-request';
import { startReturnWorkflow } from './return-start';
import { claimIdempotencyKey, fingerprint } from './idempotency';
import { HttpProblem } from './problem';
import { oneReturnRequestAtATime } from './return-request-lock';

// The HTTP side of asking for a return: the Idempotency-Key, one request per sub-order at a time, and the
// problem each refusal is answered with. The checks are the return's own (returns/return-request.ts).

const refusalProblems: Record<ReturnRequestRefusal, [number, string, string, string?]> = {
  'order-not-found': [404, 'order-not-found', 'No such order'],
  'not-delivered': [409, 'not-delivered', 'Only delivered items can be returned'],
  'not-in-order': [422, 'not-in-order', 'That item is not part of this order'],
  'window-closed': [422, 'return-window-closed', 'The return window has closed'],
  'too-many-units': [422, 'too-many-units', 'More units than are left to return'],
  'one-seller-per-return': [
    422,
    'one-seller-per-return',
    'One return covers one seller’s items',
    'Request a separate return for each seller',
  ],
  'no-address': [409, 'no-address', 'This order has no address to collect from'],
  'order-disputed': [
    409,
    'order-disputed',
    'The payment for these items is disputed with the card issuer',
    'A card dispute on this order is open or was decided for you; the dispute settles the money instead of a return',
  ],
};

function asProblem(error: unknown): unknown {
  if (!(error instanceof ReturnRequestRefused)) return error;
  const [status, type, title, detail] = refusalProblems[error.kind];
  return new HttpProblem(status, type, title, error.detail ?? detail);
}

async function returnStarted(services: Services, returnId: string): Promise<boolean> {
  if (await services.collections.returns.findOne({ _id: returnId }, { projection: { _id: 1 } })) return true;
  try {
    await services.temporal.workflow.getHandle(returnWorkflowId(returnId)).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/**
 * A buyer's return request, taken once per Idempotency-Key: checks it, starts its workflow and waits until
 * it is recorded. Answers the return's id and status (a repeat of the key answers the return it started).
 */
export async function requestReturn(
  services: Services,
  customerId: string,
  key: string,
  orderId: string,
  request: ReturnRequest,
): Promise<{ returnId: string; status: ReturnStatus }> {
  const returnId = await takeReturnRequest(services, customerId, key, orderId, request);
  // Not recorded yet only when no worker answered in time: the workflow records it as requested.
  return { returnId, status: (await recordedReturnStatus(services.collections, returnId)) ?? 'requested' };
}

async function takeReturnRequest(
  services: Services,
  customerId: string,
  key: string,
  orderId: string,
  request: ReturnRequest,
): Promise<string> {
  const { collections, temporal, env, redis } = services;
  const scope = `returns:${customerId}`;
  const print = fingerprint({ orderId, ...request });
  const keyId = `${scope}:${key}`;
  // A repeat of a request already taken is answered with its return, even though the units it claimed
  // would no longer pass the "left to return" check.
  const taken = async (): Promise<string | undefined> => {
    const prior = await collections.idempotencyKeys.findOne({ _id: keyId });
    if (!prior) return undefined;
    await claimIdempotencyKey(collections, scope, key, print, prior.resourceId);
    return (await returnStarted(services, prior.resourceId)) ? prior.resourceId : undefined;
  };
  try {
    const order = await buyersOrder(collections, orderId, customerId);
    const sellerId = sellerOfReturn(order, request.lines);
    return (
      (await taken()) ??
      (await oneReturnRequestAtATime(redis, `${orderId}:${sellerId}`, async () => {
        // The same request, sent twice at once, may have won the turn just before this one.
        const raced = await taken();
        if (raced) return raced;
        const prior = await collections.idempotencyKeys.findOne({ _id: keyId });
        const returnId = prior?.resourceId ?? newReturnId();
        const input = await returnInput({ collections, env }, returnId, order, sellerId, request);
        const claimed = await claimIdempotencyKey(collections, scope, key, print, input.returnId);
        await startReturnWorkflow(temporal, env.TEMPORAL_TASK_QUEUE, {
          ...input,
          returnId: claimed.resourceId,
        });
        return claimed.resourceId;
      }))
    );
  } catch (error) {
    throw asProblem(error);
  }
}
