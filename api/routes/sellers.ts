import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { z } from 'zod';
import { canBePaid, canSell } from '../../domain/seller-standing';
import type { Services } from '../../integrations/services';
import type { SellerDoc } from '../../sellers/documents';
import { owns, principalOf } from '../auth/principal';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { declareRoute } from '../route';
import {
  onboardingView,
  sellerDecisionBody,
  sellerIdParam,
  sellerView,
  startOnboardingBody,
} from '../schemas-seller';
import { decideOnSeller, readSellerOrOnboarding, startSellerOnboarding } from '../seller-onboarding';

function sellerViewOf(doc: SellerDoc): z.infer<typeof sellerView> {
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

/** A seller's onboarding (start, read) and ops' decision; the onboarding workflow makes every change. */
export function sellersRouter(services: Services, registry: OpenAPIRegistry): Router {
  const table = { router: Router(), registry };

  declareRoute(table, {
    method: 'post',
    path: '/sellers',
    summary:
      "Start (or resume) the signed-in seller's onboarding: opens the Stripe Connect account and answers with " +
      'the hosted onboarding link. The seller id is the natural key, so repeating the call is safe.',
    security: [{ bearer: [] }],
    roles: ['seller'],
    body: startOnboardingBody,
    responses: {
      201: { description: 'Onboarding started', content: { 'application/json': { schema: onboardingView } } },
      200: { description: 'Already onboarding', content: { 'application/json': { schema: onboardingView } } },
      ...problemResponses(401, 403, 409, 415, 422),
    },
    async handle({ body }, req, res) {
      const { userId, sellerId } = principalOf(req);
      if (!sellerId) throw new HttpProblem(403, 'forbidden', 'This account has no seller id');
      const { created, ...view } = await startSellerOnboarding(services, { sellerId, userId, ...body });
      res
        .status(created ? 201 : 200)
        .location(`/sellers/${sellerId}`)
        .json(view);
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/sellers/{id}',
    summary: "A seller's onboarding status and standing (that seller or ops)",
    security: [{ bearer: [] }],
    roles: ['seller', 'ops'],
    params: sellerIdParam,
    responses: {
      200: { description: 'The seller', content: { 'application/json': { schema: sellerView } } },
      ...problemResponses(400, 401, 403, 404),
    },
    async handle({ params }, req, res) {
      if (!owns(principalOf(req), { sellerId: params.id })) {
        throw new HttpProblem(404, 'seller-not-found', 'No such seller');
      }
      res.json(sellerViewOf(await readSellerOrOnboarding(services, params.id)));
    },
  });

  declareRoute(table, {
    method: 'post',
    path: '/ops/sellers/{id}/decision',
    summary: 'Approve or reject a seller (ops); validated by the onboarding workflow',
    security: [{ bearer: [] }],
    roles: ['ops'],
    params: sellerIdParam,
    body: sellerDecisionBody,
    responses: {
      200: { description: 'Decided', content: { 'application/json': { schema: sellerView } } },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
    async handle({ params, body }, req, res) {
      const seller = await decideOnSeller(services, params.id, {
        ...body,
        decidedBy: principalOf(req).userId,
      });
      res.json(sellerViewOf(seller));
    },
  });

  return table.router;
}
