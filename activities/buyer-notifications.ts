import { ApplicationFailure } from '@temporalio/activity';
import type { Collections } from '../integrations/collections';
import type { TemplateData, TemplateName } from '../notifications/notification-templates';
import type { NotificationSends } from './notification-sends';

/** An order milestone for the buyer: email to the account's address, and SMS when the parcel has a phone. */
export interface BuyerNotificationInput<T extends TemplateName> {
  customerId: string;
  phone?: string;
  template: T;
  data: TemplateData<T>;
  /** Each channel's message is keyed `<key>-email` / `<key>-sms`. */
  idempotencyKey: string;
  attempts?: number;
}

export function createBuyerNotifications(collections: Collections, sends: NotificationSends) {
  return {
    /**
     * Looks the buyer's address up and sends both channels in one activity, so a milestone costs the order
     * one activity off its main path, not three on it. Each channel keeps its own key: a retry after the
     * email went out sends only the SMS.
     */
    async notifyBuyer<T extends TemplateName>(input: BuyerNotificationInput<T>): Promise<void> {
      const user = await collections.users.findOne({ _id: input.customerId });
      const common = { template: input.template, data: input.data, attempts: input.attempts };
      const pending: Promise<unknown>[] = [];
      if (user?.email) {
        pending.push(
          sends.sendEmail({ ...common, to: user.email, idempotencyKey: `${input.idempotencyKey}-email` }),
        );
      }
      if (input.phone) {
        pending.push(
          sends.sendSms({ ...common, to: input.phone, idempotencyKey: `${input.idempotencyKey}-sms` }),
        );
      }
      const failures = (await Promise.allSettled(pending)).flatMap((outcome) =>
        outcome.status === 'rejected'
          ? [outcome.reason instanceof Error ? outcome.reason : new Error('send failed')]
          : [],
      );
      // An outage on one channel is worth another attempt even when the other channel was refused for good.
      const final = (error: Error) => error instanceof ApplicationFailure && error.nonRetryable;
      const failure = failures.find((error) => !final(error)) ?? failures[0];
      if (failure) throw failure;
    },
  };
}
