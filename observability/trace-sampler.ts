import { AlwaysOnSampler, ParentBasedSampler, type Sampler } from '@opentelemetry/sdk-trace-base';

const reads = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Catalog and search reads: most requests, all alike, so only a share of them is traced. */
export function isRead(method: string | undefined): boolean {
  return method !== undefined && reads.has(method);
}

/**
 * Which traces to keep. Everything that changes something (an order, a payment, a webhook, a workflow's
 * work) is always traced; reads are sampled before a span exists (`isRead` in the HTTP instrumentation's
 * ignore hook), which is far cheaper than a sampler's non-recording span. Child spans follow their
 * parent's decision.
 */
export function marketplaceSampler(): Sampler {
  return new ParentBasedSampler({ root: new AlwaysOnSampler() });
}
