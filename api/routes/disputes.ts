import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Filter } from 'mongodb';
import { z } from 'zod';
import type { EvidenceDraft } from '../../domain/dispute-evidence';
import type { DisputeDoc } from '../../disputes/documents';
import type { Services } from '../../integrations/services';
import {
  acceptDisputeUpdate,
  addDisputeEvidenceUpdate,
  disputeWorkflowId,
  submitDisputeUpdate,
} from '../../workflows/dispute-definitions';
import { principalOf, requireRole } from '../auth/principal';
import { disputeDocView, ownedDispute, readDispute } from '../dispute-reads';
import { problemResponses } from '../openapi-registry';
import {
  acceptDisputeBody,
  disputeEvidenceBody,
  disputeIdParam,
  disputeListQuery,
  disputeView,
  submitDisputeBody,
} from '../schemas-dispute';
import { parseParams, validBody } from '../validation';
import { runStep } from '../workflow-steps';

function draftOf(body: z.infer<typeof disputeEvidenceBody>): EvidenceDraft {
  const { documentUrls, ...text } = body;
  return { text, documentUrls };
}

/** Card disputes: the seller's evidence, ops' submission or acceptance, and reads for both. */
export function disputesRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, temporal } = services;
  const router = Router();
  const ok = (description: string) => ({
    200: { description, content: { 'application/json': { schema: disputeView } } },
  });

  registry.registerPath({
    method: 'get',
    path: '/seller/disputes',
    summary: "The seller's card disputes, newest first (ops: any seller's, filter by sellerId)",
    security: [{ bearer: [] }],
    request: { query: disputeListQuery },
    responses: {
      200: {
        description: 'A page of disputes',
        content: { 'application/json': { schema: z.object({ items: z.array(disputeView) }) } },
      },
      ...problemResponses(400, 401, 403),
    },
  });
  router.get('/seller/disputes', requireRole('seller', 'ops'), async (req, res) => {
    const principal = principalOf(req);
    const query = parseParams(disputeListQuery, req.query);
    const filter: Filter<DisputeDoc> = {};
    if (principal.role === 'seller') filter.sellerId = principal.sellerId ?? '-';
    else if (query.sellerId) filter.sellerId = query.sellerId;
    if (query.status) filter.status = query.status;
    const items = await collections.disputes
      .find(filter)
      .sort({ createdAt: -1 })
      .skip(query.offset)
      .limit(query.limit)
      .toArray();
    res.json({ items: items.map(disputeDocView) });
  });

  registry.registerPath({
    method: 'get',
    path: '/disputes/{id}',
    summary: 'One dispute with the evidence gathered so far (its seller or ops)',
    security: [{ bearer: [] }],
    request: { params: disputeIdParam },
    responses: { ...ok('The dispute'), ...problemResponses(400, 401, 403, 404) },
  });
  router.get('/disputes/:id', requireRole('seller', 'ops'), async (req, res) => {
    const { id } = parseParams(disputeIdParam, req.params);
    res.json(await readDispute(services, principalOf(req), id));
  });

  const stepResponses = (what: string) => ({
    ...ok(`The dispute after ${what}`),
    ...problemResponses(400, 401, 403, 404, 409, 415, 422, 503),
  });

  registry.registerPath({
    method: 'post',
    path: '/seller/disputes/{id}/evidence',
    summary: "Add the seller's evidence (ops may add too); merged field by field until it is submitted",
    security: [{ bearer: [] }],
    request: {
      params: disputeIdParam,
      body: { content: { 'application/json': { schema: disputeEvidenceBody } } },
    },
    responses: stepResponses('the evidence was added'),
  });
  router.post(
    '/seller/disputes/:id/evidence',
    requireRole('seller', 'ops'),
    validBody(disputeEvidenceBody),
    async (req, res) => {
      const { id } = parseParams(disputeIdParam, req.params);
      const principal = principalOf(req);
      await ownedDispute(services, principal, id);
      const evidence = draftOf(req.body as z.infer<typeof disputeEvidenceBody>);
      const by = principal.role === 'ops' ? 'ops' : 'seller';
      await runStep(temporal, 'add evidence to this dispute', () =>
        temporal.workflow.getHandle(disputeWorkflowId(id)).executeUpdate(addDisputeEvidenceUpdate, {
          args: [{ by, evidence }],
        }),
      );
      res.json(await readDispute(services, principal, id));
    },
  );

  registry.registerPath({
    method: 'post',
    path: '/ops/disputes/{id}/submit',
    summary: 'Submit the evidence to Stripe now, optionally adding to it first (ops)',
    security: [{ bearer: [] }],
    request: {
      params: disputeIdParam,
      body: { content: { 'application/json': { schema: submitDisputeBody } } },
    },
    responses: stepResponses('the submission'),
  });
  router.post(
    '/ops/disputes/:id/submit',
    requireRole('ops'),
    validBody(submitDisputeBody),
    async (req, res) => {
      const { id } = parseParams(disputeIdParam, req.params);
      const principal = principalOf(req);
      await ownedDispute(services, principal, id);
      const body = req.body as z.infer<typeof submitDisputeBody>;
      await runStep(temporal, 'submit this dispute', () =>
        temporal.workflow.getHandle(disputeWorkflowId(id)).executeUpdate(submitDisputeUpdate, {
          args: [
            {
              ...(body.evidence ? { evidence: draftOf(body.evidence) } : {}),
              ...(body.note ? { note: body.note } : {}),
            },
          ],
        }),
      );
      res.json(await readDispute(services, principal, id));
    },
  );

  registry.registerPath({
    method: 'post',
    path: '/ops/disputes/{id}/accept',
    summary:
      'Accept the loss: the dispute is closed on Stripe and the seller ledger settles it as lost (ops)',
    security: [{ bearer: [] }],
    request: {
      params: disputeIdParam,
      body: { content: { 'application/json': { schema: acceptDisputeBody } } },
    },
    responses: stepResponses('the acceptance'),
  });
  router.post(
    '/ops/disputes/:id/accept',
    requireRole('ops'),
    validBody(acceptDisputeBody),
    async (req, res) => {
      const { id } = parseParams(disputeIdParam, req.params);
      const principal = principalOf(req);
      await ownedDispute(services, principal, id);
      const body = req.body as z.infer<typeof acceptDisputeBody>;
      await runStep(temporal, 'accept this dispute', () =>
        temporal.workflow
          .getHandle(disputeWorkflowId(id))
          .executeUpdate(acceptDisputeUpdate, { args: [body] }),
      );
      res.json(await readDispute(services, principal, id));
    },
  );

  return router;
}
