import type { RequestHandler } from 'express';
import { webhookEvents } from './business-metrics';

/** What a webhook route names its event as (Stripe's event type, the carrier's tracking status). */
export function noteWebhookEventType(res: { locals: Record<string, unknown> }, type: string): void {
  res.locals.webhookEventType = type;
}

interface Acknowledgement {
  duplicate?: boolean;
  matched?: boolean;
}

/**
 * Counts every webhook by source, event type and outcome from the answer the route gave, so the routes
 * carry one line (`noteWebhookEventType`) and no metric code. Event types are the providers' own small sets.
 */
export function webhookMetrics(): RequestHandler {
  return (req, res, next) => {
    const source = /^\/webhooks\/(stripe|carrier)\b/.exec(req.path)?.[1];
    if (!source) return next();
    let acknowledgement: Acknowledgement = {};
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      if (typeof body === 'object' && body !== null) acknowledgement = body;
      return json(body);
    };
    res.once('finish', () => {
      const status = res.statusCode;
      const outcome =
        status >= 500
          ? 'error'
          : status >= 400
            ? 'rejected'
            : acknowledgement.duplicate
              ? 'duplicate'
              : acknowledgement.matched === false
                ? 'unmatched'
                : 'accepted';
      const type: unknown = res.locals.webhookEventType;
      webhookEvents.inc({ source, type: typeof type === 'string' ? type : 'unknown', outcome });
    });
    next();
  };
}
