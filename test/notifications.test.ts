import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createNotificationActivities, type NotificationResult } from '../activities/notifications';
import { createEmailSender } from '../integrations/email';
import type { Services } from '../integrations/services';
import { createSmsSender } from '../integrations/sms';
import {
  call,
  connectTestServices,
  opsAuth,
  register,
  startApi,
  testEnv,
  uniqueId,
  type RunningApi,
} from './support/stack';
import { startRecordingServer, type RecordingServer } from './support/recording-server';

const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
const authToken = 'twilio-test-auth-token';

describe('notifications through the official SendGrid and Twilio clients, or the outbox', () => {
  let services: Services;
  let provider: RecordingServer;

  before(async () => {
    services = await connectTestServices();
    provider = await startRecordingServer((request) => {
      if (request.path === '/v3/mail/send') return { status: 202, headers: { 'x-message-id': 'sg-msg-1' } };
      if (request.path.endsWith('/Messages.json')) {
        return { status: 201, body: { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued' } };
      }
      return { status: 404, body: { message: 'no such endpoint' } };
    });
  });

  after(async () => {
    await provider.stop();
    await services.close();
  });

  function activitiesWith(overrides: Record<string, string>) {
    const env = testEnv(overrides);
    return createNotificationActivities({
      collections: services.collections,
      email: createEmailSender(env, services.collections),
      sms: createSmsSender(env, services.collections),
      now: () => new Date(),
    });
  }

  test('an email goes to SendGrid v3 /mail/send as the official client builds it, once per key', async () => {
    const activities = activitiesWith({
      SENDGRID_API_KEY: 'SG.test-key',
      SENDGRID_API_BASE: provider.baseUrl,
      SENDGRID_FROM: 'orders@marketplace.test',
    });
    const to = `${uniqueId('buyer')}@example.test`;
    const key = uniqueId('email');
    const before = provider.requests.length;
    const sent = await activities.sendEmail({
      to,
      template: 'order-confirmed',
      data: { orderId: 'ord_123', total: { amount: 4599, currency: 'USD' } },
      idempotencyKey: key,
    });
    assert.deepEqual(sent, { notificationId: key, provider: 'sendgrid', duplicate: false });

    const recorded = provider.requests.slice(before);
    assert.equal(recorded.length, 1);
    const [request] = recorded;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/v3/mail/send');
    assert.equal(request?.headers.authorization, 'Bearer SG.test-key');
    assert.match(String(request?.headers['content-type']), /^application\/json/);
    const body = JSON.parse(request?.body ?? '{}') as {
      personalizations: Array<{ to: Array<{ email: string }> }>;
      from: { email: string };
      subject: string;
      content: Array<{ type: string; value: string }>;
      custom_args: Record<string, string>;
    };
    assert.deepEqual(body.personalizations[0]?.to, [{ email: to }]);
    assert.equal(body.from.email, 'orders@marketplace.test');
    assert.equal(body.subject, 'Order ord_123 confirmed');
    assert.equal(body.content[0]?.type, 'text/plain');
    assert.match(body.content[0]?.value ?? '', /ord_123 for 45\.99 USD/);
    assert.equal(body.custom_args.idempotencyKey, key);

    const record = await services.collections.notifications.findOne({ _id: key });
    assert.equal(record?.provider, 'sendgrid');
    assert.equal(record?.providerMessageId, 'sg-msg-1');

    // A retried activity (same key) sends nothing more.
    const again = await activities.sendEmail({
      to,
      template: 'order-confirmed',
      data: { orderId: 'ord_123', total: { amount: 4599, currency: 'USD' } },
      idempotencyKey: key,
    });
    assert.equal(again.duplicate, true);
    assert.equal(provider.requests.length, before + 1);
  });

  test("an SMS goes to Twilio's Messages API as the official client builds it", async () => {
    const activities = activitiesWith({
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      TWILIO_API_BASE: provider.baseUrl,
      TWILIO_FROM: '+15005550006',
    });
    const key = uniqueId('sms');
    const before = provider.requests.length;
    const sent = await activities.sendSms({
      to: '+15551234567',
      template: 'order-shipped',
      data: { orderId: 'ord_9', carrier: 'UPS', trackingNumber: '1Z999' },
      idempotencyKey: key,
    });
    assert.equal(sent.provider, 'twilio');
    const [request, ...more] = provider.requests.slice(before);
    assert.equal(more.length, 0);
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, `/2010-04-01/Accounts/${accountSid}/Messages.json`);
    const basic = Buffer.from(`${accountSid}:${authToken}`).toString('base64');
    assert.equal(request?.headers.authorization, `Basic ${basic}`);
    assert.match(String(request?.headers['content-type']), /^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(request?.body);
    assert.equal(form.get('To'), '+15551234567');
    assert.equal(form.get('From'), '+15005550006');
    assert.equal(form.get('Body'), 'Order ord_9 shipped: UPS 1Z999.');

    const record = await services.collections.notifications.findOne({ _id: key });
    assert.equal(record?.providerMessageId, 'SM0123456789abcdef0123456789abcdef');
  });

  test('without provider keys, messages land in the outbox once, and ops can read them', async () => {
    const activities = activitiesWith({});
    const to = `${uniqueId('seller')}@example.test`;
    const key = uniqueId('reminder');
    const input = {
      to,
      template: 'seller-onboarding-reminder' as const,
      data: { businessName: 'Kettle Co', onboardingUrl: 'https://connect.stripe.test/setup/x', reminder: 1 },
      idempotencyKey: key,
    };
    const before = provider.requests.length;
    const [first, second] = await Promise.all([activities.sendEmail(input), activities.sendEmail(input)]);
    assert.equal(first.provider, 'outbox');
    assert.equal(second.provider, 'outbox');
    assert.equal(provider.requests.length, before, 'nothing left the machine');
    const kept = await services.collections.outbox.find({ to }).toArray();
    assert.equal(kept.length, 1);
    assert.equal(kept[0]?._id, key);
    assert.equal(kept[0]?.channel, 'email');
    assert.match(kept[0]?.body ?? '', /https:\/\/connect\.stripe\.test\/setup\/x/);

    const smsKey = uniqueId('sms');
    await activities.sendSms({ ...input, to: '+15550001111', idempotencyKey: smsKey });
    const sms = await services.collections.outbox.findOne({ _id: smsKey });
    assert.equal(sms?.channel, 'sms');
    assert.equal(sms?.body, 'Finish your seller onboarding: https://connect.stripe.test/setup/x');

    const api: RunningApi = await startApi(services);
    try {
      const ops = await opsAuth(api.baseUrl, services);
      const page = await call<{ items: Array<{ id: string; template: string }>; total: number }>(
        api.baseUrl,
        'GET',
        `/ops/outbox?to=${encodeURIComponent(to)}&template=seller-onboarding-reminder`,
        { headers: ops },
      );
      assert.equal(page.status, 200);
      assert.deepEqual(
        page.body.items.map((item) => [item.id, item.template]),
        [[key, 'seller-onboarding-reminder']],
      );
      assert.equal(page.body.total, 1);

      const unknown = await call(api.baseUrl, 'GET', '/ops/outbox?recipient=x', { headers: ops });
      assert.equal(unknown.status, 400);
      const buyer = await register(api.baseUrl, 'buyer');
      const forbidden = await call(api.baseUrl, 'GET', '/ops/outbox', { headers: buyer.auth });
      assert.equal(forbidden.status, 403);
    } finally {
      await api.stop();
    }
  });

  test('a 4xx from SendGrid or Twilio is final and recorded for ops; an outage is retried, then recorded', async () => {
    let answer: { status: number; body: unknown } = {
      status: 400,
      body: { errors: [{ message: 'Does not contain a valid address.' }] },
    };
    const refusing = await startRecordingServer(() => answer);
    try {
      const activities = activitiesWith({
        SENDGRID_API_KEY: 'SG.test-key',
        SENDGRID_API_BASE: refusing.baseUrl,
        TWILIO_ACCOUNT_SID: accountSid,
        TWILIO_AUTH_TOKEN: authToken,
        TWILIO_API_BASE: refusing.baseUrl,
      });
      const email = {
        to: `${uniqueId('not-an-address')}@example.test`,
        template: 'order-delivered' as const,
        data: { orderId: 'ord_5' },
        idempotencyKey: uniqueId('refused'),
        attempts: 4,
      };
      await assert.rejects(
        activities.sendEmail(email),
        (error: { type?: string; nonRetryable?: boolean }) =>
          error.type === 'NotificationRejected' && error.nonRetryable === true,
      );
      const refused = await services.collections.notifications.findOne({ _id: email.idempotencyKey });
      assert.equal(refused?.status, 'failed');
      assert.match(refused?.failureReason ?? '', /sendgrid refused the message \(400\)/);
      const api = await startApi(services);
      try {
        const listed = await call<{ items: Array<{ id: string; failureReason: string }> }>(
          api.baseUrl,
          'GET',
          `/ops/notifications/failed?to=${encodeURIComponent(email.to)}`,
          { headers: await opsAuth(api.baseUrl, services) },
        );
        assert.equal(listed.status, 200);
        assert.deepEqual(
          listed.body.items.map((item) => item.id),
          [email.idempotencyKey],
        );
      } finally {
        await api.stop();
      }

      // An outage (5xx) is left to the workflow's retries; only the last attempt records the failure.
      answer = { status: 503, body: { message: 'unavailable' } };
      const sms = { ...email, to: '+15551230000', idempotencyKey: uniqueId('outage') };
      const attempt = (n: number): Promise<NotificationResult> =>
        new MockActivityEnvironment({ attempt: n }).run(() => activities.sendSms(sms));
      await assert.rejects(attempt(1), (error: { nonRetryable?: boolean }) => error.nonRetryable !== true);
      assert.equal(await services.collections.notifications.findOne({ _id: sms.idempotencyKey }), null);
      await assert.rejects(attempt(4));
      const givenUp = await services.collections.notifications.findOne({ _id: sms.idempotencyKey });
      assert.equal(givenUp?.status, 'failed');

      // Sent later under the same key (ops re-drive it): the record becomes a sent one.
      answer = { status: 201, body: { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued' } };
      const sent = await attempt(1);
      assert.equal(sent.duplicate, false);
      const record = await services.collections.notifications.findOne({ _id: sms.idempotencyKey });
      assert.equal(record?.status, 'sent');
      assert.equal(record?.failureReason, undefined);
    } finally {
      await refusing.stop();
    }
  });

  test('an unknown template is a business failure, not something to retry', async () => {
    const activities = activitiesWith({});
    await assert.rejects(
      activities.sendEmail({
        to: 'x@example.test',
        template: 'no-such-template' as 'order-delivered',
        data: { orderId: 'ord_1' },
        idempotencyKey: uniqueId('bad'),
      }),
      (error: { type?: string; nonRetryable?: boolean }) =>
        error.type === 'UnknownTemplate' && error.nonRetryable === true,
    );
  });

  test("a provider's 4xx is final, its 429 and 5xx are retried", async () => {
    const answers: Record<string, number> = { rejected: 400, busy: 429, down: 503 };
    const picky = await startRecordingServer((request) => {
      const what = Object.keys(answers).find((word) => request.body.includes(word));
      const status = what ? (answers[what] ?? 500) : 202;
      if (request.path.endsWith('/Messages.json')) {
        return status === 202
          ? { status: 201, body: { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued' } }
          : { status, body: { code: 21211, message: 'The To number is not valid', status } };
      }
      return status === 202
        ? { status: 202, headers: { 'x-message-id': 'sg-msg-2' } }
        : { status, body: { errors: [{ message: 'does not contain a valid address', field: 'to' }] } };
    });
    try {
      const activities = activitiesWith({
        SENDGRID_API_KEY: 'SG.test-key',
        SENDGRID_API_BASE: picky.baseUrl,
        TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
        TWILIO_AUTH_TOKEN: 'twilio-test-token',
        TWILIO_API_BASE: picky.baseUrl,
      });
      const email = (word: string) =>
        activities.sendEmail({
          to: `${word}-${uniqueId('to')}@example.test`,
          template: 'order-delivered',
          data: { orderId: 'ord_1' },
          idempotencyKey: uniqueId('email'),
        });
      const final = (error: { type?: string; nonRetryable?: boolean }) =>
        error.type === 'NotificationRejected' && error.nonRetryable === true;
      const passing = (error: { type?: string; nonRetryable?: boolean }) =>
        error.type !== 'NotificationRejected' && error.nonRetryable !== true;
      await assert.rejects(email('rejected'), final);
      await assert.rejects(email('busy'), passing);
      await assert.rejects(email('down'), passing);
      await assert.rejects(
        activities.sendSms({
          to: '+15005550001',
          template: 'order-delivered',
          data: { orderId: 'ord_rejected' },
          idempotencyKey: uniqueId('sms'),
        }),
        final,
      );
    } finally {
      await picky.stop();
    }
  });
});
