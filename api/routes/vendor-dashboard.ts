import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { returnPolicyOf } from '../../config/env';
import { defaultPeriods, reportingPeriods } from '../../domain/reporting-periods';
import type { Services } from '../../integrations/services';
import { sellerDashboard, type SellerDashboard } from '../../reporting/seller-dashboard';
import { principalOf, requireRole } from '../auth/principal';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { dashboardQuery, dashboardView } from '../schemas-dashboard';
import { parseParams } from '../validation';
import { noStore } from '../no-store';

const params = z.object({ id: z.string().regex(/^sel_[\w-]{1,64}$/, 'not a seller id') });

function serialize(dashboard: SellerDashboard): z.infer<typeof dashboardView> {
  const range = (p: { start: Date; end: Date }) => ({
    start: p.start.toISOString(),
    end: p.end.toISOString(),
  });
  return {
    ...dashboard,
    range: range(dashboard.range),
    sales: dashboard.sales.map((period) => ({ ...period, ...range(period) })),
    payout: {
      schedule: dashboard.payout.schedule,
      nextPayoutAt: dashboard.payout.nextPayoutAt?.toISOString() ?? null,
    },
    asOf: dashboard.asOf.toISOString(),
  };
}

/** A seller's home page: sales by period, best sellers, returns, balances and the next payout. */
export function vendorDashboardRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, temporal } = services;
  const router = Router();
  router.use('/vendors', noStore);

  registry.registerPath({
    method: 'get',
    path: '/vendors/{id}/dashboard',
    summary: "A seller's dashboard (that seller or ops): sales by day, week or month over a bounded range",
    security: [{ bearer: [] }],
    request: { params, query: dashboardQuery },
    responses: {
      200: { description: 'The dashboard', content: { 'application/json': { schema: dashboardView } } },
      ...problemResponses(400, 401, 403, 404),
    },
  });
  router.get('/vendors/:id/dashboard', requireRole('seller', 'ops'), async (req, res) => {
    const principal = principalOf(req);
    const { id } = parseParams(params, req.params);
    if (principal.role === 'seller' && principal.sellerId !== id) {
      throw new HttpProblem(403, 'forbidden', "Only this seller or ops can read this seller's dashboard");
    }
    const query = parseParams(dashboardQuery, req.query);
    if (principal.role === 'ops' && !(await collections.users.findOne({ sellerId: id, role: 'seller' }))) {
      throw new HttpProblem(404, 'seller-not-found', 'No such seller');
    }
    const asOf = new Date();
    const dashboard = await sellerDashboard(
      {
        collections,
        temporal,
        taskQueue: services.env.TEMPORAL_TASK_QUEUE,
        returnPolicy: returnPolicyOf(services.env),
      },
      {
        sellerId: id,
        period: query.period,
        periods: reportingPeriods(query.period, query.periods ?? defaultPeriods[query.period], asOf),
        topLimit: query.top,
        asOf,
      },
    );
    res.set('Cache-Control', 'private, no-store').json(serialize(dashboard));
  });

  return router;
}
