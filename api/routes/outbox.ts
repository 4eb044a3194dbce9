import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { failedNotifications } from '../../notifications/failed-notification-reads';
import { outboxMessages } from '../../notifications/outbox-reads';
import type { Services } from '../../integrations/services';
import { problemResponses } from '../openapi-registry';
import { declareRoute } from '../route';

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
  const table = { router: Router(), registry };

  declareRoute(table, {
    method: 'get',
    path: '/ops/outbox',
    summary: 'Messages in the outbox (ops), newest first; filter by recipient and template',
    security: [{ bearer: [] }],
    roles: ['ops'],
    query: outboxQuery,
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
    async handle({ query }, _req, res) {
      const page = await outboxMessages(collections, query);
      const items = page.items.map(({ _id, createdAt, ...rest }) => ({
        id: _id,
        ...rest,
        createdAt: createdAt.toISOString(),
      }));
      res.json({ items, total: page.total, nextOffset: page.nextOffset });
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/ops/notifications/failed',
    summary: 'Messages given up on (ops), newest first: refused by the provider or out of attempts',
    security: [{ bearer: [] }],
    roles: ['ops'],
    query: failedQuery,
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
    async handle({ query }, _req, res) {
      const page = await failedNotifications(collections, query);
      const items = page.items.map((doc) => ({
        id: doc._id,
        channel: doc.channel,
        to: doc.to,
        template: doc.template,
        provider: doc.provider,
        failedAt: doc.failedAt?.toISOString() ?? null,
        failureReason: doc.failureReason ?? null,
      }));
      res.json({ items, nextOffset: page.nextOffset });
    },
  });

  return table.router;
}
