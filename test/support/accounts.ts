import { randomInt } from 'node:crypto';
import { call } from './http';
import { uniqueId } from './services';

export interface Account {
  token: string;
  userId: string;
  sellerId?: string;
  email: string;
  password: string;
  auth: Record<string, string>;
}

/** Registers a fresh account through the API, as a storefront or seller portal would. */
export async function register(baseUrl: string, role: 'buyer' | 'seller'): Promise<Account> {
  const email = `${uniqueId(role)}@example.test`;
  const password = 'correct horse battery';
  const res = await call<{ token: string; userId: string; sellerId?: string }>(
    baseUrl,
    'POST',
    '/auth/register',
    {
      body: { email, password, role, name: `Test ${role}` },
      // Each test account signs up from its own address, so the suite never trips the per-IP sign-up limit.
      headers: { 'x-forwarded-for': `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}` },
    },
  );
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    ...res.body,
    email,
    password,
    auth: { authorization: `Bearer ${res.body.token}` },
  };
}
