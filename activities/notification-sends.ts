import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Collections } from '../integrations/collections';
import type { EmailSender } from '../integrations/email';
import { ProviderRejected } from '../integrations/provider-rejection';
import type { SmsSender } from '../integrations/sms';
import {
  type NotificationResult,
  alreadySent,
  recordFailure,
  recordSent,
} from '../notifications/notification-records';
import {
  notificationTemplates,
  type RenderedMessage,
  renderNotification,
  type TemplateData,
  type TemplateName,
} from '../notifications/notification-templates';

export interface NotificationInput<T extends TemplateName> {
  to: string;
  template: T;
  data: TemplateData<T>;
  /** Minted by the workflow (e.g. `seller-onboarding-<id>-reminder-2`); one message per key, ever. */
  idempotencyKey: string;
  /**
   * The workflow's maximumAttempts for this send, when bounded: the last attempt that fails records the
   * message as failed before giving up, so a message never silently vanishes.
   */
  attempts?: number;
}

export interface NotificationDeps {
  collections: Collections;
  email: EmailSender;
  sms: SmsSender;
  now: () => Date;
}

type Channel = 'email' | 'sms';

/** This attempt's number; 1 when called outside a worker (a script, a unit test). */
function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

function checkTemplate(template: string): asserts template is TemplateName {
  if (!Object.hasOwn(notificationTemplates, template)) {
    throw ApplicationFailure.nonRetryable(`unknown notification template ${template}`, 'UnknownTemplate');
  }
}

// Exactly once for the outbox (its _id is the key). For SendGrid and Twilio it is at least once: neither
// takes an idempotency key on send, so a worker that dies after the provider accepted a message but before
// the notifications record below is written sends it again on retry. The window is one provider call; the
// key travels with the message (SendGrid custom arg) so a duplicate can be traced.
/**
 * Sends through the provider; a refusal (4xx) is final and an outage is retried by the workflow's policy.
 * Either way, when this is the last attempt the message is recorded as failed, with the reason, for ops.
 */
async function deliver(
  deps: NotificationDeps,
  channel: Channel,
  input: { to: string; template: string; idempotencyKey: string; attempts?: number },
  send: () => Promise<{ providerMessageId?: string }>,
): Promise<NotificationResult> {
  const provider = channel === 'email' ? deps.email.provider : deps.sms.provider;
  let sent: { providerMessageId?: string };
  try {
    sent = await send();
  } catch (error) {
    const refused = error instanceof ProviderRejected;
    if (refused || (input.attempts !== undefined && currentAttempt() >= input.attempts)) {
      const reason = error instanceof Error ? error.message : String(error);
      const { to, template } = input;
      await recordFailure(
        deps.collections,
        input.idempotencyKey,
        { channel, to, template, provider, reason },
        deps.now(),
      );
    }
    if (refused) {
      throw ApplicationFailure.nonRetryable(error.message, 'NotificationRejected', {
        provider: error.provider,
        status: error.status,
      });
    }
    throw error;
  }
  return recordSent(deps.collections, {
    _id: input.idempotencyKey,
    channel,
    to: input.to,
    template: input.template,
    provider,
    ...(sent.providerMessageId ? { providerMessageId: sent.providerMessageId } : {}),
    status: 'sent',
    sentAt: deps.now(),
  });
}

/** Checks the template, skips a key already sent, renders the message and delivers it on one channel. */
async function sendOn<T extends TemplateName>(
  deps: NotificationDeps,
  channel: Channel,
  input: NotificationInput<T>,
  send: (message: RenderedMessage) => Promise<{ providerMessageId?: string }>,
): Promise<NotificationResult> {
  checkTemplate(input.template);
  const previous = await alreadySent(deps.collections, input.idempotencyKey);
  if (previous) return previous;
  const message = renderNotification(input.template, input.data);
  return deliver(deps, channel, input, () => send(message));
}

/** One message on one channel, rendered from its template; a key already sent sends nothing again. */
export function createNotificationSends(deps: NotificationDeps) {
  return {
    sendEmail: <T extends TemplateName>(input: NotificationInput<T>): Promise<NotificationResult> =>
      sendOn(deps, 'email', input, (message) =>
        deps.email.send({
          to: input.to,
          subject: message.subject,
          text: message.text,
          template: input.template,
          idempotencyKey: input.idempotencyKey,
        }),
      ),

    sendSms: <T extends TemplateName>(input: NotificationInput<T>): Promise<NotificationResult> =>
      sendOn(deps, 'sms', input, (message) =>
        deps.sms.send({
          to: input.to,
          body: message.sms,
          template: input.template,
          idempotencyKey: input.idempotencyKey,
        }),
      ),
  };
}

export type NotificationSends = ReturnType<typeof createNotificationSends>;
