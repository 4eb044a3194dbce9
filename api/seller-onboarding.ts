import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Services } from '../integrations/services';
import type { SellerDoc } from '../sellers/documents';
import { readSeller } from '../sellers/seller-reads';
import { detailsOf, onboardingSummary } from '../domain/ops-wording';
import type { sellerOnboardingWorkflow } from '../workflows/seller-onboarding';
import {
  type OnboardingLinkView,
  type SellerDecisionInput,
  type StartSellerOnboarding,
  onboardingLinkUpdate,
  sellerDecisionUpdate,
  sellerOnboardingStateQuery,
  sellerOnboardingWorkflowId,
  sellerRecordOf,
} from '../workflows/seller-onboarding-definitions';
import { MarketplaceStatus, SellerId } from '../workflows/search-attributes';
import { HttpProblem } from './problem';

// The API's side of seller onboarding: every write is a start or an update of the seller's onboarding
// workflow, and a seller is read from its document, or from the workflow before its first write.

const sellerClosed = (extras?: Record<string, unknown>) =>
  new HttpProblem(409, 'seller-closed', 'This seller application is closed', undefined, extras);
const sellerMissing = () => new HttpProblem(404, 'seller-not-found', 'No such seller');

export type OnboardingRequest = Omit<StartSellerOnboarding, 'returnUrl' | 'refreshUrl' | 'maxEventsPerRun'>;

/**
 * Starts the seller's onboarding, or joins the running one, and answers once the Stripe account and its
 * link exist. A finished onboarding is never restarted: a closed application is a 409 with its reason.
 */
export async function startSellerOnboarding(
  { temporal, collections, env }: Services,
  request: OnboardingRequest,
): Promise<OnboardingLinkView> {
  const publicBase = env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${env.PORT}`;
  const { sellerId } = request;
  const input: StartSellerOnboarding = {
    ...request,
    returnUrl: `${publicBase}/sellers/${sellerId}`,
    refreshUrl: `${publicBase}/sellers/${sellerId}`,
  };
  const start = new WithStartWorkflowOperation<typeof sellerOnboardingWorkflow>('sellerOnboardingWorkflow', {
    workflowId: sellerOnboardingWorkflowId(sellerId),
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    args: [input],
    // A running onboarding is joined; a finished one is never restarted (a closed application stays closed).
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    staticSummary: onboardingSummary(input),
    staticDetails: detailsOf({
      Seller: sellerId,
      Business: input.businessName,
      Country: input.country,
      Account: input.userId,
    }),
    typedSearchAttributes: [
      { key: SellerId, value: sellerId },
      { key: MarketplaceStatus, value: 'pending_verification' },
    ],
  });
  try {
    return await temporal.workflow.executeUpdateWithStart(onboardingLinkUpdate, {
      startWorkflowOperation: start,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const doc = await readSeller(collections, sellerId);
    throw sellerClosed({ closedReason: doc?.closedReason ?? null });
  }
}

function decisionProblem(error: WorkflowUpdateFailedError): HttpProblem {
  const cause = error.cause;
  if (cause instanceof ApplicationFailure && cause.type === 'DecisionAlreadyMade') {
    return new HttpProblem(409, 'seller-decision-already-made', 'A decision was already made', cause.message);
  }
  if (cause instanceof ApplicationFailure && cause.type === 'SellerClosed') {
    return new HttpProblem(409, 'seller-closed', 'This seller application is closed', cause.message);
  }
  return new HttpProblem(409, 'seller-decision-refused', 'The decision was refused', cause?.message);
}

/** Ops' approval or rejection, validated by the workflow; answers the seller once it is saved and told. */
export async function decideOnSeller(
  { temporal, collections }: Services,
  sellerId: string,
  decision: SellerDecisionInput,
): Promise<SellerDoc> {
  const handle = temporal.workflow.getHandle(sellerOnboardingWorkflowId(sellerId));
  try {
    const state = await handle.executeUpdate(sellerDecisionUpdate, { args: [decision] });
    return { ...sellerRecordOf(state), createdAt: new Date(state.startedAtMs) };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw decisionProblem(error);
    if (error instanceof WorkflowNotFoundError) {
      // A workflow that has finished is a closed application; one that never started is no seller.
      if (await readSeller(collections, sellerId)) throw sellerClosed();
      throw sellerMissing();
    }
    throw error;
  }
}

/** The seller's document; between the workflow's start and its first write, only the workflow knows it. */
export async function readSellerOrOnboarding(
  { temporal, collections }: Services,
  sellerId: string,
): Promise<SellerDoc> {
  const doc = await readSeller(collections, sellerId);
  if (doc) return doc;
  try {
    const state = await temporal.workflow
      .getHandle(sellerOnboardingWorkflowId(sellerId))
      .query(sellerOnboardingStateQuery);
    return { ...sellerRecordOf(state), createdAt: new Date(state.startedAtMs) };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw sellerMissing();
    throw error;
  }
}
