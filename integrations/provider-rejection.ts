// A message the provider answered with a 4xx (a bad address, a blocked number, a revoked key) fails the
// same way on every retry, so it is a business outcome to record, not an outage to wait out. 408 (timeout)
// and 429 (rate limited) are the 4xx answers that a later attempt can change.

export class ProviderRejected extends Error {
  constructor(
    readonly provider: 'sendgrid' | 'twilio',
    readonly status: number,
    message: string,
  ) {
    super(`${provider} refused the message (${status}): ${message}`);
    this.name = 'ProviderRejected';
  }
}

export function isFinalClientError(status: unknown): status is number {
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** The HTTP status an official client's error carries: SendGrid's ResponseError.code, Twilio's .status. */
export function httpStatusOf(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, status } = error as { code?: unknown; status?: unknown };
  return typeof status === 'number' ? status : code;
}
