import { createHash } from 'node:crypto';
import { SignJWT, errors, jwtVerify, type JWTHeaderParameters } from 'jose';
import type { Env } from '../config/env';
import type { Principal, Role } from './principal';

interface TokenKey {
  /** Names the key in each token's header, so a verifier picks the right one during a rotation. */
  kid: string;
  secret: Uint8Array;
}

/** What signs new tokens and what still verifies old ones, with the claims every token must carry. */
export interface TokenKeys {
  current: TokenKey;
  /** Keys still accepted (the current one, and the previous one while a rotation drains). */
  accepted: ReadonlyMap<string, Uint8Array>;
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
}

// The key id is derived from the secret, so a rotation is two variables (new secret, previous secret) and
// never a mismatched id; a 64-bit digest prefix tells keys apart without revealing anything of them.
function tokenKey(secret: string): TokenKey {
  return {
    kid: createHash('sha256').update(secret).digest('base64url').slice(0, 11),
    secret: new TextEncoder().encode(secret),
  };
}

export function tokenKeys(settings: {
  secret: string;
  previousSecret?: string | undefined;
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
}): TokenKeys {
  const current = tokenKey(settings.secret);
  const previous = settings.previousSecret ? tokenKey(settings.previousSecret) : undefined;
  return {
    current,
    accepted: new Map([
      ...(previous ? [[previous.kid, previous.secret] as const] : []),
      [current.kid, current.secret],
    ]),
    issuer: settings.issuer,
    audience: settings.audience,
    clockToleranceSeconds: settings.clockToleranceSeconds,
  };
}

export function tokenKeysOf(env: Env): TokenKeys {
  return tokenKeys({
    secret: env.AUTH_TOKEN_SECRET,
    previousSecret: env.AUTH_TOKEN_PREVIOUS_SECRET,
    issuer: env.AUTH_TOKEN_ISSUER,
    audience: env.AUTH_TOKEN_AUDIENCE,
    clockToleranceSeconds: env.AUTH_TOKEN_CLOCK_TOLERANCE_SECONDS,
  });
}

/** A standard HS256 JWT (jose) that any gateway can verify with the shared secret, issuer and audience. */
export async function issueToken(
  principal: Principal,
  keys: TokenKeys,
  ttlSeconds: number,
  now = Date.now(),
): Promise<string> {
  const iat = Math.floor(now / 1000);
  return (
    new SignJWT({ role: principal.role, ...(principal.sellerId ? { sid: principal.sellerId } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: keys.current.kid })
      .setSubject(principal.userId)
      .setIssuer(keys.issuer)
      .setAudience(keys.audience)
      .setIssuedAt(iat)
      // Not valid before it was issued: a token minted by a clock running ahead is refused until then.
      .setNotBefore(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(keys.current.secret)
  );
}

const roles: readonly string[] = ['buyer', 'seller', 'ops'];

/**
 * The principal a token names, or undefined for any token that is expired, not yet valid, for another
 * issuer or audience, signed by a key we do not accept, or not HS256 (`alg: none` included).
 */
export async function verifyToken(
  token: string,
  keys: TokenKeys,
  now = Date.now(),
): Promise<Principal | undefined> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header: JWTHeaderParameters) => {
        const secret = header.kid === undefined ? undefined : keys.accepted.get(header.kid);
        if (!secret) throw new errors.JWKSNoMatchingKey();
        return secret;
      },
      {
        algorithms: ['HS256'],
        issuer: keys.issuer,
        audience: keys.audience,
        clockTolerance: keys.clockToleranceSeconds,
        currentDate: new Date(now),
        requiredClaims: ['sub', 'exp', 'iat'],
      },
    );
    const { sub, role, sid } = payload;
    if (typeof sub !== 'string' || typeof role !== 'string' || !roles.includes(role)) return undefined;
    return { userId: sub, role: role as Role, ...(typeof sid === 'string' ? { sellerId: sid } : {}) };
  } catch (error) {
    if (error instanceof errors.JOSEError) return undefined;
    throw error;
  }
}

/** How long a sign-in lasts; the storefront signs in again after. */
export const sessionTtlSeconds = 12 * 3600;

export interface Session extends Principal {
  token: string;
  expiresIn: number;
}

/** What a sign-in or a sign-up answers: a fresh token for the principal, and how long it lasts. */
export async function openSession(principal: Principal, keys: TokenKeys): Promise<Session> {
  return {
    token: await issueToken(principal, keys, sessionTtlSeconds),
    expiresIn: sessionTtlSeconds,
    ...principal,
  };
}
