// Stored shapes of this capability's collections (wired in integrations/collections.ts). Only domain
// rules and other stored shapes are imported here, so the database wiring can name them without a loop.

export interface IdempotencyRecord {
  _id: string;
  fingerprint: string;
  resourceId: string;
  createdAt: Date;
}

/** A webhook event already taken in; _id `<source>:<event id>` drops a provider's redelivery. */
export interface WebhookEventDoc {
  _id: string;
  type: string;
  receivedAt: Date;
}
