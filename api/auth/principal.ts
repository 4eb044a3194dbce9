import type { RequestHandler, Request } from 'express';
import { HttpProblem } from '../problem';
import type { Principal, Role } from '../../accounts/principal';
import { verifyToken, type TokenKeys } from '../../accounts/session-tokens';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** Reads a bearer token if one is sent; an invalid or expired one is an error, never silently a guest. */
export function authenticate(keys: TokenKeys): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (!header) return next();
    const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header);
    const principal = match?.[1] ? await verifyToken(match[1], keys) : undefined;
    if (!principal) {
      throw new HttpProblem(401, 'invalid-token', 'The bearer token is invalid or expired');
    }
    req.principal = principal;
    next();
  };
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw new HttpProblem(401, 'unauthenticated', 'Sign in and send a bearer token');
  return req.principal;
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const principal = principalOf(req);
    if (!roles.includes(principal.role)) {
      throw new HttpProblem(403, 'forbidden', `This needs a ${roles.join(' or ')} account`);
    }
    next();
  };
}

/**
 * Whether the principal may act for a resource's owner. Sellers and buyers see only their own; ops see
 * all. Callers answer 404 rather than 403 for someone else's object, so ids cannot be probed.
 */
export function owns(principal: Principal, owner: { customerId?: string; sellerId?: string }): boolean {
  if (principal.role === 'ops') return true;
  if (principal.role === 'seller')
    return owner.sellerId !== undefined && owner.sellerId === principal.sellerId;
  return owner.customerId !== undefined && owner.customerId === principal.userId;
}
