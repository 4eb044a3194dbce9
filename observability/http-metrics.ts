import type { RequestHandler } from 'express';
import { Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics-registry';
import { routeOf } from './route-template';

const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'API request duration by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

const inFlight = new Gauge({
  name: 'http_requests_in_flight',
  help: 'API requests being served now',
  registers: [metricsRegistry],
});

export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    const end = duration.startTimer();
    inFlight.inc();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight.dec();
      end({ method: req.method, route: routeOf(req), status: String(res.statusCode) });
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

/** Prometheus text exposition of this process's registry. */
export const metricsEndpoint: RequestHandler = (_req, res, next) => {
  metricsRegistry.metrics().then((text) => {
    res.type(metricsRegistry.contentType).send(text);
  }, next);
};
