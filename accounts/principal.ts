// Who is acting: the account a verified session token names. Every capability checks ownership against
// this (a seller's sellerId, a buyer's userId), so it lives with the accounts, not with HTTP.

export type Role = 'buyer' | 'seller' | 'ops';

export interface Principal {
  userId: string;
  role: Role;
  /** Set for seller accounts: the seller every product, stock and sub-order check is made against. */
  sellerId?: string;
}
