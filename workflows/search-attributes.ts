import { defineSearchAttributeKey, type SearchAttributePair, SearchAttributeType } from '@temporalio/common';

// Registered on the dev server by scripts/stack (search-attributes.txt) and on a cluster by deploy/;
// test/search-attributes.test.ts keeps the three lists equal.
export const OrderId = defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD);
export const CustomerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const SellerId = defineSearchAttributeKey('SellerId', SearchAttributeType.KEYWORD);
export const SellerIds = defineSearchAttributeKey('SellerIds', SearchAttributeType.KEYWORD_LIST);
export const MarketplaceStatus = defineSearchAttributeKey('MarketplaceStatus', SearchAttributeType.KEYWORD);
export const OrderTotal = defineSearchAttributeKey('OrderTotal', SearchAttributeType.INT);
export const ReturnId = defineSearchAttributeKey('ReturnId', SearchAttributeType.KEYWORD);
export const PayoutPeriod = defineSearchAttributeKey('PayoutPeriod', SearchAttributeType.KEYWORD);
export const DisputeId = defineSearchAttributeKey('DisputeId', SearchAttributeType.KEYWORD);

export const allSearchAttributes = [
  OrderId,
  CustomerId,
  SellerId,
  SellerIds,
  MarketplaceStatus,
  OrderTotal,
  ReturnId,
  PayoutPeriod,
  DisputeId,
];

/** How a seller's part is found in the Temporal UI from its start: its order, buyer, seller and total. */
export function subOrderSearchAttributes(part: {
  orderId: string;
  customerId: string;
  sellerId: string;
  total: { amount: number };
}): SearchAttributePair[] {
  return [
    { key: OrderId, value: part.orderId },
    { key: CustomerId, value: part.customerId },
    { key: SellerId, value: part.sellerId },
    { key: MarketplaceStatus, value: 'awaiting_acceptance' },
    { key: OrderTotal, value: part.total.amount },
  ];
}
