import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decoyHash, hashPassword, verifyPassword } from '../accounts/passwords';
import { SignJWT, UnsecuredJWT } from 'jose';
import { issueToken, tokenKeys, tokenKeysOf, verifyToken, type TokenKeys } from '../accounts/session-tokens';
import type { Services } from '../integrations/services';
import { call, connectTestServices, eventually, startApi, uniqueId, type RunningApi } from './support/stack';

interface Session {
  token: string;
  expiresIn: number;
  userId: string;
  role: string;
  sellerId?: string;
}
interface Problem {
  type: string;
  title: string;
  status: number;
  errors?: { field: string }[];
  retryAfterSeconds?: number;
}

const problem = (type: string) => `https://marketplace.dev/problems/${type}`;
const password = 'correct horse battery';

// The API trusts loopback proxies, so X-Forwarded-For names the client: every test is its own address and
// never spends (or is refused by) the budget other tests share.
const clientIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('accounts and sign-in through the API', () => {
  let services: Services;
  let api: RunningApi;

  before(async () => {
    services = await connectTestServices();
    api = await startApi(services);
  });

  after(async () => {
    await api.stop();
    await services.close();
  });

  const register = (body: Record<string, unknown>, ip = clientIp()) =>
    call<Session & Problem>(api.baseUrl, 'POST', '/auth/register', {
      body,
      headers: { 'x-forwarded-for': ip },
    });
  const login = (body: Record<string, unknown>, ip = clientIp()) =>
    call<Session & Problem>(api.baseUrl, 'POST', '/auth/login', { body, headers: { 'x-forwarded-for': ip } });
  const newEmail = () => `${uniqueId('auth')}@example.test`;
  // An authenticated request whose answer tells whether the token was accepted: 404 (no such order) when it
  // was, 401 when it was not.
  const probe = (token: string) =>
    call<Problem>(api.baseUrl, 'GET', '/orders/ord_000000000aaaaaaaaaaaaaaaa', {
      headers: { authorization: `Bearer ${token}` },
    });

  test('register, then sign in with the same password; the tokens carry the role', async () => {
    const email = newEmail();
    const registered = await register({ email, password, role: 'seller', name: 'Ada Seller' });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    assert.equal(registered.body.role, 'seller');
    assert.match(registered.body.userId, /^usr_/);
    assert.equal(registered.body.sellerId, `sel_${registered.body.userId.slice(4)}`);
    assert.equal(registered.body.expiresIn, 12 * 3600);
    assert.equal((await probe(registered.body.token)).status, 404);

    const stored = await services.collections.users.findOne({ _id: registered.body.userId });
    assert.match(stored?.passwordHash ?? '', /^scrypt\$32768\$8\$1\$/);
    assert.ok(!JSON.stringify(stored).includes(password), 'the password is never stored');

    const signedIn = await login({ email: email.toUpperCase(), password });
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    assert.equal(signedIn.body.userId, registered.body.userId);
    assert.equal(signedIn.body.sellerId, registered.body.sellerId);
    assert.deepEqual(await verifyToken(signedIn.body.token, tokenKeysOf(services.env)), {
      userId: registered.body.userId,
      role: 'seller',
      sellerId: registered.body.sellerId,
    });
  });

  test('an email registers once, whatever its case; staff roles cannot be registered', async () => {
    const email = newEmail();
    assert.equal((await register({ email, password, role: 'buyer', name: 'First' })).status, 201);
    const again = await register({
      email: ` ${email.toUpperCase()} `,
      password,
      role: 'seller',
      name: 'Second',
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.type, problem('email-taken'));
    assert.equal(await services.collections.users.countDocuments({ email }), 1);

    const ops = await register({ email: newEmail(), password, role: 'ops', name: 'Mallory' });
    assert.equal(ops.status, 422);
    assert.ok(ops.body.errors?.some((e) => e.field === 'role'));
    const short = await register({ email: newEmail(), password: 'short', role: 'buyer', name: 'X' });
    assert.equal(short.status, 422);
    assert.ok(short.body.errors?.some((e) => e.field === 'password'));
    const notEmail = await register({ email: 'not-an-email', password, role: 'buyer', name: 'X' });
    assert.ok(notEmail.body.errors?.some((e) => e.field === 'email'));
  });

  test('a wrong password and an unknown email get the same 401, through the same hashing', async () => {
    const email = newEmail();
    await register({ email, password, role: 'buyer', name: 'Bea' });
    const wrong = await login({ email, password: 'not the password' });
    const unknown = await login({ email: newEmail(), password: 'not the password' });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(wrong.body, unknown.body, 'nothing tells a registered address from an unknown one');
    assert.equal(wrong.body.type, problem('invalid-credentials'));

    // No timing assertion (that belongs in bench/): instead the decoy must cost exactly what a real hash
    // costs, i.e. carry the same scrypt parameters and key length, and really be verified (not skipped).
    const real = (await hashPassword(password)).split('$');
    const decoy = decoyHash.split('$');
    assert.deepEqual(decoy.slice(0, 4), real.slice(0, 4));
    assert.equal(
      Buffer.from(decoy[5] ?? '', 'base64url').length,
      Buffer.from(real[5] ?? '', 'base64url').length,
    );
    assert.equal(await verifyPassword(password, decoyHash), false);
  });

  test('expired, forged and malformed tokens are 401, never a guest', async () => {
    const registered = await register({ email: newEmail(), password, role: 'buyer', name: 'Tok' });
    const keys = tokenKeysOf(services.env);
    const principal = { userId: registered.body.userId, role: 'buyer' as const };
    const expired = await issueToken(principal, keys, 60, Date.now() - 2 * 3600_000);
    const otherSecret = await issueToken(
      principal,
      tokenKeys({ ...keys, secret: 'not-the-secret-at-all', clockToleranceSeconds: 0 }),
      3600,
    );
    const otherAudience = await issueToken(principal, { ...keys, audience: 'another-api' }, 3600);
    const otherIssuer = await issueToken(principal, { ...keys, issuer: 'someone-else' }, 3600);
    const [head, payload, signature] = registered.body.token.split('.');
    const asOps = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), role: 'ops' }),
    ).toString('base64url');
    const elevated = `${head}.${asOps}.${signature}`;
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;

    const unsecured = new UnsecuredJWT({ role: 'ops' })
      .setSubject(principal.userId)
      .setIssuer(keys.issuer)
      .setAudience(keys.audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    const tokens = {
      expired,
      otherSecret,
      otherAudience,
      otherIssuer,
      elevated,
      none,
      unsecured,
      junk: 'a.b.c',
    };
    for (const [what, token] of Object.entries(tokens)) {
      const res = await probe(token);
      assert.equal(res.status, 401, what);
      assert.equal(res.body.type, problem('invalid-token'), what);
    }
    const notBearer = await call<Problem>(api.baseUrl, 'GET', '/orders/ord_000000000aaaaaaaaaaaaaaaa', {
      headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    assert.equal(notBearer.status, 401);
    assert.equal((await probe(registered.body.token)).status, 404, 'the genuine token still works');
  });

  test('sign-in is limited per address: the 31st attempt in a minute is a 429 with Retry-After', async () => {
    const ip = clientIp();
    // Every attempt counts, even a malformed one, so a flood of junk cannot probe for free.
    for (let i = 0; i < 30; i += 1) assert.equal((await login({}, ip)).status, 422);
    const email = newEmail();
    await register({ email, password, role: 'buyer', name: 'Lim' });
    const limited = await login({ email, password }, ip);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.type, problem('rate-limited'));
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
      `Retry-After ${retryAfter}`,
    );
    assert.equal(limited.body.retryAfterSeconds, retryAfter);
    assert.equal((await login({ email, password })).status, 200, 'another address is not limited');
  });

  test('registration is limited per address too', async () => {
    const ip = clientIp();
    for (let i = 0; i < 20; i += 1) assert.equal((await register({}, ip)).status, 422);
    const limited = await register({ email: newEmail(), password, role: 'buyer', name: 'Reg' }, ip);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  });

  test('wrong passwords from one address slow that address only, more each time; the owner signs in from elsewhere', async () => {
    const email = newEmail();
    await register({ email, password, role: 'buyer', name: 'Target' });
    const attacker = clientIp();
    const answers: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      answers.push((await login({ email, password: `guess number ${i}` }, attacker)).status);
    }
    // Five free tries, the sixth starts a wait; tries during the wait are refused without being judged.
    assert.deepEqual(answers, [401, 401, 401, 401, 401, 401, 429, 429, 429, 429]);
    const blocked = await login({ email, password }, attacker);
    assert.equal(blocked.status, 429, 'even the right password waits on that address, so it is not learned');
    assert.equal(blocked.body.type, problem('rate-limited'));
    const firstWait = Number(blocked.headers.get('retry-after'));
    assert.ok(firstWait >= 1 && firstWait <= 2, `Retry-After ${firstWait}`);

    // Ten wrong passwords from the attacker lock nobody else out: the owner signs in from their address.
    const owner = await login({ email, password });
    assert.equal(owner.status, 200, JSON.stringify(owner.body));

    // After the wait, the next wrong password from the attacker doubles it.
    await eventually(
      async () => ((await login({ email, password: 'x' }, attacker)).status === 401 ? true : undefined),
      {
        what: 'the first wait to pass',
        intervalMs: 250,
      },
    );
    const second = await login({ email, password }, attacker);
    assert.equal(second.status, 429);
    assert.ok(Number(second.headers.get('retry-after')) > firstWait, 'the delay grows');
  });

  test('guessing one account from many addresses meets the per-account budget; its owner is not charged for signing in', async () => {
    const strict = await startApi({ ...services, env: { ...services.env, LOGIN_FAILURES_PER_ACCOUNT: 10 } });
    const loginThere = (body: Record<string, unknown>, ip = clientIp()) =>
      call<Session & Problem>(strict.baseUrl, 'POST', '/auth/login', {
        body,
        headers: { 'x-forwarded-for': ip },
      });
    try {
      const email = newEmail();
      await register({ email, password, role: 'buyer', name: 'Target' });
      // The owner signing in often spends nothing of the budget.
      for (let i = 0; i < 12; i += 1) assert.equal((await loginThere({ email, password })).status, 200);
      for (let i = 0; i < 10; i += 1) {
        assert.equal((await loginThere({ email, password: `guess number ${i}` })).status, 401);
      }
      const limited = await loginThere({ email, password: 'guess number 10' });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 60, 'the account window is 15 minutes');
      const bystander = newEmail();
      await register({ email: bystander, password, role: 'buyer', name: 'Other' });
      assert.equal((await loginThere({ email: bystander, password })).status, 200);
    } finally {
      await strict.stop();
    }
  });
});

