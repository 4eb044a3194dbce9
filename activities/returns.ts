import type { Collections } from '../integrations/collections';
import { createReturnRecordActivities } from './return-records';
import { createReturnRefundBasisActivities } from './return-refund-basis';
import { createReturnRestockActivities } from './return-restock';

/** The return workflow's activities: its document, its refund's basis, its restock, and who to tell. */
export function createReturnActivities(deps: { collections: Collections; now: () => Date }) {
  const { collections } = deps;
  return {
    ...createReturnRecordActivities(deps),
    ...createReturnRefundBasisActivities(deps),
    ...createReturnRestockActivities(deps),

    /** The onboarded seller's business contact, else the account that signed up as this seller. */
    async sellerContact(input: { sellerId: string }): Promise<{ email?: string; name?: string }> {
      const seller = await collections.sellers.findOne({ _id: input.sellerId });
      if (seller) return { email: seller.email, name: seller.name };
      const user = await collections.users.findOne({ sellerId: input.sellerId, role: 'seller' });
      return user ? { email: user.email, name: user.name } : {};
    },
  };
}
