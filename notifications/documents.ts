// Stored shapes of this capability's collections (wired in integrations/collections.ts). Only domain
// rules and other stored shapes are imported here, so the database wiring can name them without a loop.

/** A message kept locally instead of sent, when no provider is configured; _id is the idempotency key. */
export interface OutboxDoc {
  _id: string;
  channel: 'email' | 'sms';
  to: string;
  from: string;
  template: string;
  subject?: string;
  body: string;
  createdAt: Date;
}

/**
 * One record per message handed to a provider (or the outbox), or given up on; _id is the idempotency key.
 * A message given up on (`status: 'failed'`: the provider refused it, or its attempts ran out) is kept with
 * the reason, so ops can see what a buyer never received; a later successful send replaces it.
 */
export interface NotificationDoc {
  _id: string;
  channel: 'email' | 'sms';
  to: string;
  template: string;
  provider: 'sendgrid' | 'twilio' | 'outbox';
  providerMessageId?: string;
  /** Absent on records written before failures were kept: those are all sent. */
  status?: 'sent' | 'failed';
  sentAt?: Date;
  failedAt?: Date;
  failureReason?: string;
}
