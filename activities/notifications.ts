import { ApplicationFailure } from '@temporalio/activity';
import { isDuplicateKeyError, type Collections, type NotificationDoc } from '../integrations/collections';
import type { EmailSender } from '../integrations/email';
import type { SmsSender } from '../integrations/sms';
import {
  notificationTemplates,
  renderNotification,
  type TemplateData,
  type TemplateName,
} from './notification-templates';

export interface NotificationInput<T extends TemplateName> {
  to: string;
  template: T;
  data: TemplateData<T>;
  /** Minted by the workflow (e.g. `seller-onboarding-<id>-reminder-2`); one message per key, ever. */
  idempotencyKey: string;
}

export interface NotificationResult {
  notificationId: string;
  provider: NotificationDoc['provider'];
  /** True when this key was already sent and nothing was sent again. */
  duplicate: boolean;
}

export interface NotificationDeps {
  collections: Collections;
  email: EmailSender;
  sms: SmsSender;
  now: () => Date;
}

// Exactly once for the outbox (its _id is the key). For SendGrid and Twilio it is at least once: neither
// takes an idempotency key on send, so a worker that dies after the provider accepted a message but before
// the notifications record below is written sends it again on retry. The window is one provider call; the
// key travels with the message (SendGrid custom arg) so a duplicate can be traced.
/**
 * A provider's 4xx (a bad address, a number that cannot take SMS, a rejected key) will be refused again
 * however often it is retried: a non-retryable NotificationRejected, recorded where ops look by the
 * caller. 408 and 429 are the provider asking us to come back, and 5xx or network errors pass on as they
 * are, so the retry policy tries again. SendGrid's errors carry the HTTP status in `code`, Twilio's in
 * `status`.
 */
function providerFailure(provider: string, error: unknown): unknown {
  if (provider === 'outbox') return error;
  const { status, code } = (error ?? {}) as { status?: unknown; code?: unknown };
  const http = typeof status === 'number' ? status : typeof code === 'number' ? code : undefined;
  if (http === undefined || http < 400 || http >= 500 || http === 408 || http === 429) return error;
  const message = error instanceof Error ? error.message : String(error);
  return ApplicationFailure.nonRetryable(
    `${provider} refused the message (${http}): ${message}`,
    'NotificationRejected',
    {
      provider,
      status: http,
    },
  );
}

export function createNotificationActivities(deps: NotificationDeps) {
  const { collections, now } = deps;

  function checkTemplate(template: string): asserts template is TemplateName {
    if (!Object.hasOwn(notificationTemplates, template)) {
      throw ApplicationFailure.nonRetryable(`unknown notification template ${template}`, 'UnknownTemplate');
    }
  }

  async function alreadySent(idempotencyKey: string): Promise<NotificationResult | undefined> {
    const sent = await collections.notifications.findOne({ _id: idempotencyKey });
    return sent ? { notificationId: sent._id, provider: sent.provider, duplicate: true } : undefined;
  }

  async function record(doc: NotificationDoc): Promise<NotificationResult> {
    try {
      await collections.notifications.insertOne(doc);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    return { notificationId: doc._id, provider: doc.provider, duplicate: false };
  }

  return {
    async sendEmail<T extends TemplateName>(input: NotificationInput<T>): Promise<NotificationResult> {
      checkTemplate(input.template);
      const previous = await alreadySent(input.idempotencyKey);
      if (previous) return previous;
      const message = renderNotification(input.template, input.data);
      const sent = await deps.email
        .send({
          to: input.to,
          subject: message.subject,
          text: message.text,
          template: input.template,
          idempotencyKey: input.idempotencyKey,
        })
        .catch((error: unknown) => {
          throw providerFailure(deps.email.provider, error);
        });
      return record({
        _id: input.idempotencyKey,
        channel: 'email',
        to: input.to,
        template: input.template,
        provider: deps.email.provider,
        ...(sent.providerMessageId ? { providerMessageId: sent.providerMessageId } : {}),
        sentAt: now(),
      });
    },

    async sendSms<T extends TemplateName>(input: NotificationInput<T>): Promise<NotificationResult> {
      checkTemplate(input.template);
      const previous = await alreadySent(input.idempotencyKey);
      if (previous) return previous;
      const message = renderNotification(input.template, input.data);
      const sent = await deps.sms
        .send({
          to: input.to,
          body: message.sms,
          template: input.template,
          idempotencyKey: input.idempotencyKey,
        })
        .catch((error: unknown) => {
          throw providerFailure(deps.sms.provider, error);
        });
      return record({
        _id: input.idempotencyKey,
        channel: 'sms',
        to: input.to,
        template: input.template,
        provider: deps.sms.provider,
        ...(sent.providerMessageId ? { providerMessageId: sent.providerMessageId } : {}),
        sentAt: now(),
      });
    },
  };
}
