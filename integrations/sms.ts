import twilio from 'twilio';
import type { Env } from '../config/env';
import type { Collections } from './collections';
import { outboxWriter } from './outbox';
import { ProviderRejected, httpStatusOf, isFinalClientError } from './provider-rejection';

export interface SmsMessage {
  to: string;
  body: string;
  template: string;
  idempotencyKey: string;
}

export interface SmsSender {
  readonly provider: 'twilio' | 'outbox';
  send(message: SmsMessage): Promise<{ providerMessageId?: string }>;
}

type TwilioRequest = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];

/**
 * Twilio's own HTTP client, sending to another host. The official client still builds every request (URL
 * path, Basic auth, form body, headers); only scheme, host and port change, e.g. to a local recorder.
 */
class RedirectedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: URL) {
    super({ timeout: 10_000 });
  }

  override request<T>(opts: TwilioRequest & { data?: T }) {
    const original = new URL(opts.uri);
    const prefix = this.base.pathname.replace(/\/$/, '');
    const uri = new URL(prefix + original.pathname + original.search, this.base.origin);
    return super.request({ ...opts, uri: uri.href });
  }
}

export function twilioSender(
  env: Env & { TWILIO_ACCOUNT_SID: string; TWILIO_AUTH_TOKEN: string },
): SmsSender {
  const client = twilio(env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, {
    timeout: 10_000,
    ...(env.TWILIO_API_BASE ? { httpClient: new RedirectedRequestClient(new URL(env.TWILIO_API_BASE)) } : {}),
  });
  return {
    provider: 'twilio',
    async send(message) {
      const sent = await client.messages
        .create({
          to: message.to,
          from: env.TWILIO_FROM,
          body: message.body,
        })
        .catch((error: unknown) => {
          const status = httpStatusOf(error);
          if (!isFinalClientError(status)) throw error;
          throw new ProviderRejected(
            'twilio',
            status,
            error instanceof Error ? error.message : String(error),
          );
        });
      return { providerMessageId: sent.sid };
    },
  };
}

/** Keeps the text in the outbox (see outbox.ts) instead of sending it. */
export function outboxSmsSender(collections: Collections, from: string, now = () => new Date()): SmsSender {
  const keep = outboxWriter(collections, from, now);
  return {
    provider: 'outbox',
    send: (message) =>
      keep(message.idempotencyKey, {
        channel: 'sms',
        to: message.to,
        template: message.template,
        body: message.body,
      }),
  };
}

export function createSmsSender(env: Env | undefined, collections: Collections): SmsSender {
  if (env?.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN) {
    return twilioSender({
      ...env,
      TWILIO_ACCOUNT_SID: env.TWILIO_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: env.TWILIO_AUTH_TOKEN,
    });
  }
  return outboxSmsSender(collections, env?.TWILIO_FROM ?? '+15005550006');
}
