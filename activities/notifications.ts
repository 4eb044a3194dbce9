import { createBuyerNotifications } from './buyer-notifications';
import { createNotificationSends, type NotificationDeps } from './notification-sends';

export type { NotificationResult } from '../notifications/notification-records';
export type { BuyerNotificationInput } from './buyer-notifications';
export type { NotificationDeps, NotificationInput } from './notification-sends';

/** The notification activities a worker registers: sendEmail, sendSms and notifyBuyer. */
export function createNotificationActivities(deps: NotificationDeps) {
  const sends = createNotificationSends(deps);
  return { ...sends, ...createBuyerNotifications(deps.collections, sends) };
}