describe('bearer token rules (jose, HS256)', () => {
  const settings = { issuer: 'marketplace', audience: 'marketplace-api', clockToleranceSeconds: 30 };
  const oldSecret = 'the-old-secret-of-the-marketplace';
  const newSecret = 'the-new-secret-of-the-marketplace';
  const buyer = { userId: 'usr_tokenrules', role: 'buyer' as const };
  const seller = { userId: 'usr_tokenseller', role: 'seller' as const, sellerId: 'sel_tokenseller' };
  const before = tokenKeys({ ...settings, secret: oldSecret });
  const during = tokenKeys({ ...settings, secret: newSecret, previousSecret: oldSecret });
  const after = tokenKeys({ ...settings, secret: newSecret });
  const decodedHeader = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<string, unknown>;
  const decodedClaims = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

  test('a token names its key, issuer, audience and expiry, and carries the principal back', async () => {
    const token = await issueToken(seller, before, 3600);
    assert.deepEqual(decodedHeader(token), { alg: 'HS256', typ: 'JWT', kid: before.current.kid });
    const claims = decodedClaims(token);
    assert.equal(claims.iss, 'marketplace');
    assert.equal(claims.aud, 'marketplace-api');
    assert.equal(claims.sub, seller.userId);
    assert.equal(Number(claims.exp) - Number(claims.iat), 3600);
    assert.deepEqual(await verifyToken(token, before), seller);
  });

  test('expired is refused, past the clock tolerance and not within it', async () => {
    const now = Date.now();
    const token = await issueToken(buyer, before, 60, now);
    assert.deepEqual(await verifyToken(token, before, now + 60_000 + 10_000), buyer, '10 s late: tolerated');
    assert.equal(await verifyToken(token, before, now + 60_000 + 31_000), undefined, '31 s late: expired');
    const strict: TokenKeys = { ...before, clockToleranceSeconds: 0 };
    assert.equal(await verifyToken(token, strict, now + 61_000), undefined);
    // Issued in the future beyond the tolerance (a skewed or forged clock) is refused too.
    const early = await issueToken(buyer, before, 3600, now + 120_000);
    assert.equal(await verifyToken(early, before, now), undefined);
  });

  test('a wrong audience or issuer is refused', async () => {
    const forAnotherApi = await issueToken(buyer, { ...before, audience: 'payments-api' }, 3600);
    const fromAnotherIssuer = await issueToken(buyer, { ...before, issuer: 'not-us' }, 3600);
    assert.equal(await verifyToken(forAnotherApi, before), undefined);
    assert.equal(await verifyToken(fromAnotherIssuer, before), undefined);
  });

  test('rotation: the new key signs, the old key is still accepted as the second key, then retired', async () => {
    const oldToken = await issueToken(buyer, before, 3600);
    const newToken = await issueToken(buyer, during, 3600);
    assert.equal(decodedHeader(newToken).kid, after.current.kid, 'the new key signs');
    assert.notEqual(before.current.kid, after.current.kid);
    assert.deepEqual(await verifyToken(oldToken, during), buyer, 'old tokens keep working during rotation');
    assert.deepEqual(await verifyToken(newToken, during), buyer);
    assert.equal(await verifyToken(newToken, before), undefined, 'a process on the old key alone refuses it');
    assert.equal(await verifyToken(oldToken, after), undefined, 'once retired, the old key is refused');
    assert.deepEqual(await verifyToken(newToken, after), buyer);
  });

  test('alg none, another algorithm, a missing or unknown key id are refused', async () => {
    const claims = { role: 'ops' };
    const unsecured = new UnsecuredJWT(claims)
      .setSubject('usr_x')
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    const sign = (header: { alg: string; kid?: string }) =>
      new SignJWT(claims)
        .setProtectedHeader(header)
        .setSubject('usr_x')
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(oldSecret));
    const hs512 = await sign({ alg: 'HS512', kid: before.current.kid });
    const noKid = await sign({ alg: 'HS256' });
    const unknownKid = await sign({ alg: 'HS256', kid: 'not-a-key' });
    const genuine = await sign({ alg: 'HS256', kid: before.current.kid });
    for (const [what, token] of Object.entries({ unsecured, hs512, noKid, unknownKid })) {
      assert.equal(await verifyToken(token, before), undefined, what);
    }
    assert.equal((await verifyToken(genuine, before))?.role, 'ops', 'the same claims, signed right, pass');
  });
});
