import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Filter } from 'mongodb';
import { isOpenReturn, type ReturnStatus } from '../domain/return-status';
import type { Collections } from '../integrations/collections';
import { queryWithin } from '../integrations/workflow-query';
import type { ReturnDoc } from './documents';
import { type ReturnState, returnStateQuery, returnWorkflowId } from './return-process';

// The return's read model: its document (the workflow's projection) and, while it is open, the workflow's
// own state, which may be ahead of the document. Who may see what is the caller's decision, passed in as
// `mayView`, so this module knows returns and not accounts.

export interface ReturnReadDeps {
  collections: Collections;
  temporal: Client;
}

/** Whose return it is: its buyer and its seller. */
export interface ReturnOwner {
  customerId: string;
  sellerId: string;
}

export type ReturnView = Record<string, unknown>;

/** The workflow did not answer in time (no worker polling): the caller may retry. */
export class ReturnUnansweredError extends Error {
  override name = 'ReturnUnansweredError';
}

export function returnView({ _id, ...rest }: ReturnDoc): ReturnView {
  return {
    returnId: _id,
    ...rest,
    // FerretDB v1 drops an empty array written by an upsert's $setOnInsert.
    photos: rest.photos ?? [],
    ...(rest.dueBy ? { dueBy: new Date(rest.dueBy).toISOString() } : {}),
  };
}

async function queryState(temporal: Client, id: string): Promise<ReturnState> {
  const state = await queryWithin(temporal, returnWorkflowId(id), returnStateQuery);
  if (!state) throw new ReturnUnansweredError('The return’s workflow is not answering now');
  return state;
}

/**
 * Whose return this is, or `undefined` when there is none. Right after the request the workflow may not
 * have written its document yet, so the workflow itself is asked then.
 */
export async function returnOwner(deps: ReturnReadDeps, id: string): Promise<ReturnOwner | undefined> {
  const doc = await deps.collections.returns.findOne({ _id: id });
  if (doc) return doc;
  try {
    return await queryState(deps.temporal, id);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/**
 * The live state, from the workflow itself (it may be ahead of its projection, or not have written it yet),
 * falling back to the document once the workflow is gone from Temporal's retention or not answering.
 * `undefined` when there is no such return or `mayView` refuses its owner.
 */
export async function readReturn(
  deps: ReturnReadDeps,
  id: string,
  mayView: (owner: ReturnOwner) => boolean,
): Promise<ReturnView | undefined> {
  const doc = await deps.collections.returns.findOne({ _id: id });
  if (doc && !mayView(doc)) return undefined;
  // A settled return's document is final: no need to wake its (finished) workflow.
  if (doc && !isOpenReturn(doc.status)) return returnView(doc);
  try {
    const state = await queryState(deps.temporal, id);
    if (!mayView(state)) return undefined;
    return { ...(doc ? returnView(doc) : {}), ...state };
  } catch (error) {
    if (!doc) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
    // No workflow (past retention) or no worker answering right now: the projection is the next best.
    return returnView(doc);
  }
}

/** The return's status as recorded, if it is recorded yet. */
export async function recordedReturnStatus(
  collections: Collections,
  id: string,
): Promise<ReturnStatus | undefined> {
  const doc = await collections.returns.findOne({ _id: id }, { projection: { status: 1 } });
  return doc?.status;
}

/** Whose order it is: its buyer and the sellers in it. */
export interface OrderOfReturns {
  customerId: string;
  sellerIds: string[];
}

/**
 * An order's returns, newest first; only one seller's when `sellerId` is given. `undefined` when there is
 * no such order or `mayList` refuses it.
 */
export async function orderReturns(
  collections: Collections,
  orderId: string,
  mayList: (order: OrderOfReturns) => boolean,
  sellerId?: string,
): Promise<ReturnView[] | undefined> {
  const order = await collections.orders.findOne({ _id: orderId });
  if (!order || !mayList({ customerId: order.customerId, sellerIds: order.sellerIds ?? [] }))
    return undefined;
  const items = await collections.returns
    .find(sellerId === undefined ? { orderId } : { orderId, sellerId })
    .sort({ createdAt: -1 })
    .limit(100)
    .toArray();
  return items.map(returnView);
}

/** A page of returns, newest first, optionally one seller's and in one status. */
export async function returnsPage(
  collections: Collections,
  page: { sellerId?: string; status?: ReturnStatus; offset: number; limit: number },
): Promise<ReturnView[]> {
  const filter: Filter<ReturnDoc> = {};
  if (page.sellerId !== undefined) filter.sellerId = page.sellerId;
  if (page.status) filter.status = page.status;
  const items = await collections.returns
    .find(filter)
    .sort({ createdAt: -1 })
    .skip(page.offset)
    .limit(page.limit)
    .toArray();
  return items.map(returnView);
}
