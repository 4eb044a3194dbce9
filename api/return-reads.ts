import { WorkflowNotFoundError } from '@temporalio/client';
import { isOpenReturn } from '../domain/return-status';
import type { ReturnDoc } from '../returns/documents';
import type { Services } from '../integrations/services';
import { type ReturnState, returnStateQuery, returnWorkflowId } from '../workflows/return-definitions';
import { owns } from './auth/principal';
import type { Principal } from './auth/tokens';
import { HttpProblem } from './problem';

export const returnNotFound = () => new HttpProblem(404, 'return-not-found', 'No such return');

export function returnDocView({ _id, ...rest }: ReturnDoc): Record<string, unknown> {
  return {
    returnId: _id,
    ...rest,
    // FerretDB v1 drops an empty array written by an upsert's $setOnInsert.
    photos: rest.photos ?? [],
    ...(rest.dueBy ? { dueBy: new Date(rest.dueBy).toISOString() } : {}),
  };
}

/**
 * Throws a 404 unless this principal may act on the return: its buyer, its seller, or ops. Right after the
 * request the workflow may not have written its document yet, so the workflow itself is asked then.
 */
export async function checkReturnOwner(services: Services, principal: Principal, id: string): Promise<void> {
  const doc = await services.collections.returns.findOne({ _id: id });
  const owner = doc ?? (await liveState(services, id));
  if (!owner || !owns(principal, { customerId: owner.customerId, sellerId: owner.sellerId })) {
    throw returnNotFound();
  }
}

/** Asks the workflow; a query waits for a worker, so with no worker answering it gives up after a while. */
async function queryState(services: Services, id: string): Promise<ReturnState> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HttpProblem(503, 'return-unavailable', 'The return’s workflow is not answering now')),
      queryPatienceMs,
    );
  });
  try {
    return await Promise.race([
      services.temporal.workflow.getHandle(returnWorkflowId(id)).query(returnStateQuery),
      gaveUp,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const queryPatienceMs = 3_000;

async function liveState(services: Services, id: string): Promise<ReturnState | undefined> {
  try {
    return await queryState(services, id);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/**
 * The live state, from the workflow itself (it may be ahead of its projection, or not have written it yet),
 * falling back to the document once the workflow is gone from Temporal's retention.
 */
export async function readReturn(
  services: Services,
  principal: Principal,
  id: string,
): Promise<Record<string, unknown>> {
  const doc = await services.collections.returns.findOne({ _id: id });
  if (doc && !owns(principal, { customerId: doc.customerId, sellerId: doc.sellerId })) throw returnNotFound();
  // A settled return's document is final: no need to wake its (finished) workflow.
  if (doc && !isOpenReturn(doc.status)) return returnDocView(doc);
  try {
    const state = await queryState(services, id);
    if (!owns(principal, { customerId: state.customerId, sellerId: state.sellerId })) throw returnNotFound();
    return { ...(doc ? returnDocView(doc) : {}), ...state };
  } catch (error) {
    if (error instanceof HttpProblem && error.status === 404) throw error;
    if (!doc) {
      if (error instanceof WorkflowNotFoundError) throw returnNotFound();
      throw error;
    }
    // No workflow (past retention) or no worker answering right now: the projection is the next best.
  }
  if (!doc) throw returnNotFound();
  return returnDocView(doc);
}
