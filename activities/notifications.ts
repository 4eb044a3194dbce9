import { ApplicationFailure, Context } from '@temporalio/activity';
import { type Collections, isDuplicateKeyError, upsertAfterRace } from '../integrations/collections';
import type { NotificationDoc } from '../notifications/documents';
import type { EmailSender } from '../integrations/email';
import { ProviderRejected } from '../integrations/provider-rejection';
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
  /**
   * The workflow's maximumAttempts for this send, when bounded: the last attempt that fails records the
   * message as failed before giving up, so a message never silently vanishes.
   */
  attempts?: number;
}

export interface NotificationResult {
  notificationId: string;
  provider: NotificationDoc['provider'];
  /** True when this key was already sent and nothing was sent again. */
  duplicate: boolean;
}

/** An order milestone for the buyer: email to the account's address, and SMS when the parcel has a phone. */
export interface BuyerNotificationInput<T extends TemplateName> {
  customerId: string;
  phone?: string;
  template: T;
  data: TemplateData<T>;
  /** Each channel's message is keyed `<key>-email` / `<key>-sms`. */
  idempotencyKey: string;
  attempts?: number;
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
/** This attempt's number; 1 when called outside a worker (a script, a unit test). */
function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
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
    return sent && sent.status !== 'failed'
      ? { notificationId: sent._id, provider: sent.provider, duplicate: true }
      : undefined;
  }

  async function record(doc: NotificationDoc): Promise<NotificationResult> {
    // Replaces a failure recorded under this key by an earlier, given-up send.
    // Two attempts of one send may record at once (a retried activity, a doubled milestone).
    await upsertAfterRace(() =>
      collections.notifications.replaceOne({ _id: doc._id }, doc, { upsert: true }),
    );
    return { notificationId: doc._id, provider: doc.provider, duplicate: false };
  }

  /** Records a given-up send for ops; a concurrent attempt that did send keeps its record. */
  async function recordFailure(
    idempotencyKey: string,
    failure: {
      channel: 'email' | 'sms';
      to: string;
      template: string;
      provider: NotificationDoc['provider'];
      reason: string;
    },
  ): Promise<void> {
    const { reason, ...fields } = failure;
    try {
      await upsertAfterRace(() =>
        collections.notifications.updateOne(
          { _id: idempotencyKey, status: 'failed' },
          { $set: { ...fields, status: 'failed', failedAt: now(), failureReason: reason } },
          { upsert: true },
        ),
      );
    } catch (error) {
      // Still a duplicate after the retry: the key's record is a sent one, which must stay.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /**
   * Sends through the provider; a refusal (4xx) is final and an outage is retried by the workflow's policy.
   * Either way, when this is the last attempt the message is recorded as failed, with the reason, for ops.
   */
  async function deliver(
    channel: 'email' | 'sms',
    input: { to: string; template: string; idempotencyKey: string; attempts?: number },
    send: () => Promise<{ providerMessageId?: string }>,
  ): Promise<NotificationResult> {
    const provider = channel === 'email' ? deps.email.provider : deps.sms.provider;
    let sent: { providerMessageId?: string };
    try {
      sent = await send();
    } catch (error) {
      const refused = error instanceof ProviderRejected;
      const attempt = currentAttempt();
      if (refused || (input.attempts !== undefined && attempt >= input.attempts)) {
        await recordFailure(input.idempotencyKey, {
          channel,
          to: input.to,
          template: input.template,
          provider,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
      if (refused) {
        throw ApplicationFailure.nonRetryable(error.message, 'NotificationRejected', {
          provider: error.provider,
          status: error.status,
        });
      }
      throw error;
    }
    return record({
      _id: input.idempotencyKey,
      channel,
      to: input.to,
      template: input.template,
      provider,
      ...(sent.providerMessageId ? { providerMessageId: sent.providerMessageId } : {}),
      status: 'sent',
      sentAt: now(),
    });
  }

  async function sendEmail<T extends TemplateName>(input: NotificationInput<T>): Promise<NotificationResult> {
    checkTemplate(input.template);
    const previous = await alreadySent(input.idempotencyKey);
    if (previous) return previous;
    const message = renderNotification(input.template, input.data);
    return deliver('email', input, () =>
      deps.email.send({
        to: input.to,
        subject: message.subject,
        text: message.text,
        template: input.template,
        idempotencyKey: input.idempotencyKey,
      }),
    );
  }

  async function sendSms<T extends TemplateName>(input: NotificationInput<T>): Promise<NotificationResult> {
    checkTemplate(input.template);
    const previous = await alreadySent(input.idempotencyKey);
    if (previous) return previous;
    const message = renderNotification(input.template, input.data);
    return deliver('sms', input, () =>
      deps.sms.send({
        to: input.to,
        body: message.sms,
        template: input.template,
        idempotencyKey: input.idempotencyKey,
      }),
    );
  }

  return {
    sendEmail,
    sendSms,

    /**
     * Looks the buyer's address up and sends both channels in one activity, so a milestone costs the order
     * one activity off its main path, not three on it. Each channel keeps its own key: a retry after the
     * email went out sends only the SMS.
     */
    async notifyBuyer<T extends TemplateName>(input: BuyerNotificationInput<T>): Promise<void> {
      const user = await collections.users.findOne({ _id: input.customerId });
      const common = { template: input.template, data: input.data, attempts: input.attempts };
      const sends: Promise<unknown>[] = [];
      if (user?.email) {
        sends.push(sendEmail({ ...common, to: user.email, idempotencyKey: `${input.idempotencyKey}-email` }));
      }
      if (input.phone) {
        sends.push(sendSms({ ...common, to: input.phone, idempotencyKey: `${input.idempotencyKey}-sms` }));
      }
      const failures = (await Promise.allSettled(sends)).flatMap((outcome) =>
        outcome.status === 'rejected'
          ? [outcome.reason instanceof Error ? outcome.reason : new Error('send failed')]
          : [],
      );
      // An outage on one channel is worth another attempt even when the other channel was refused for good.
      const final = (error: Error) => error instanceof ApplicationFailure && error.nonRetryable;
      const failure = failures.find((error) => !final(error)) ?? failures[0];
      if (failure) throw failure;
    },
  };
}
