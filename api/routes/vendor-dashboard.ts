import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { returnPolicyOf } from '../../config/env';
import { defaultPeriods, reportingPeriods } from '../../domain/reporting-periods';
import type { Services } from '../../integrations/services';
import { sellerDashboard, type SellerDashboard } from '../../reporting/seller-dashboard';
import { isRegisteredSeller } from '../../sellers/seller-reads';
import { principalOf } from '../auth/principal';
import { noStore } from '../no-store';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { declareRoute } from '../route';
import { dashboardQuery, dashboardView } from '../schemas-dashboard';

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
  const { collections, temporal, env } = services;
  const table = { router: Router(), registry };
  table.router.use('/vendors', noStore);
  const deps = {
    collections,
    temporal,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    returnPolicy: returnPolicyOf(env),
  };

  declareRoute(table, {
    method: 'get',
    path: '/vendors/{id}/dashboard',
    summary: "A seller's dashboard (that seller or ops): sales by day, week or month over a bounded range",
    security: [{ bearer: [] }],
    roles: ['seller', 'ops'],
    params,
    query: dashboardQuery,
    responses: {
      200: { description: 'The dashboard', content: { 'application/json': { schema: dashboardView } } },
      ...problemResponses(400, 401, 403, 404),
    },
    async handle({ params: { id }, query }, req, res) {
      const principal = principalOf(req);
      if (principal.role === 'seller' && principal.sellerId !== id) {
        throw new HttpProblem(403, 'forbidden', "Only this seller or ops can read this seller's dashboard");
      }
      if (principal.role === 'ops' && !(await isRegisteredSeller(collections, id))) {
        throw new HttpProblem(404, 'seller-not-found', 'No such seller');
      }
      const asOf = new Date();
      const dashboard = await sellerDashboard(deps, {
        sellerId: id,
        period: query.period,
        periods: reportingPeriods(query.period, query.periods ?? defaultPeriods[query.period], asOf),
        topLimit: query.top,
        asOf,
      });
      res.set('Cache-Control', 'private, no-store').json(serialize(dashboard));
    },
  });

  return table.router;
}
