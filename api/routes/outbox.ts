import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Filter } from 'mongodb';
import { z } from 'zod';
import type { NotificationDoc, OutboxDoc } from '../../notifications/documents';
import type { Services } from '../../integrations/services';
import { requireRole } from '../auth/principal';
import { problemResponses } from '../openapi-registry';
import { parseParams } from '../validation';

const outboxQuery = z
  .object({
    to: z.string().trim().min(1).max(254).optional(),
    template: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,63}$/)
      .optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
  })
  .strict();

const outboxItem = z
  .object({
    id: z.string(),
    channel: z.enum(['email', 'sms']),
    to: z.string(),
    from: z.string(),
    template: z.string(),
    subject: z.string().optional(),
    body: z.string(),
    createdAt: z.string(),
  })
  .openapi('OutboxMessage');

const failedQuery = z
  .object({
    to: z.string().trim().min(1).max(254).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
  })
  .strict();

const failedItem = z
  .object({
    id: z.string(),
    channel: z.enum(['email', 'sms']),
    to: z.string(),
    template: z.string(),
    provider: z.string(),
    failedAt: z.string().nullable(),
    failureReason: z.string().nullable(),
  })
  .openapi('FailedNotification');

/** The messages kept instead of sent when no SendGrid / Twilio keys are configured (local and tests). */
export function outboxRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections } = services;
  const router = Router();

  registry.registerPath({
    method: 'get',
    path: '/ops/outbox',
    summary: 'Messages in the outbox (ops), newest first; filter by recipient and template',
    security: [{ bearer: [] }],
    request: { query: outboxQuery },
    responses: {
      200: {
        description: 'A page of messages',
        content: {
          'application/json': {
            schema: z.object({
              items: z.array(outboxItem),
              total: z.number().int(),
              nextOffset: z.number().int().nullable(),
            }),
          },
        },
      },
      ...problemResponses(400, 401, 403),
    },
  });
  router.get('/ops/outbox', requireRole('ops'), async (req, res) => {
    const query = parseParams(outboxQuery, req.query);
    const filter: Filter<OutboxDoc> = {};
    if (query.to) filter.to = query.to;
    if (query.template) filter.template = query.template;
    const [docs, total] = await Promise.all([
      collections.outbox
        .find(filter)
        .sort({ createdAt: -1, _id: 1 })
        .skip(query.offset)
        .limit(query.limit)
        .toArray(),
      collections.outbox.countDocuments(filter),
    ]);
    const items = docs.map(({ _id, createdAt, ...rest }) => ({
      id: _id,
      ...rest,
      createdAt: createdAt.toISOString(),
    }));
    const nextOffset = query.offset + docs.length < total ? query.offset + docs.length : null;
    res.json({ items, total, nextOffset });
  });

  registry.registerPath({
    method: 'get',
    path: '/ops/notifications/failed',
    summary: 'Messages given up on (ops), newest first: refused by the provider or out of attempts',
    security: [{ bearer: [] }],
    request: { query: failedQuery },
    responses: {
      200: {
        description: 'A page of failed messages',
        content: {
          'application/json': {
            schema: z.object({ items: z.array(failedItem), nextOffset: z.number().int().nullable() }),
          },
        },
      },
      ...problemResponses(400, 401, 403),
    },
  });
  router.get('/ops/notifications/failed', requireRole('ops'), async (req, res) => {
    const query = parseParams(failedQuery, req.query);
    const filter: Filter<NotificationDoc> = { status: 'failed' };
    if (query.to) filter.to = query.to;
    const docs = await collections.notifications
      .find(filter)
      .sort({ failedAt: -1, _id: 1 })
      .skip(query.offset)
      .limit(query.limit + 1)
      .toArray();
    const page = docs.slice(0, query.limit);
    const items = page.map((doc) => ({
      id: doc._id,
      channel: doc.channel,
      to: doc.to,
      template: doc.template,
      provider: doc.provider,
      failedAt: doc.failedAt?.toISOString() ?? null,
      failureReason: doc.failureReason ?? null,
    }));
    res.json({ items, nextOffset: docs.length > query.limit ? query.offset + query.limit : null });
  });

  return router;
}
