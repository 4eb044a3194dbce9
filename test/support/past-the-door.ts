import { newOrderId } from '../../api/order-ids';
import { startOrderWorkflow } from '../../api/order-workflow';
import type { RequestedLine } from '../../domain/order-lines';
import type { Services } from '../../integrations/services';
import { currentOrderVersion } from '../../workflows/order-definitions';
import { testShipTo } from './addresses';

/**
 * An order whose checkout passed the stock check at the door a moment before another buyer took the last
 * units: its workflow is started exactly as POST /orders starts it, but against stock the door would now
 * refuse, so the reservation inside the workflow is what decides, deterministically.
 */
export async function orderPastTheDoor(
  services: Services,
  customerId: string,
  lines: RequestedLine[],
  { pay = true }: { pay?: boolean } = {},
): Promise<string> {
  const orderId = newOrderId();
  await startOrderWorkflow(
    services.temporal,
    services.env.TEMPORAL_TASK_QUEUE,
    {
      version: currentOrderVersion,
      orderId,
      customerId,
      lines,
      cartPrices: {},
      shipTo: testShipTo,
      ...(pay ? { paymentMethodId: 'pm_card_visa' } : {}),
      holdSeconds: services.env.RESERVATION_HOLD_SECONDS,
    },
    undefined,
  );
  return orderId;
}
