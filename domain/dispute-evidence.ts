// The evidence the marketplace sends Stripe for a dispute: what the seller wrote, what ops added, and the
// facts only our own records hold (carrier, tracking number, shipping date and address), which nobody can
// overwrite. Stripe's file fields take uploaded file ids, not links, so document URLs are listed in
// `uncategorized_text` where the reviewer reads them.

/** The text fields of Stripe's `evidence` hash a seller or ops may fill in. */
export const disputeTextFields = [
  'product_description',
  'customer_name',
  'customer_email_address',
  'customer_purchase_ip',
  'billing_address',
  'access_activity_log',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'duplicate_charge_explanation',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'uncategorized_text',
] as const;

export type DisputeTextField = (typeof disputeTextFields)[number];

export interface EvidenceDraft {
  text: Partial<Record<DisputeTextField, string>>;
  documentUrls: string[];
}

/** What the marketplace itself knows about the disputed sub-order's delivery. */
export interface ShipmentFacts {
  carrier?: string;
  trackingNumber?: string;
  /** ISO time the parcel left (or was delivered, when shipping time is unknown). */
  shippedAt?: string;
  deliveredAt?: string;
  shippingAddress?: string;
  customerName?: string;
  productDescription?: string;
}

/** Stripe's evidence parameters (all strings), ready for `disputes.update`. */
export type StripeEvidence = Partial<
  Record<
    DisputeTextField | 'shipping_carrier' | 'shipping_tracking_number' | 'shipping_date' | 'shipping_address',
    string
  >
>;

export const emptyEvidence = (): EvidenceDraft => ({ text: {}, documentUrls: [] });

/** Later additions win field by field; documents accumulate without repeats. */
export function mergeEvidence(base: EvidenceDraft, more: EvidenceDraft): EvidenceDraft {
  const text = { ...base.text };
  for (const field of disputeTextFields) {
    const value = more.text[field]?.trim();
    if (value) text[field] = value;
  }
  return { text, documentUrls: [...new Set([...base.documentUrls, ...more.documentUrls])] };
}

/** The evidence to submit: the seller's and ops' words over our shipment facts, documents as links. */
export function stripeEvidence(draft: EvidenceDraft, facts: ShipmentFacts): StripeEvidence {
  const evidence: StripeEvidence = {};
  if (facts.customerName) evidence.customer_name = facts.customerName;
  if (facts.productDescription) evidence.product_description = facts.productDescription;
  Object.assign(evidence, draft.text);
  if (facts.carrier) evidence.shipping_carrier = facts.carrier;
  if (facts.trackingNumber) evidence.shipping_tracking_number = facts.trackingNumber;
  const shippedOn = facts.shippedAt ?? facts.deliveredAt;
  if (shippedOn) evidence.shipping_date = shippedOn.slice(0, 10);
  if (facts.shippingAddress) evidence.shipping_address = facts.shippingAddress;
  const notes = [
    ...(draft.text.uncategorized_text ? [draft.text.uncategorized_text] : []),
    ...(facts.deliveredAt ? [`Delivered ${facts.deliveredAt} according to the carrier's tracking.`] : []),
    ...(draft.documentUrls.length ? [`Documents: ${draft.documentUrls.join(' ')}`] : []),
  ];
  if (notes.length) evidence.uncategorized_text = notes.join('\n');
  return evidence;
}
