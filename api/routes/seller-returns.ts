import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Filter } from 'mongodb';
import { z } from 'zod';
import type { ReturnDoc } from '../../returns/documents';
import type { Services } from '../../integrations/services';
import {
  approveReturnUpdate,
  inspectReturnUpdate,
  opsReturnDecisionUpdate,
  rejectReturnUpdate,
  returnWorkflowId,
} from '../../workflows/return-definitions';
import type { Role } from '../auth/tokens';
import { principalOf, requireRole } from '../auth/principal';
import { problemResponses } from '../openapi-registry';
import { checkReturnOwner, returnDocView } from '../return-reads';
import {
  approveReturnBody,
  inspectReturnBody,
  opsReturnDecisionBody,
  rejectReturnBody,
  returnIdParam,
  returnListQuery,
  returnView,
} from '../schemas-return';
import { parseParams, validBody } from '../validation';
import { runStep } from '../workflow-steps';

/** The seller's side of returns (decide, inspect) and ops' decision on an escalated one. */
export function sellerReturnsRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, temporal } = services;
  const router = Router();

  registry.registerPath({
    method: 'get',
    path: '/seller/returns',
    summary: "The seller's returns, newest first (ops: any seller's, filter by sellerId)",
    security: [{ bearer: [] }],
    request: { query: returnListQuery },
    responses: {
      200: {
        description: 'A page of returns',
        content: { 'application/json': { schema: z.object({ items: z.array(returnView) }) } },
      },
      ...problemResponses(400, 401, 403),
    },
  });
  router.get('/seller/returns', requireRole('seller', 'ops'), async (req, res) => {
    const principal = principalOf(req);
    const query = parseParams(returnListQuery, req.query);
    const filter: Filter<ReturnDoc> = {};
    if (principal.role === 'seller') filter.sellerId = principal.sellerId ?? '-';
    else if (query.sellerId) filter.sellerId = query.sellerId;
    if (query.status) filter.status = query.status;
    const items = await collections.returns
      .find(filter)
      .sort({ createdAt: -1 })
      .skip(query.offset)
      .limit(query.limit)
      .toArray();
    res.json({ items: items.map(returnDocView) });
  });

  const steps = [
    {
      path: '/seller/returns/:id/approve',
      doc: '/seller/returns/{id}/approve',
      what: 'approve this return',
      roles: ['seller'],
      body: approveReturnBody,
      run: approveReturnUpdate,
    },
    {
      path: '/seller/returns/:id/reject',
      doc: '/seller/returns/{id}/reject',
      what: 'reject this return',
      roles: ['seller'],
      body: rejectReturnBody,
      run: rejectReturnUpdate,
    },
    {
      path: '/seller/returns/:id/inspection',
      doc: '/seller/returns/{id}/inspection',
      what: 'record the inspection of this return',
      roles: ['seller', 'ops'],
      body: inspectReturnBody,
      run: inspectReturnUpdate,
    },
    {
      path: '/ops/returns/:id/decision',
      doc: '/ops/returns/{id}/decision',
      what: 'decide on this return',
      roles: ['ops'],
      body: opsReturnDecisionBody,
      run: opsReturnDecisionUpdate,
    },
  ] as const;

  for (const step of steps) {
    registry.registerPath({
      method: 'post',
      path: step.doc,
      summary: `${step.what[0]?.toUpperCase()}${step.what.slice(1)} (${step.roles.join(' or ')})`,
      security: [{ bearer: [] }],
      request: { params: returnIdParam, body: { content: { 'application/json': { schema: step.body } } } },
      responses: {
        200: {
          description: 'The return after the step',
          content: { 'application/json': { schema: returnView } },
        },
        ...problemResponses(400, 401, 403, 404, 409, 415, 422, 503),
      },
    });
    router.post(
      step.path,
      requireRole(...(step.roles as readonly Role[])),
      validBody(step.body),
      async (req, res) => {
        const { id } = parseParams(returnIdParam, req.params);
        await checkReturnOwner(services, principalOf(req), id);
        const handle = temporal.workflow.getHandle(returnWorkflowId(id));
        const state = await runStep(temporal, step.what, () =>
          // The body schema above and the workflow's validator both check the argument's shape.
          handle.executeUpdate(step.run as typeof approveReturnUpdate, {
            args: [req.body as z.infer<typeof approveReturnBody>],
          }),
        );
        res.json(state);
      },
    );
  }
  return router;
}
