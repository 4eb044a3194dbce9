import { ApplicationFailure, proxyActivities, setHandler } from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import type { AuthorizationOutcome } from '../activities/payments';
import type { SubOrderTotals } from '../domain/order-totals';
import { type PaymentOutcome, confirmPaymentUpdate, submitPaymentUpdate } from './order-definitions';

const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

/**
 * The order's payment step: one manual-capture authorization per seller's sub-order, so each part is
 * captured when it ships and released if it never does. The storefront drives it through updates; a
 * declined card may be retried with another until the stock hold expires. Only one attempt runs at a time.
 */
export class OrderPayment {
  readonly authorized: Record<string, string> = {};
  private attempt = 0;
  private busy = false;
  private paymentMethodId?: string;
  private pendingAction?: { sellerId: string; paymentIntentId: string };

  constructor(
    private readonly orderId: string,
    private readonly customerId: string,
    private readonly parts: SubOrderTotals[],
    private readonly isOpen: () => boolean,
    /**
     * How the parts are asked: one after another (the first shape), side by side as one activity each
     * (lean orders of version 2), or all in one activity (version 3 on).
     */
    private readonly asking: 'one-by-one' | 'side-by-side' | 'in-one-step' = 'one-by-one',
  ) {}

  done(): boolean {
    return this.parts.every((part) => this.authorized[part.sellerId]);
  }

  listen(onOutcome: (outcome: PaymentOutcome) => void): void {
    const validator = (kind: 'submit' | 'confirm') => () => {
      if (!this.isOpen()) throw new Error('this order is not waiting for payment');
      if (this.busy) throw new Error('a payment attempt for this order is already in progress');
      if (kind === 'confirm' && !this.pendingAction)
        throw new Error('no payment is waiting for customer action');
    };
    setHandler(
      submitPaymentUpdate,
      async ({ paymentMethodId }) => {
        const outcome = await this.exclusive(() => this.submit(paymentMethodId));
        onOutcome(outcome);
        return outcome;
      },
      {
        validator: (args: { paymentMethodId: string }) => {
          validator('submit')();
          if (!/^pm_\w{1,64}$/.test(args.paymentMethodId))
            throw new Error('paymentMethodId must look like pm_...');
        },
      },
    );
    setHandler(
      confirmPaymentUpdate,
      async () => {
        const outcome = await this.exclusive(() => this.confirm());
        onOutcome(outcome);
        return outcome;
      },
      { validator: validator('confirm') },
    );
  }

  async submit(paymentMethodId: string): Promise<PaymentOutcome> {
    this.attempt += 1;
    this.paymentMethodId = paymentMethodId;
    this.pendingAction = undefined;
    return this.authorizeRemaining();
  }

  /** Every authorization this order holds, for the saga to void if the order does not go through. */
  async voidAll(): Promise<void> {
    if (this.asking !== 'one-by-one') {
      await Promise.all(
        Object.values(this.authorized).map((paymentIntentId) =>
          act.cancelPaymentAuthorization({ paymentIntentId, idempotencyKey: `void-${paymentIntentId}` }),
        ),
      );
      return;
    }
    for (const paymentIntentId of Object.values(this.authorized)) {
      await act.cancelPaymentAuthorization({ paymentIntentId, idempotencyKey: `void-${paymentIntentId}` });
    }
  }

  private async exclusive(run: () => Promise<PaymentOutcome>): Promise<PaymentOutcome> {
    this.busy = true;
    try {
      return await run();
    } finally {
      this.busy = false;
    }
  }

  private async confirm(): Promise<PaymentOutcome> {
    const pending = this.pendingAction;
    if (!pending) return { status: 'declined', reason: 'nothing to confirm' };
    const outcome = await act.paymentStatus({ paymentIntentId: pending.paymentIntentId });
    if (outcome.kind === 'authorized') {
      this.authorized[pending.sellerId] = outcome.paymentIntentId;
      this.pendingAction = undefined;
      return this.authorizeRemaining();
    }
    if (outcome.kind === 'requires_action') {
      return {
        status: 'requires_action',
        paymentIntentId: outcome.paymentIntentId,
        clientSecret: outcome.clientSecret,
      };
    }
    return this.decline(outcome.reason);
  }

