import cors from 'cors';
import { z } from 'zod';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { mergeGuestCartOnLogin } from '../cart/guest-cart-merge';
import type { Services } from '../integrations/services';
import { createLogger, type Logger } from '../observability/logger';
import { httpMetrics, metricsEndpoint } from '../observability/http-metrics';
import { requestLog } from '../observability/request-log';
import { serverSpans } from '../observability/server-spans';
import { tracing } from '../observability/tracing';
import { webhookMetrics } from '../observability/webhook-metrics';
import { authenticate } from './auth/principal';
import { tokenKeysOf } from '../accounts/session-tokens';
import { openApiDocument } from './openapi-document';
import { createRegistry } from './openapi-registry';
import { notFound, problemHandler } from './problem';
import { authRouter } from './routes/auth';
import { carrierWebhooksRouter } from './routes/carrier-webhooks';
import { paymentsRouter } from './routes/payments';
import { sellerOrdersRouter } from './routes/seller-orders';
import { returnsRouter } from './routes/returns';
import { sellerReturnsRouter } from './routes/seller-returns';
import { cartRouter } from './routes/cart';
import { flashSalesRouter } from './routes/flash-sales';
import { healthRouter } from './routes/health';
import { ordersRouter } from './routes/orders';
import { productsRouter } from './routes/products';
import { searchRouter } from './routes/search';
import { promotionsRouter } from './routes/promotions';
import { reviewsRouter } from './routes/reviews';
import { vendorDashboardRouter } from './routes/vendor-dashboard';
import { stockRouter } from './routes/stock';
import { stockDiscrepanciesRouter } from './routes/stock-discrepancies';
import { outboxRouter } from './routes/outbox';
import { sellersRouter } from './routes/sellers';
import { payoutsRouter } from './routes/payouts';
import { commissionRulesRouter } from './routes/commission-rules';
import { stripeWebhooksRouter } from './routes/stripe-webhooks';
import { disputesRouter } from './routes/disputes';

export interface AppOptions {
  log?: (error: unknown) => void;
  /** Where request and error lines go; by default JSON on stdout at `LOG_LEVEL`. */
  logger?: Logger;
}

/** Builds the HTTP API over live services; tests build it in-process against the real local stack. */
export function createApp(services: Services, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  // Only configured proxies may name the client's address (TRUST_PROXY); by default req.ip is the peer.
  app.set('trust proxy', services.env.TRUST_PROXY.length > 0 ? services.env.TRUST_PROXY : false);
  const logger = options.logger ?? createLogger({ level: services.env.LOG_LEVEL, name: 'api' });
  app.use(requestLog(logger));
  const traces = tracing();
  if (traces.enabled) app.use(serverSpans(traces.readRatio));
  const registry = createRegistry();
  if (services.env.METRICS_ENABLED) {
    // Before every router, so each request is timed and counted whatever answers it.
    app.use(httpMetrics(), webhookMetrics());
    app.get('/metrics', metricsEndpoint);
    registry.registerPath({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics of this API process (block it at the edge in production)',
      responses: {
        200: {
          description: 'Prometheus text exposition format',
          content: { 'text/plain': { schema: z.string() } },
        },
      },
    });
  }
  // Security headers on every answer (HSTS, nosniff, frame and referrer policy, a deny-all CSP for JSON).
  app.use(helmet());
  // Only configured storefront origins may call from a browser; the answer's ids and limits are readable.
  app.use(
    cors({
      origin: services.env.CORS_ORIGINS,
      credentials: true,
      exposedHeaders: ['Location', 'Retry-After', 'ETag', 'X-Request-Id'],
      maxAge: 600,
    }),
  );
  // Webhooks verify signatures over the raw body, so they are mounted before the JSON parser.
  app.use(carrierWebhooksRouter(services, registry));
  app.use(stripeWebhooksRouter(services, registry));
  app.use(express.json({ limit: '100kb', type: ['application/json', 'application/*+json'] }));

  app.use(healthRouter(services, registry));
  app.use(authenticate(tokenKeysOf(services.env)));
  app.use(authRouter(services, registry, [mergeGuestCartOnLogin(services)]));
  app.use(productsRouter(services, registry));
  app.use(searchRouter(services, registry));
  app.use(stockRouter(services, registry));
  app.use(stockDiscrepanciesRouter(services, registry));
  app.use(ordersRouter(services, registry));
  app.use(sellersRouter(services, registry));
  app.use(payoutsRouter(services, registry));
  app.use(commissionRulesRouter(services, registry));
  app.use(outboxRouter(services, registry));
  app.use(paymentsRouter(services, registry));
  app.use(sellerOrdersRouter(services, registry));
  app.use(returnsRouter(services, registry));
  app.use(sellerReturnsRouter(services, registry));
  app.use(cartRouter(services, registry));
  app.use(promotionsRouter(services, registry));
  app.use(flashSalesRouter(services, registry));
  app.use(reviewsRouter(services, registry));
  app.use(vendorDashboardRouter(services, registry));
  app.use(disputesRouter(services, registry));

  const document = openApiDocument(
    registry,
    services.env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${services.env.PORT}`,
  );
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  app.use(notFound);
  app.use(
    problemHandler(
      options.log ?? ((error, req) => (req?.log ?? logger).error({ err: error }, 'unhandled error')),
    ),
  );
  return app;
}
