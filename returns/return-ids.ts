import { randomBytes } from 'node:crypto';

// Like order ids: time-ordered for the Temporal UI and the database, and unguessable.
export function newReturnId(now = Date.now()): string {
  return `ret_${now.toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}

export const returnIdPattern = /^ret_[0-9a-z]{9}[0-9a-f]{16}$/;
