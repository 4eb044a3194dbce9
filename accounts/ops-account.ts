import type { Env } from '../config/env';
import type { Collections } from '../integrations/collections';
import { newUserId, normalizeEmail } from './account-ids';
import type { UserDoc } from './documents';
import { hashPassword, verifyPassword } from './passwords';

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
