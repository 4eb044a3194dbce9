// Stored shapes of this capability's collections (wired in integrations/collections.ts). Only domain
// rules and other stored shapes are imported here, so the database wiring can name them without a loop.

export interface SellerDoc {
  _id: string;
  userId?: string;
  name: string;
  email: string;
  /** Stripe's view of the connected account, driven by account.updated events. */
  status: 'pending_verification' | 'active' | 'restricted' | 'rejected';
  /** Ops' decision, made in the onboarding workflow. */
  approval: 'pending' | 'approved' | 'rejected';
  stripeAccountId?: string;
  country?: string;
  /** Why onboarding ended without a live seller: abandoned (never finished), rejected by ops or Stripe. */
  closedReason?: 'abandoned' | 'rejected_by_ops' | 'rejected_by_stripe';
  decisionReason?: string;
  createdAt: Date;
  updatedAt?: Date;
}

/** The seller document as the onboarding workflow (its only writer) sees it: the timestamps are the store's. */
export type SellerRecord = Omit<SellerDoc, 'createdAt' | 'updatedAt'>;
