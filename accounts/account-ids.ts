import { randomBytes } from 'node:crypto';

export function newUserId(): string {
  return `usr_${randomBytes(10).toString('hex')}`;
}

/** A seller account's seller id follows from its user id, so the token can carry it from registration on. */
export function sellerIdFor(userId: string): string {
  return `sel_${userId.slice('usr_'.length)}`;
}

/** One account per address, whatever its case or surrounding spaces. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
