import { type ReturnPolicy, latestReturnWindowClose } from './return-window';

// A seller is paid for a sub-order only when nothing can claw it back any more: it was delivered, its
// longest return window has closed, and no return on it is still open.

export interface SubOrderSettlement {
  deliveredAt?: Date;
  categories: string[];
  hasOpenReturn: boolean;
}

/** When the sub-order becomes payable, or undefined while it has not been delivered. */
export function settlesAt(subOrder: SubOrderSettlement, policy: ReturnPolicy): Date | undefined {
  if (!subOrder.deliveredAt) return undefined;
  return latestReturnWindowClose(subOrder.deliveredAt, subOrder.categories, policy);
}

export function isPayable(subOrder: SubOrderSettlement, policy: ReturnPolicy, asOf: Date): boolean {
  const at = settlesAt(subOrder, policy);
  return at !== undefined && at.getTime() <= asOf.getTime() && !subOrder.hasOpenReturn;
}
