import { randomBytes } from 'node:crypto';

export function newProductId(): string {
  return `prd_${randomBytes(10).toString('hex')}`;
}

// Seeded demo products have readable ids (prd_demo_mug); generated ones are hex.
export const productIdPattern = /^prd_[a-z0-9_]{1,40}$/;