  private async authorizeRemaining(): Promise<PaymentOutcome> {
    const paymentMethodId = this.paymentMethodId;
    if (!paymentMethodId) return { status: 'declined', reason: 'no payment method' };
    if (this.asking === 'in-one-step') return this.authorizeInOneStep(paymentMethodId);
    if (this.asking === 'side-by-side') return this.authorizeTogether(paymentMethodId);
    for (const part of this.parts) {
      if (this.authorized[part.sellerId]) continue;
      const outcome = await act.authorizePayment({
        orderId: this.orderId,
        sellerId: part.sellerId,
        customerId: this.customerId,
        amount: part.total,
        paymentMethodId,
        // Per attempt: a retry with another card must be a new authorization, a replay of this one must not.
        idempotencyKey: `order-${this.orderId}-${part.sellerId}-authorize-${this.attempt}`,
      });
      if (outcome.kind === 'authorized') {
        this.authorized[part.sellerId] = outcome.paymentIntentId;
      } else if (outcome.kind === 'requires_action') {
        this.pendingAction = { sellerId: part.sellerId, paymentIntentId: outcome.paymentIntentId };
        return {
          status: 'requires_action',
          paymentIntentId: outcome.paymentIntentId,
          clientSecret: outcome.clientSecret,
        };
      } else {
        return this.decline(outcome.reason);
      }
    }
    return { status: 'authorized' };
  }

  /**
   * Every part not yet authorized at once: the parts are independent, so the slowest sets the pace, not
   * their sum. A part that needs 3-D Secure is confirmed first; asking again for the others with the same
   * attempt's keys returns Stripe's stored answer, so nothing is authorized twice.
   */
  private async authorizeTogether(paymentMethodId: string): Promise<PaymentOutcome> {
    const remaining = this.parts.filter((part) => !this.authorized[part.sellerId]);
    const outcomes = await Promise.all(
      remaining.map((part) =>
        act.authorizePayment({
          orderId: this.orderId,
          sellerId: part.sellerId,
          customerId: this.customerId,
          amount: part.total,
          paymentMethodId,
          idempotencyKey: `order-${this.orderId}-${part.sellerId}-authorize-${this.attempt}`,
        }),
      ),
    );
    return this.settle(
      outcomes.map((outcome, i) => ({ sellerId: remaining[i]?.sellerId ?? '', ...outcome })),
    );
  }

  /**
   * Every part not yet authorized, in one activity that asks Stripe for each part at once under the part's
   * own key: the same answers as side by side, one step in the order's history instead of one per seller.
   * A part Stripe refused (a request of ours it will never take) fails the attempt as the activity failure
   * did before, once this attempt's other authorizations are voided, so none is left open.
   */
  private async authorizeInOneStep(paymentMethodId: string): Promise<PaymentOutcome> {
    const remaining = this.parts.filter((part) => !this.authorized[part.sellerId]);
    const answers = await act.authorizeOrderParts({
      orderId: this.orderId,
      customerId: this.customerId,
      paymentMethodId,
      parts: remaining.map((part) => ({
        sellerId: part.sellerId,
        amount: part.total,
        idempotencyKey: `order-${this.orderId}-${part.sellerId}-authorize-${this.attempt}`,
      })),
    });
    const outcomes: Array<{ sellerId: string } & AuthorizationOutcome> = [];
    let refused: { reason: string; failureType: string } | undefined;
    for (const answer of answers) {
      if (answer.kind === 'refused') refused ??= answer;
      else outcomes.push(answer);
    }
    if (refused) {
      for (const outcome of outcomes) {
        if (outcome.kind === 'authorized') this.authorized[outcome.sellerId] = outcome.paymentIntentId;
      }
      await this.decline(refused.reason);
      throw ApplicationFailure.nonRetryable(refused.reason, refused.failureType);
    }
    return this.settle(outcomes);
  }

  /** The parts' answers to one attempt: a decline wins over a 3-D Secure step, which wins over success. */
  private settle(answers: Array<{ sellerId: string } & AuthorizationOutcome>): Promise<PaymentOutcome> {
    let declined: string | undefined;
    let action: { sellerId: string; paymentIntentId: string; clientSecret: string | null } | undefined;
    for (const answer of answers) {
      if (answer.kind === 'authorized') this.authorized[answer.sellerId] = answer.paymentIntentId;
      else if (answer.kind === 'requires_action') action ??= answer;
      else declined ??= answer.reason;
    }
    if (declined !== undefined) return this.decline(declined);
    if (action) {
      this.pendingAction = { sellerId: action.sellerId, paymentIntentId: action.paymentIntentId };
      return Promise.resolve({
        status: 'requires_action',
        paymentIntentId: action.paymentIntentId,
        clientSecret: action.clientSecret,
      });
    }
    return Promise.resolve({ status: 'authorized' });
  }

  /** A decline voids this attempt's other authorizations, so a retry starts clean on one card. */
  private async decline(reason: string): Promise<PaymentOutcome> {
    await this.voidAll();
    for (const sellerId of Object.keys(this.authorized)) delete this.authorized[sellerId];
    this.pendingAction = undefined;
    return { status: 'declined', reason };
  }
}
