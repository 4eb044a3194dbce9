import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request } from 'express';
import { normalizeEmail } from '../../accounts/account-ids';
import { checkCredentials } from '../../accounts/credentials';
import type { Principal } from '../../accounts/principal';
import { EmailTakenError, registerAccount } from '../../accounts/registration';
import { openSession, tokenKeysOf } from '../../accounts/session-tokens';
import type { Services } from '../../integrations/services';
import { loginThrottle } from '../login-throttle';
import { noStore } from '../no-store';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { perIp } from '../rate-limit';
import { declareRoute } from '../route';
import { loginBody, registerBody, sessionView } from '../schemas-account';

/** Runs at every sign-in, sign-up included (the guest cart joins the account). */
export type LoginHook = (principal: Principal, req: Request) => Promise<void>;

/** Sign-up and sign-in: each answers a session token; the account commands live in accounts/. */
export function authRouter(services: Services, registry: OpenAPIRegistry, onLogin: LoginHook[] = []): Router {
  const { collections, redis, env } = services;
  const table = { router: Router(), registry };
  const keys = tokenKeysOf(env);
  const throttle = loginThrottle(redis, env);
  table.router.use('/auth', noStore);

  declareRoute(table, {
    method: 'post',
    path: '/auth/register',
    summary:
      'Register a buyer or seller account (staff accounts come from configuration); a guest cart named by ' +
      'X-Cart-Id or the cart_id cookie is merged into the new buyer account',
    before: [perIp(redis, { name: 'register-ip', max: 20, windowMs: 60_000 })],
    body: registerBody,
    responses: {
      201: {
        description: 'Registered and signed in',
        content: { 'application/json': { schema: sessionView } },
      },
      ...problemResponses(409, 415, 422, 429),
    },
    async handle({ body }, req, res) {
      const principal = await registerAccount(collections, body).catch((error: unknown) => {
        if (error instanceof EmailTakenError) throw new HttpProblem(409, 'email-taken', error.message);
        throw error;
      });
      // Signing up signs in: a guest cart named by the request joins the new account as it would at login.
      for (const hook of onLogin) await hook(principal, req);
      res.status(201).json(await openSession(principal, keys));
    },
  });

  declareRoute(table, {
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in; a guest cart named by X-Cart-Id is merged into the account',
    before: [perIp(redis, { name: 'login-ip', max: 30, windowMs: 60_000 })],
    body: loginBody,
    responses: {
      200: { description: 'Signed in', content: { 'application/json': { schema: sessionView } } },
      ...problemResponses(401, 415, 422, 429),
    },
    async handle({ body }, req, res) {
      const account = normalizeEmail(body.email);
      const address = req.ip ?? 'unknown';
      await throttle.admit(account, address, res);
      const principal = await checkCredentials(collections, account, body.password);
      if (!principal) {
        await throttle.failed(account, address);
        throw new HttpProblem(401, 'invalid-credentials', 'Email or password is wrong');
      }
      await throttle.succeeded(account, address);
      for (const hook of onLogin) await hook(principal, req);
      res.json(await openSession(principal, keys));
    },
  });

  return table.router;
}
