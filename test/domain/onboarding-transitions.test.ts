import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  accountEventVerdict,
  approvalAfter,
  closedRetentionMs,
  standingNoticeOf,
  wakeAtOf,
  wakeStepOf,
} from '../../domain/onboarding';

describe('which onboarding transitions the workflow takes', () => {
  test('an ops decision approves or rejects', () => {
    assert.equal(approvalAfter('approve'), 'approved');
    assert.equal(approvalAfter('reject'), 'rejected');
  });

  test('only an approved seller hears of losing and regaining the right to sell', () => {
    const cases: Array<[Parameters<typeof standingNoticeOf>, string | undefined]> = [
      [['approved', 'active', 'restricted'], 'restricted'],
      [['approved', 'restricted', 'active'], 'reinstated'],
      [['approved', 'active', 'active'], undefined],
      [['approved', 'pending_verification', 'active'], undefined],
      [['approved', 'active', 'rejected'], undefined],
      [['pending', 'active', 'restricted'], undefined],
      [['pending', 'restricted', 'active'], undefined],
      [['rejected', 'active', 'restricted'], undefined],
    ];
    for (const [args, expected] of cases) assert.equal(standingNoticeOf(...args), expected, args.join(' '));
  });

  test("Stripe's events: another account's or a repeat is ignored, an older one is stale", () => {
    const applied = { stripeAccountId: 'acct_1', recentEventIds: ['evt_1'], lastEventCreated: 100 };
    const event = (accountId: string, eventId: string, created: number) => ({ accountId, eventId, created });
    assert.equal(accountEventVerdict(applied, event('acct_2', 'evt_2', 200)), 'ignore');
    assert.equal(accountEventVerdict(applied, event('acct_1', 'evt_1', 200)), 'ignore');
    assert.equal(accountEventVerdict(applied, event('acct_1', 'evt_2', 99)), 'stale');
    assert.equal(accountEventVerdict(applied, event('acct_1', 'evt_2', 100)), 'apply');
    assert.equal(accountEventVerdict(applied, event('acct_1', 'evt_2', 101)), 'apply');
    // Before the account exists, no event can name it.
    assert.equal(
      accountEventVerdict({ recentEventIds: [], lastEventCreated: 0 }, event('acct_1', 'evt_1', 1)),
      'ignore',
    );
  });

  test('a waiting onboarding wakes at its stall deadline, or when a closed one is retired', () => {
    const remind = { kind: 'remind' as const, atMs: 5_000 };
    const giveUp = { kind: 'give_up' as const, atMs: 9_000 };
    assert.equal(wakeStepOf(remind), 'remind');
    assert.equal(wakeStepOf(giveUp), 'give_up');
    assert.equal(wakeStepOf(undefined), 'retire');
    assert.equal(wakeAtOf(remind, undefined), 5_000);
    assert.equal(wakeAtOf(undefined, 1_000), 1_000 + closedRetentionMs);
    assert.equal(wakeAtOf(undefined, undefined), undefined, 'a live, submitted seller waits for events only');
  });
});
