import type { Env } from '../../config/env';
import type { CarrierAdapter } from './carrier';
import { SandboxCarrier } from './sandbox-carrier';
import { ShippoCarrier } from './shippo-carrier';

export function createCarrier(env: Env): CarrierAdapter {
  if (env.CARRIER === 'shippo') {
    if (!env.CARRIER_API_KEY) throw new Error('CARRIER=shippo needs CARRIER_API_KEY');
    return new ShippoCarrier(env.CARRIER_API_KEY, env.CARRIER_WEBHOOK_SECRET, env.CARRIER_API_BASE);
  }
  return new SandboxCarrier(env.CARRIER_WEBHOOK_SECRET);
}
