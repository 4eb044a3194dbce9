import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { Router } from 'express';
import { z } from 'zod';
import { canBePaid, canSell } from '../../domain/seller-standing';
import type { SellerDoc } from '../../sellers/documents';
import type { Services } from '../../integrations/services';
import type { sellerOnboardingWorkflow } from '../../workflows/seller-onboarding';
import {
  type SellerOnboardingState,
  type StartSellerOnboarding,
  onboardingLinkUpdate,
  sellerDecisionUpdate,
  sellerOnboardingStateQuery,
  sellerOnboardingWorkflowId,
} from '../../workflows/seller-onboarding-definitions';
import { MarketplaceStatus, SellerId } from '../../workflows/search-attributes';
import { owns, principalOf, requireRole } from '../auth/principal';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { parseParams, validBody } from '../validation';
import { detailsOf, onboardingSummary } from '../../workflows/ops-wording';

const statuses = ['pending_verification', 'active', 'restricted', 'rejected'] as const;
const approvals = ['pending', 'approved', 'rejected'] as const;
const closedReasons = ['abandoned', 'rejected_by_ops', 'rejected_by_stripe'] as const;

export const startOnboardingBody = z
  .object({
    businessName: z.string().trim().min(1).max(200),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code, e.g. US'),
    email: z.string().trim().email().max(254),
  })
  .strict()
  .openapi('StartSellerOnboarding');

export const sellerDecisionBody = z
  .object({ decision: z.enum(['approve', 'reject']), reason: z.string().trim().min(1).max(500) })
  .strict()
  .openapi('SellerDecision');

const onboardingView = z
  .object({
    sellerId: z.string(),
    status: z.enum(statuses),
    approval: z.enum(approvals),
    stripeAccountId: z.string().optional(),
    onboardingUrl: z.string().optional(),
    closedReason: z.enum(closedReasons).optional(),
  })
  .openapi('SellerOnboarding');

export const sellerView = z
  .object({
    sellerId: z.string(),
    name: z.string(),
    email: z.string(),
    country: z.string().optional(),
    status: z.enum(statuses),
    approval: z.enum(approvals),
    stripeAccountId: z.string().optional(),
    closedReason: z.enum(closedReasons).optional(),
    decisionReason: z.string().optional(),
    canSell: z.boolean(),
    canBePaid: z.boolean(),
  })
  .openapi('Seller');

const sellerIdParam = z.object({ id: z.string().regex(/^sel_[\w-]{1,64}$/, 'not a seller id') });

function fromDoc(doc: SellerDoc): z.infer<typeof sellerView> {
  return {
    sellerId: doc._id,
    name: doc.name,
    email: doc.email,
    ...(doc.country ? { country: doc.country } : {}),
    status: doc.status,
    approval: doc.approval,
    ...(doc.stripeAccountId ? { stripeAccountId: doc.stripeAccountId } : {}),
    ...(doc.closedReason ? { closedReason: doc.closedReason } : {}),
    ...(doc.decisionReason ? { decisionReason: doc.decisionReason } : {}),
    canSell: canSell(doc),
    canBePaid: canBePaid(doc),
  };
}

