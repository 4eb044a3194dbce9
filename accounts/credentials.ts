import type { Collections } from '../integrations/collections';
import { normalizeEmail } from './account-ids';
import { decoyHash, verifyPassword } from './passwords';
import type { Principal } from './principal';

/**
 * The account an email and password sign in as, or undefined when either is wrong. An unknown address is
 * checked against a decoy hash, so the answer takes as long as for a wrong password and reveals no one.
 */
export async function checkCredentials(
  collections: Collections,
  email: string,
  password: string,
): Promise<Principal | undefined> {
  const user = await collections.users.findOne({ email: normalizeEmail(email) });
  const valid = await verifyPassword(password, user?.passwordHash ?? decoyHash);
  if (!user || !valid) return undefined;
  return { userId: user._id, role: user.role, ...(user.sellerId ? { sellerId: user.sellerId } : {}) };
}
