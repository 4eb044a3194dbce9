import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { acceptDispute, addDisputeEvidence, submitDispute } from '../../disputes/dispute-commands';
import { listDisputes } from '../../disputes/dispute-reads';
import type { EvidenceDraft } from '../../domain/dispute-evidence';
import type { Services } from '../../integrations/services';
import { principalOf } from '../auth/principal';
import { ownedDispute, readDispute } from '../dispute-access';
import { problemResponses } from '../openapi-registry';
import { declareRoute, type RouteTable } from '../route';
import {
  acceptDisputeBody,
  disputeEvidenceBody,
  disputeIdParam,
  disputeListQuery,
  disputeView,
  submitDisputeBody,
} from '../schemas-dispute';
import { runStep } from '../workflow-steps';

function draftOf(body: z.infer<typeof disputeEvidenceBody>): EvidenceDraft {
  const { documentUrls, ...text } = body;
  return { text, documentUrls };
}

const ok = (description: string) => ({
  200: { description, content: { 'application/json': { schema: disputeView } } },
});
const stepResponses = (what: string) => ({
  ...ok(`The dispute after ${what}`),
  ...problemResponses(400, 401, 403, 404, 409, 415, 422, 503),
});

/** Card disputes: the seller's evidence, ops' submission or acceptance, and reads for both. */
export function disputesRouter(services: Services, registry: OpenAPIRegistry): Router {
  const table = { router: Router(), registry };
  declareDisputeReads(table, services);
  declareDisputeSteps(table, services);
  return table.router;
}

/** The seller's list and one dispute, read from the dispute's read model. */
function declareDisputeReads(table: RouteTable, services: Services): void {
  declareRoute(table, {
    method: 'get',
    path: '/seller/disputes',
    summary: "The seller's card disputes, newest first (ops: any seller's, filter by sellerId)",
    security: [{ bearer: [] }],
    roles: ['seller', 'ops'],
    query: disputeListQuery,
    responses: {
      200: {
        description: 'A page of disputes',
        content: { 'application/json': { schema: z.object({ items: z.array(disputeView) }) } },
      },
      ...problemResponses(400, 401, 403),
    },
    async handle({ query }, req, res) {
      const principal = principalOf(req);
      // A seller sees only their own; ops see anyone's, or one seller's when asked.
      const sellerId = principal.role === 'seller' ? (principal.sellerId ?? '-') : query.sellerId;
      const { status, offset, limit } = query;
      const items = await listDisputes(services.collections, {
        ...(sellerId !== undefined ? { sellerId } : {}),
        ...(status ? { status } : {}),
        offset,
        limit,
      });
      res.json({ items });
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/disputes/{id}',
    summary: 'One dispute with the evidence gathered so far (its seller or ops)',
    security: [{ bearer: [] }],
    roles: ['seller', 'ops'],
    params: disputeIdParam,
    responses: { ...ok('The dispute'), ...problemResponses(400, 401, 403, 404) },
    async handle({ params }, req, res) {
      res.json(await readDispute(services, principalOf(req), params.id));
    },
  });
}

/** What sellers and ops do to an open dispute: each is one update of the dispute's workflow. */
function declareDisputeSteps(table: RouteTable, services: Services): void {
  const { temporal } = services;

  declareRoute(table, {
    method: 'post',
    path: '/seller/disputes/{id}/evidence',
    summary: "Add the seller's evidence (ops may add too); merged field by field until it is submitted",
    security: [{ bearer: [] }],
    roles: ['seller', 'ops'],
    params: disputeIdParam,
    body: disputeEvidenceBody,
    responses: stepResponses('the evidence was added'),
    async handle({ params, body }, req, res) {
      const principal = principalOf(req);
      await ownedDispute(services, principal, params.id);
      const by = principal.role === 'ops' ? 'ops' : 'seller';
      await runStep(temporal, 'add evidence to this dispute', () =>
        addDisputeEvidence(temporal, params.id, { by, evidence: draftOf(body) }),
      );
      res.json(await readDispute(services, principal, params.id));
    },
  });

  declareRoute(table, {
    method: 'post',
    path: '/ops/disputes/{id}/submit',
    summary: 'Submit the evidence to Stripe now, optionally adding to it first (ops)',
    security: [{ bearer: [] }],
    roles: ['ops'],
    params: disputeIdParam,
    body: submitDisputeBody,
    responses: stepResponses('the submission'),
    async handle({ params, body }, req, res) {
      const principal = principalOf(req);
      await ownedDispute(services, principal, params.id);
      await runStep(temporal, 'submit this dispute', () =>
        submitDispute(temporal, params.id, {
          ...(body.evidence ? { evidence: draftOf(body.evidence) } : {}),
          ...(body.note ? { note: body.note } : {}),
        }),
      );
      res.json(await readDispute(services, principal, params.id));
    },
  });

  declareRoute(table, {
    method: 'post',
    path: '/ops/disputes/{id}/accept',
    summary:
      'Accept the loss: the dispute is closed on Stripe and the seller ledger settles it as lost (ops)',
    security: [{ bearer: [] }],
    roles: ['ops'],
    params: disputeIdParam,
    body: acceptDisputeBody,
    responses: stepResponses('the acceptance'),
    async handle({ params, body }, req, res) {
      const principal = principalOf(req);
      await ownedDispute(services, principal, params.id);
      await runStep(temporal, 'accept this dispute', () => acceptDispute(temporal, params.id, body));
      res.json(await readDispute(services, principal, params.id));
    },
  });
}
