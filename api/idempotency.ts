import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { isDuplicateKeyError, type Collections } from '../integrations/collections';
import { HttpProblem } from './problem';

export function idempotencyKeyOf(req: Request): string {
  const key = req.get('Idempotency-Key');
  if (!key) {
    throw new HttpProblem(
      400,
      'idempotency-key-required',
      'Send an Idempotency-Key header with this request',
    );
  }
  if (!/^[\w.:-]{8,128}$/.test(key)) {
    throw new HttpProblem(400, 'invalid-idempotency-key', 'Idempotency-Key must be 8-128 of [A-Za-z0-9_.:-]');
  }
  return key;
}

export function fingerprint(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

const keyReused = () =>
  new HttpProblem(
    422,
    'idempotency-key-reused',
    'This Idempotency-Key was already used with a different request body',
  );

/**
 * The resource an earlier request under this key created, if any; a different body under the key is refused.
 * Checked before anything the first request changed (a cart it emptied), so a retry answers like the first.
 */
export async function priorClaim(
  collections: Collections,
  scope: string,
  key: string,
  bodyFingerprint: string,
): Promise<string | undefined> {
  const existing = await collections.idempotencyKeys.findOne({ _id: `${scope}:${key}` });
  if (!existing) return undefined;
  if (existing.fingerprint !== bodyFingerprint) throw keyReused();
  return existing.resourceId;
}

/**
 * Binds a client's key to the resource it created. The first request wins the unique _id; a repeat gets the
 * same resource id back, and a different body under the same key is refused rather than silently merged.
 */
export async function claimIdempotencyKey(
  collections: Collections,
  scope: string,
  key: string,
  bodyFingerprint: string,
  proposedResourceId: string,
): Promise<{ resourceId: string; replayed: boolean }> {
  const _id = `${scope}:${key}`;
  try {
    await collections.idempotencyKeys.insertOne({
      _id,
      fingerprint: bodyFingerprint,
      resourceId: proposedResourceId,
      createdAt: new Date(),
    });
    return { resourceId: proposedResourceId, replayed: false };
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  const existing = await collections.idempotencyKeys.findOne({ _id });
  if (!existing) throw new Error(`idempotency record ${_id} vanished`);
  if (existing.fingerprint !== bodyFingerprint) throw keyReused();
  return { resourceId: existing.resourceId, replayed: true };
}
