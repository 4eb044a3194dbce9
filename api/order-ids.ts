import { randomBytes } from 'node:crypto';

// Time-ordered (sortable by creation in the Temporal UI and the database) and unguessable.
export function newOrderId(now = Date.now()): string {
  return `ord_${now.toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}

export const orderIdPattern = /^ord_[0-9a-z]{9}[0-9a-f]{16}$/;
