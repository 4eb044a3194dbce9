// Where a parcel is, as every carrier's tracking webhook is read into: the words the return and the
// sub-order's delivery both decide on, so they live with the rules, not with any one carrier's client.
export const trackingStatuses = [
  'label_created',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
] as const;

export type TrackingStatus = (typeof trackingStatuses)[number];
