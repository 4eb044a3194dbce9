import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../integrations/services';
import {
  approveReturnUpdate,
  inspectReturnUpdate,
  opsReturnDecisionUpdate,
  rejectReturnUpdate,
  returnWorkflowId,
} from '../../returns/return-process';
import { returnOwner, returnsPage } from '../../returns/return-reads';
import type { Role } from '../../accounts/principal';
import { owns, principalOf } from '../auth/principal';
import { problemResponses } from '../openapi-registry';
import { asReturnProblem, returnNotFound } from '../return-problems';
import { declareRoute } from '../route';
import {
  approveReturnBody,
  inspectReturnBody,
  opsReturnDecisionBody,
  rejectReturnBody,
  returnIdParam,
  returnListQuery,
  returnView,
} from '../schemas-return';
import { runStep } from '../workflow-steps';

// The human steps of a return, each an update of its workflow (validated there against the status).
const steps = [
  {
    path: '/seller/returns/{id}/approve',
    what: 'approve this return',
    roles: ['seller'],
    body: approveReturnBody,
    run: approveReturnUpdate,
  },
  {
    path: '/seller/returns/{id}/reject',
    what: 'reject this return',
    roles: ['seller'],
    body: rejectReturnBody,
    run: rejectReturnUpdate,
  },
  {
    path: '/seller/returns/{id}/inspection',
    what: 'record the inspection of this return',
    roles: ['seller', 'ops'],
    body: inspectReturnBody,
    run: inspectReturnUpdate,
  },
  {
    path: '/ops/returns/{id}/decision',
    what: 'decide on this return',
    roles: ['ops'],
    body: opsReturnDecisionBody,
    run: opsReturnDecisionUpdate,
  },
] as const;

/** The seller's side of returns (decide, inspect) and ops' decision on an escalated one. */
export function sellerReturnsRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, temporal } = services;
  const table = { router: Router(), registry };

  declareRoute(table, {
    method: 'get',
    path: '/seller/returns',
    summary: "The seller's returns, newest first (ops: any seller's, filter by sellerId)",
    security: [{ bearer: [] }],
    roles: ['seller', 'ops'],
    query: returnListQuery,
    responses: {
      200: {
        description: 'A page of returns',
        content: { 'application/json': { schema: z.object({ items: z.array(returnView) }) } },
      },
      ...problemResponses(400, 401, 403),
    },
    async handle({ query }, req, res) {
      const principal = principalOf(req);
      const sellerId = principal.role === 'seller' ? (principal.sellerId ?? '-') : query.sellerId;
      const page = {
        ...(sellerId === undefined ? {} : { sellerId }),
        ...(query.status ? { status: query.status } : {}),
        offset: query.offset,
        limit: query.limit,
      };
      res.json({ items: await returnsPage(collections, page) });
    },
  });

  for (const step of steps) {
    declareRoute(table, {
      method: 'post',
      path: step.path,
      summary: `${step.what[0]?.toUpperCase()}${step.what.slice(1)} (${step.roles.join(' or ')})`,
      security: [{ bearer: [] }],
      roles: [...step.roles] as Role[],
      params: returnIdParam,
      body: step.body as typeof approveReturnBody,
      responses: {
        200: {
          description: 'The return after the step',
          content: { 'application/json': { schema: returnView } },
        },
        ...problemResponses(400, 401, 403, 404, 409, 415, 422, 503),
      },
      async handle({ params, body }, req, res) {
        const owner = await returnOwner(services, params.id).catch((error: unknown) => {
          throw asReturnProblem(error);
        });
        if (!owner || !owns(principalOf(req), owner)) throw returnNotFound();
        const handle = temporal.workflow.getHandle(returnWorkflowId(params.id));
        // The body schema above and the workflow's validator both check the argument's shape.
        const state = await runStep(temporal, step.what, () =>
          handle.executeUpdate(step.run as typeof approveReturnUpdate, { args: [body] }),
        );
        res.json(state);
      },
    });
  }
  return table.router;
}
