import type { Collections } from '../integrations/collections';
import type { SellerDoc } from './documents';

// The sellers' read model: the seller document the onboarding workflow alone writes, and the seller
// accounts that registration opens (a seller exists for reporting from sign-up on, before onboarding).

export function readSeller(collections: Collections, sellerId: string): Promise<SellerDoc | null> {
  return collections.sellers.findOne({ _id: sellerId });
}

/** Whether a seller account with this seller id was registered. */
export async function isRegisteredSeller(collections: Collections, sellerId: string): Promise<boolean> {
  return (await collections.users.findOne({ sellerId, role: 'seller' })) !== null;
}
