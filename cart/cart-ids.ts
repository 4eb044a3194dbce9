import { randomBytes } from 'node:crypto';

// A cart is named by who owns it. A buyer's cart id follows from the account, so it can never be named by
// anyone else; a guest's is 128 random bits minted by the server, so it cannot be guessed or chosen.

export const guestCartIdPattern = /^guest:[0-9a-f]{32}$/;
export const cartCookieName = 'cart_id';
export const cartTtlMs = 30 * 24 * 3600 * 1000;

export function buyerCartId(userId: string): string {
  return `buyer:${userId}`;
}

export function newGuestCartId(): string {
  return `guest:${randomBytes(16).toString('hex')}`;
}

export function isGuestCartId(value: string): boolean {
  return guestCartIdPattern.test(value);
}

/** One cookie's value from a Cookie header (RFC 6265 pairs separated by ";"), without a cookie package. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== name) continue;
    let value = pair.slice(at + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function guestCartCookie(cartId: string, secure: boolean): string {
  const maxAge = Math.floor(cartTtlMs / 1000);
  const attributes = `HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
  return `${cartCookieName}=${cartId}; ${attributes}`;
}
