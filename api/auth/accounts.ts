import { randomBytes } from 'node:crypto';
import type { Env } from '../../config/env';
import type { Collections } from '../../integrations/collections';
import type { UserDoc } from '../../accounts/documents';
import { hashPassword, verifyPassword } from './passwords';

export function newUserId(): string {
  return `usr_${randomBytes(10).toString('hex')}`;
}

/** A seller account's seller id follows from its user id, so the token can carry it from registration on. */
export function sellerIdFor(userId: string): string {
  return `sel_${userId.slice('usr_'.length)}`;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Staff accounts come from configuration only: the ops login is (re)set from OPS_EMAIL / OPS_PASSWORD. */
export async function ensureOpsAccount(c: Collections, env: Env): Promise<UserDoc> {
  const email = normalizeEmail(env.OPS_EMAIL);
  const existing = await c.users.findOne({ email });
  if (existing?.role === 'ops' && (await verifyPassword(env.OPS_PASSWORD, existing.passwordHash)))
    return existing;
  const passwordHash = await hashPassword(env.OPS_PASSWORD);
  if (existing) {
    await c.users.updateOne({ _id: existing._id }, { $set: { role: 'ops', passwordHash } });
    return { ...existing, role: 'ops', passwordHash };
  }
  const doc: UserDoc = {
    _id: newUserId(),
    email,
    role: 'ops',
    name: 'Operations',
    passwordHash,
    createdAt: new Date(),
  };
  await c.users.insertOne(doc);
  return doc;
}
