// A seller sells and is paid only while Stripe says the account is active and ops have approved it.
export interface SellerStanding {
  status: 'pending_verification' | 'active' | 'restricted' | 'rejected';
  approval: 'pending' | 'approved' | 'rejected';
}

export function canSell(seller: SellerStanding | null | undefined): boolean {
  return seller?.status === 'active' && seller.approval === 'approved';
}

export function canBePaid(seller: SellerStanding | null | undefined): boolean {
  return canSell(seller);
}
