import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { isDuplicateKeyError } from '../../integrations/collections';
import type { Services } from '../../integrations/services';
import { newUserId, normalizeEmail, sellerIdFor } from '../auth/accounts';
import { decoyHash, hashPassword, verifyPassword } from '../auth/passwords';
import { issueToken, tokenKeysOf, type Principal } from '../auth/tokens';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { loginDelay, loginFailed, loginSucceeded } from '../login-throttle';
import { hit, perIp, refund, tooMany, type Limit } from '../rate-limit';
import { validBody } from '../validation';
import { noStore } from '../no-store';

const tokenTtlSeconds = 12 * 3600;

const email = z.string().trim().email().max(254);
const password = z.string().min(10, 'at least 10 characters').max(200);

export const registerBody = z
  .object({ email, password, role: z.enum(['buyer', 'seller']), name: z.string().trim().min(1).max(120) })
  .strict()
  .openapi('Register');
export const loginBody = z
  .object({ email, password: z.string().min(1).max(200) })
  .strict()
  .openapi('Login');
const session = z
  .object({
    token: z.string(),
    expiresIn: z.number().int(),
    userId: z.string(),
    role: z.enum(['buyer', 'seller', 'ops']),
    sellerId: z.string().optional(),
  })
  .openapi('Session');

export type LoginHook = (principal: Principal, req: Request) => Promise<void>;

export function authRouter(services: Services, registry: OpenAPIRegistry, onLogin: LoginHook[] = []): Router {
  const { collections, redis, env } = services;
  const router = Router();
  const loginAccountLimit: Limit = {
    name: 'login-account',
    max: env.LOGIN_FAILURES_PER_ACCOUNT,
    windowMs: 15 * 60_000,
  };
  router.use('/auth', noStore);
  const keys = tokenKeysOf(env);
  const sessionFor = async (principal: Principal) => ({
    token: await issueToken(principal, keys, tokenTtlSeconds),
    expiresIn: tokenTtlSeconds,
    ...principal,
  });

  registry.registerPath({
    method: 'post',
    path: '/auth/register',
    summary:
      'Register a buyer or seller account (staff accounts come from configuration); a guest cart named by ' +
      'X-Cart-Id or the cart_id cookie is merged into the new buyer account',
    request: { body: { content: { 'application/json': { schema: registerBody } } } },
    responses: {
      201: { description: 'Registered and signed in', content: { 'application/json': { schema: session } } },
      ...problemResponses(409, 415, 422, 429),
    },
  });
  router.post(
    '/auth/register',
    perIp(redis, { name: 'register-ip', max: 20, windowMs: 60_000 }),
    validBody(registerBody),
    async (req, res) => {
      const body = req.body as z.infer<typeof registerBody>;
      const userId = newUserId();
      const principal: Principal = {
        userId,
        role: body.role,
        ...(body.role === 'seller' ? { sellerId: sellerIdFor(userId) } : {}),
      };
      try {
        await collections.users.insertOne({
          _id: userId,
          email: normalizeEmail(body.email),
          role: body.role,
          name: body.name,
          passwordHash: await hashPassword(body.password),
          ...(principal.sellerId ? { sellerId: principal.sellerId } : {}),
          createdAt: new Date(),
        });
      } catch (error) {
        if (isDuplicateKeyError(error)) {
          throw new HttpProblem(409, 'email-taken', 'An account with this email already exists');
        }
        throw error;
      }
      // Signing up signs in: a guest cart named by the request joins the new account as it would at login.
      for (const hook of onLogin) await hook(principal, req);
      res.status(201).json(await sessionFor(principal));
    },
  );

  registry.registerPath({
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in; a guest cart named by X-Cart-Id is merged into the account',
    request: { body: { content: { 'application/json': { schema: loginBody } } } },
    responses: {
      200: { description: 'Signed in', content: { 'application/json': { schema: session } } },
      ...problemResponses(401, 415, 422, 429),
    },
  });
  router.post(
    '/auth/login',
    perIp(redis, { name: 'login-ip', max: 30, windowMs: 60_000 }),
    validBody(loginBody),
    async (req, res) => {
      const body = req.body as z.infer<typeof loginBody>;
      const address = normalizeEmail(body.email);
      const client = req.ip ?? 'unknown';
      // Wrong passwords slow down this (account, address) pair only, more with each one; even the right
      // password waits here then, or the guesser would learn it from the different answer.
      const waitMs = await loginDelay(redis, address, client);
      if (waitMs > 0) {
        const retryAfterS = Math.ceil(waitMs / 1000);
        res.set('Retry-After', String(retryAfterS));
        throw tooMany(retryAfterS, 'wrong passwords for this account from this address');
      }
      // And a large budget per account over all addresses, for a botnet spreading guesses.
      const account = await hit(redis, loginAccountLimit, address);
      if (!account.allowed) {
        res.set('Retry-After', String(account.retryAfterS));
        throw tooMany(account.retryAfterS, 'sign-in attempts for this account');
      }
      const user = await collections.users.findOne({ email: address });
      const valid = await verifyPassword(body.password, user?.passwordHash ?? decoyHash);
      if (!user || !valid) {
        await loginFailed(redis, address, client);
        throw new HttpProblem(401, 'invalid-credentials', 'Email or password is wrong');
      }
      // Only failures spend the budgets; otherwise an owner who signs in often locks themself out.
      await Promise.all([refund(redis, loginAccountLimit, address), loginSucceeded(redis, address, client)]);
      const principal: Principal = {
        userId: user._id,
        role: user.role,
        ...(user.sellerId ? { sellerId: user.sellerId } : {}),
      };
      for (const hook of onLogin) await hook(principal, req);
      res.json(await sessionFor(principal));
    },
  );

  return router;
}
