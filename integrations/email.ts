import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import type { Env } from '../config/env';
import type { Collections } from './collections';
import { outboxWriter } from './outbox';
import { ProviderRejected, httpStatusOf, isFinalClientError } from './provider-rejection';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  template: string;
  /** Minted by the workflow; the outbox keys on it and SendGrid carries it as a custom arg for tracing. */
  idempotencyKey: string;
}

export interface EmailSender {
  readonly provider: 'sendgrid' | 'outbox';
  send(message: EmailMessage): Promise<{ providerMessageId?: string }>;
}

/** SendGrid's official client; SENDGRID_API_BASE points it elsewhere (a regional host, a local recorder). */
export function sendGridSender(env: Env & { SENDGRID_API_KEY: string }): EmailSender {
  const client = new Client();
  client.setApiKey(env.SENDGRID_API_KEY);
  // setApiKey resets the base URL to the region's host, so the override has to come after it.
  if (env.SENDGRID_API_BASE) client.setDefaultRequest('baseUrl', env.SENDGRID_API_BASE);
  const mail = new MailService();
  mail.setClient(client);
  mail.setTimeout(10_000);
  return {
    provider: 'sendgrid',
    async send(message) {
      const [response] = await mail
        .send({
          to: message.to,
          from: env.SENDGRID_FROM,
          subject: message.subject,
          text: message.text,
          customArgs: { idempotencyKey: message.idempotencyKey, template: message.template },
        })
        .catch((error: unknown) => {
          const status = httpStatusOf(error);
          if (!isFinalClientError(status)) throw error;
          const body = (error as { response?: { body?: unknown } }).response?.body;
          throw new ProviderRejected('sendgrid', status, body ? JSON.stringify(body) : String(error));
        });
      const id = (response.headers as Record<string, unknown>)['x-message-id'];
      return typeof id === 'string' ? { providerMessageId: id } : {};
    },
  };
}

/** Keeps the message in the outbox (see outbox.ts) instead of sending it. */
export function outboxEmailSender(
  collections: Collections,
  from: string,
  now = () => new Date(),
): EmailSender {
  const keep = outboxWriter(collections, from, now);
  return {
    provider: 'outbox',
    send: (message) =>
      keep(message.idempotencyKey, {
        channel: 'email',
        to: message.to,
        template: message.template,
        subject: message.subject,
        body: message.text,
      }),
  };
}

export function createEmailSender(env: Env | undefined, collections: Collections): EmailSender {
  if (env?.SENDGRID_API_KEY) return sendGridSender({ ...env, SENDGRID_API_KEY: env.SENDGRID_API_KEY });
  return outboxEmailSender(collections, env?.SENDGRID_FROM ?? 'orders@marketplace.local');
}
