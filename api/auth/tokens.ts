import { createHmac, timingSafeEqual } from 'node:crypto';

export type Role = 'buyer' | 'seller' | 'ops';

export interface Principal {
  userId: string;
  role: Role;
  /** Set for seller accounts: the seller every product, stock and sub-order check is made against. */
  sellerId?: string;
}

interface Claims {
  sub: string;
  role: Role;
  sid?: string;
  iat: number;
  exp: number;
}

const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(data: string, secret: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

/** A compact HS256 JWT: standard enough for any gateway to verify with the shared secret. */
export function issueToken(
  principal: Principal,
  secret: string,
  ttlSeconds: number,
  now = Date.now(),
): string {
  const iat = Math.floor(now / 1000);
  const claims: Claims = {
    sub: principal.userId,
    role: principal.role,
    ...(principal.sellerId ? { sid: principal.sellerId } : {}),
    iat,
    exp: iat + ttlSeconds,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${header}.${payload}.${sign(`${header}.${payload}`, secret)}`;
}

export function verifyToken(token: string, secret: string, now = Date.now()): Principal | undefined {
  const [h, payload, signature] = token.split('.');
  if (h !== header || !payload || !signature) return undefined;
  const expected = Buffer.from(sign(`${h}.${payload}`, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  let claims: Claims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
  } catch {
    return undefined;
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return undefined;
  if (!['buyer', 'seller', 'ops'].includes(claims.role) || typeof claims.sub !== 'string') return undefined;
  return { userId: claims.sub, role: claims.role, ...(claims.sid ? { sellerId: claims.sid } : {}) };
}
