import { randomInt } from 'node:crypto';
import { ensureOpsAccount } from '../../accounts/ops-account';
import type { Services } from '../../integrations/services';
import { call } from './http';
import { uniqueId } from './services';

// Each test account signs up and logs in from its own address, so the suite never trips per-IP limits.
export function clientAddress(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

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
      headers: { 'x-forwarded-for': clientAddress() },
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

/** The staff account the API (re)creates at start, logged in: its bearer token. */
export async function opsToken(baseUrl: string, services: Services): Promise<string> {
  await ensureOpsAccount(services.collections, services.env);
  const login = await call<{ token: string }>(baseUrl, 'POST', '/auth/login', {
    body: { email: services.env.OPS_EMAIL, password: services.env.OPS_PASSWORD },
    headers: { 'x-forwarded-for': clientAddress() },
  });
  if (login.status !== 200)
    throw new Error(`ops login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body.token;
}

/** Headers for ops-only endpoints. */
export async function opsAuth(baseUrl: string, services: Services): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await opsToken(baseUrl, services)}` };
}

/**
 * A seller account already past onboarding (active at Stripe, approved by ops), for tests about what comes
 * after it; the onboarding workflow itself is tested on its own.
 */
export async function registerApprovedSeller(baseUrl: string, services: Services): Promise<Account> {
  const seller = await register(baseUrl, 'seller');
  await services.collections.sellers.insertOne({
    _id: seller.sellerId ?? '',
    name: 'Approved test seller',
    email: seller.email,
    status: 'active',
    approval: 'approved',
    createdAt: new Date(),
  });
  return seller;
}
