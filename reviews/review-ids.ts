import { createHash } from 'node:crypto';

export const reviewIdPattern = /^rev_[A-Za-z0-9_-]{22}$/;

/**
 * One review per item bought: the id is derived from the order and the product (an order has one buyer),
 * so a second review of the same item collides on _id. It is a hash so the public id never shows the order.
 */
export function reviewIdFor(orderId: string, productId: string): string {
  const digest = createHash('sha256').update(`${orderId}\n${productId}`).digest('base64url');
  return `rev_${digest.slice(0, 22)}`;
}