function fromState(state: SellerOnboardingState): z.infer<typeof sellerView> {
  return fromDoc({
    _id: state.sellerId,
    name: state.businessName,
    email: state.email,
    country: state.country,
    status: state.status,
    approval: state.approval,
    stripeAccountId: state.stripeAccountId,
    closedReason: state.closedReason,
    decisionReason: state.decisionReason,
    createdAt: new Date(state.startedAtMs),
  });
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

export function sellersRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { temporal, collections, env } = services;
  const router = Router();
  const publicBase = env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${env.PORT}`;
  const missing = () => new HttpProblem(404, 'seller-not-found', 'No such seller');

  registry.registerPath({
    method: 'post',
    path: '/sellers',
    summary:
      "Start (or resume) the signed-in seller's onboarding: opens the Stripe Connect account and answers with " +
      'the hosted onboarding link. The seller id is the natural key, so repeating the call is safe.',
    security: [{ bearer: [] }],
    request: { body: { content: { 'application/json': { schema: startOnboardingBody } } } },
    responses: {
      201: { description: 'Onboarding started', content: { 'application/json': { schema: onboardingView } } },
      200: { description: 'Already onboarding', content: { 'application/json': { schema: onboardingView } } },
      ...problemResponses(401, 403, 409, 415, 422),
    },
  });
  router.post('/sellers', requireRole('seller'), validBody(startOnboardingBody), async (req, res) => {
    const body = req.body as z.infer<typeof startOnboardingBody>;
    const principal = principalOf(req);
    const sellerId = principal.sellerId;
    if (!sellerId) throw new HttpProblem(403, 'forbidden', 'This account has no seller id');
    const input: StartSellerOnboarding = {
      sellerId,
      userId: principal.userId,
      ...body,
      returnUrl: `${publicBase}/sellers/${sellerId}`,
      refreshUrl: `${publicBase}/sellers/${sellerId}`,
    };
    const start = new WithStartWorkflowOperation<typeof sellerOnboardingWorkflow>(
      'sellerOnboardingWorkflow',
      {
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
      },
    );
    try {
      const { created, ...view } = await temporal.workflow.executeUpdateWithStart(onboardingLinkUpdate, {
        startWorkflowOperation: start,
      });
      res
        .status(created ? 201 : 200)
        .location(`/sellers/${sellerId}`)
        .json(view);
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      const doc = await collections.sellers.findOne({ _id: sellerId });
      throw new HttpProblem(409, 'seller-closed', 'This seller application is closed', undefined, {
        closedReason: doc?.closedReason ?? null,
      });
    }
  });

  registry.registerPath({
    method: 'get',
    path: '/sellers/{id}',
    summary: "A seller's onboarding status and standing (that seller or ops)",
    security: [{ bearer: [] }],
    request: { params: sellerIdParam },
    responses: {
      200: { description: 'The seller', content: { 'application/json': { schema: sellerView } } },
      ...problemResponses(400, 401, 403, 404),
    },
  });
  router.get('/sellers/:id', requireRole('seller', 'ops'), async (req, res) => {
    const { id } = parseParams(sellerIdParam, req.params);
    if (!owns(principalOf(req), { sellerId: id })) throw missing();
    const doc = await collections.sellers.findOne({ _id: id });
    if (doc) {
      res.json(fromDoc(doc));
      return;
    }
    // Between the workflow's start and its first write, only the workflow knows the seller.
    try {
      const state = await temporal.workflow
        .getHandle(sellerOnboardingWorkflowId(id))
        .query(sellerOnboardingStateQuery);
      res.json(fromState(state));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw missing();
      throw error;
    }
  });

  registry.registerPath({
    method: 'post',
    path: '/ops/sellers/{id}/decision',
    summary: 'Approve or reject a seller (ops); validated by the onboarding workflow',
    security: [{ bearer: [] }],
    request: {
      params: sellerIdParam,
      body: { content: { 'application/json': { schema: sellerDecisionBody } } },
    },
    responses: {
      200: { description: 'Decided', content: { 'application/json': { schema: sellerView } } },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  });
  router.post(
    '/ops/sellers/:id/decision',
    requireRole('ops'),
    validBody(sellerDecisionBody),
    async (req, res) => {
      const { id } = parseParams(sellerIdParam, req.params);
      const body = req.body as z.infer<typeof sellerDecisionBody>;
      const handle = temporal.workflow.getHandle(sellerOnboardingWorkflowId(id));
      try {
        const state = await handle.executeUpdate(sellerDecisionUpdate, {
          args: [{ ...body, decidedBy: principalOf(req).userId }],
        });
        res.json(fromState(state));
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) throw decisionProblem(error);
        if (error instanceof WorkflowNotFoundError) {
          // A workflow that has finished is a closed application; one that never started is no seller.
          const doc = await collections.sellers.findOne({ _id: id });
          if (doc) throw new HttpProblem(409, 'seller-closed', 'This seller application is closed');
          throw missing();
        }
        throw error;
      }
    },
  );

  return router;
}
