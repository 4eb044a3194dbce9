import { isDuplicateKeyError, type Collections } from '../integrations/collections';
import { newUserId, normalizeEmail, sellerIdFor } from './account-ids';
import { hashPassword } from './passwords';
import type { Principal } from './principal';

export interface Registration {
  email: string;
  password: string;
  /** Staff accounts are never registered: they come from configuration (see ops-account.ts). */
  role: 'buyer' | 'seller';
  name: string;
}

/** The address already has an account: the unique email index refused the second one. */
export class EmailTakenError extends Error {
  constructor() {
    super('An account with this email already exists');
  }
}

/** Opens a buyer or seller account; a seller's seller id is fixed here, from its user id. */
export async function registerAccount(collections: Collections, form: Registration): Promise<Principal> {
  const userId = newUserId();
  const principal: Principal = {
    userId,
    role: form.role,
    ...(form.role === 'seller' ? { sellerId: sellerIdFor(userId) } : {}),
  };
  try {
    await collections.users.insertOne({
      _id: userId,
      email: normalizeEmail(form.email),
      role: form.role,
      name: form.name,
      passwordHash: await hashPassword(form.password),
      ...(principal.sellerId ? { sellerId: principal.sellerId } : {}),
      createdAt: new Date(),
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new EmailTakenError();
    throw error;
  }
  return principal;
}
